using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using SalesOrleans.Deals;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Wakes sleeping grains whose stored wake time (grain_state.wake_at, IWakeDue) has come — a deal whose task deadline
/// or escalation is due while no activation holds a timer for it. Every few seconds each node claims due rows, earliest
/// first, a bounded batch at a time through a partial index (deploy/sql/0080), and calls
/// <see cref="IFollowUpGrain.Resume"/> on them; a full batch is followed by the next at once, so a burst of deadlines
/// drains at the speed grains activate. A claim moves the row's wake a minute ahead, so other nodes pass it by and a
/// failed wake comes round again; the grain's own write then stores its real next wake. Active grains wake on their own
/// timers (NextWake); this is only for those asleep.
/// </summary>
public sealed class DueWakeSweeper(IServiceProvider services, IGrainFactory grains, IOptions<DealOptions> options, IHostApplicationLifetime lifetime,
    ILogger<DueWakeSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetKeyedService<IGrainStorage>(StorageNames.GroupCommit) is not GroupCommitGrainStorage storage)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        var batch = Math.Max(1, options.Value.WakeSweepBatch);
        using var timer = new PeriodicTimer(options.Value.WakeSweepInterval);
        do
        {
            IReadOnlyList<string> due;
            do
            {
                try
                {
                    due = await storage.ClaimWakesAsync(batch, Lease, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Looking for grains due to wake failed; trying again at the next tick");
                    break;
                }

                var failed = 0;
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stoppingToken }, async (key, _) =>
                {
                    try
                    {
                        await grains.GetGrain<IFollowUpGrain>(GrainId.Parse(key)).Resume();
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Its claim runs out in a minute and it is woken again.
                        Interlocked.Increment(ref failed);
                        logger.LogDebug(ex, "Waking {Grain} for its deadline failed; it is tried again in a minute", key);
                    }
                });

                if (failed > 0)
                {
                    logger.LogWarning("Woke {Count} grains for their deadlines; {Failed} could not be woken and are tried again in a minute", due.Count, failed);
                }
                else if (due.Count > 0)
                {
                    logger.LogDebug("Woke {Count} grains for their deadlines", due.Count);
                }
            }
            while (due.Count == batch && !stoppingToken.IsCancellationRequested);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
