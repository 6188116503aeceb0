using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesOrleans.Deals;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Wakes sleeping grains whose stored wake time (grain_state.wake_at, IWakeDue) has come — a deal whose task deadline
/// or escalation is due while no activation holds a timer for it. Each node claims due rows, earliest first, a bounded
/// batch at a time through a partial index (deploy/sql/0080); a full batch is followed by the next at once, so a burst
/// of deadlines drains at the speed grains activate. A claim moves the row's wake a minute ahead, so other nodes pass it
/// by and a failed wake comes round again; the grain's own write then stores its real next wake. Active grains wake on
/// their own timers (NextWake); this is only for those asleep. The loop is <see cref="GrainSweeper"/>'s.
/// </summary>
public sealed class DueWakeSweeper(IServiceProvider services, IGrainFactory grains, IOptions<DealOptions> options, IHostApplicationLifetime lifetime,
    ILogger<DueWakeSweeper> logger) : GrainSweeper(services, grains, lifetime, logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => options.Value.WakeSweepInterval;

    protected override int Batch => options.Value.WakeSweepBatch;

    protected override bool DrainFullBatches => true;

    protected override int Parallelism => 32;

    protected override string What => "for their deadlines";

    protected override string Retry => "are tried again in a minute";

    protected override Task<IReadOnlyList<string>> ClaimAsync(IGrainStateMarks storage, int batch, CancellationToken ct) =>
        storage.ClaimWakesAsync(batch, Lease, ct);
}
