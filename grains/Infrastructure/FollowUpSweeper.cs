using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
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
/// </summary>
public sealed class FollowUpSweeper(IServiceProvider services, IGrainFactory grains, IOptions<LeadOptions> options, IHostApplicationLifetime lifetime,
    ILogger<FollowUpSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetKeyedService<IGrainStorage>(StorageNames.GroupCommit) is not GroupCommitGrainStorage storage)
        {
            return;
        }

        // Not before the node has started whole (users and routing loaded, first-start seeding done): a call woken
        // earlier would be routed and assigned without them.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(options.Value.CallSweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            IReadOnlyList<string> due;
            try
            {
                due = await storage.WorkDueAsync(null, options.Value.CallSweepQuiet, 500, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Looking for grains with work due failed; trying again at the next tick");
                continue;
            }

            if (due.Count == 0)
            {
                continue;
            }

            var failed = 0;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken }, async (key, _) =>
            {
                try
                {
                    await grains.GetGrain<IFollowUpGrain>(GrainId.Parse(key)).Resume();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // One grain failing (its storage away, its silo going) does not hold the others up; it stays due.
                    Interlocked.Increment(ref failed);
                    logger.LogDebug(ex, "Waking {Grain} failed; it stays due", key);
                }
            });

            // Most wakes are routine: a grain that published its events keeps them (and the mark) until this wake writes
            // it once more without them; a node that died shows up the same way. So the count is for debugging, and only
            // grains that could not be woken are worth an operator's attention.
            var kinds = string.Join(", ", due.GroupBy(k => k[..Math.Max(0, k.IndexOf('/'))]).Select(g => $"{g.Count()} {g.Key}"));
            if (failed > 0)
            {
                logger.LogWarning("Woke {Count} grains with work due ({Kinds}); {Failed} could not be woken and stay due", due.Count, kinds, failed);
            }
            else
            {
                logger.LogDebug("Woke {Count} grains with work due ({Kinds})", due.Count, kinds);
            }
        }
    }
}
