using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesOrleans.Leads;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// The one way work a grain owes survives its node: the grain stores that work is due together with the state that
/// owes it (IWorkDue, grain_state.work_due, one write), and every node looks every few seconds for rows that say so
/// and have been quiet for a while — a node that died after acknowledging, before the work was done — and wakes
/// those grains on a live node (<see cref="IFollowUpGrain.Resume"/>). Calls (inquiry, settling, call log), stock
/// items (publishing movements), orders (stock actions, the deal, publishing) and deals, contacts and leads (publishing
/// their events) work this way. Every step of
/// that work is idempotent, so a grain woken by two nodes' sweeps, or woken while it is already at it, does its work once.
/// The query claims nothing (a row stays due until its grain's write clears it), so one batch a tick; the loop is
/// <see cref="GrainSweeper"/>'s.
/// </summary>
public sealed class FollowUpSweeper(IServiceProvider services, IGrainFactory grains, IOptions<LeadOptions> options, IHostApplicationLifetime lifetime,
    ILogger<FollowUpSweeper> logger) : GrainSweeper(services, grains, lifetime, logger)
{
    protected override TimeSpan Interval => options.Value.CallSweepInterval;

    protected override int Batch => 500;

    protected override bool DrainFullBatches => false;

    protected override int Parallelism => 8;

    protected override string What => "with work due";

    protected override string Retry => "stay due";

    protected override Task<IReadOnlyList<string>> ClaimAsync(IGrainStateMarks storage, int batch, CancellationToken ct) =>
        storage.WorkDueAsync(null, options.Value.CallSweepQuiet, batch, ct);
}
