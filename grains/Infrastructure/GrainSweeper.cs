using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// The one sweep loop that wakes sleeping grains from what their stored state says (grain_state): once the node has
/// started whole, at once and then every <see cref="Interval"/>, it asks <see cref="ClaimAsync"/> for grain keys and
/// calls <see cref="IFollowUpGrain.Resume"/> on each, a bounded number at a time. A failed query waits for the next
/// tick; a grain that fails to wake does not hold the others up and comes round again (its row stays as it was, or its
/// claim runs out). Two sweeps use it: <see cref="DueWakeSweeper"/> (a due deadline, grain_state.wake_at) and
/// <see cref="FollowUpSweeper"/> (work a dead node left owed, grain_state.work_due). Without the group-commit storage
/// (tests with memory storage) there is nothing to sweep.
/// </summary>
public abstract class GrainSweeper(IServiceProvider services, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger logger) : BackgroundService
{
    /// <summary>How long between sweeps.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Grains claimed per query.</summary>
    protected abstract int Batch { get; }

    /// <summary>
    /// A full batch is followed by the next at once (a burst drains at the speed grains activate). Only for a claim that
    /// moves the rows it returns out of its own way; one that leaves them as they are would find the same rows again.
    /// </summary>
    protected abstract bool DrainFullBatches { get; }

    /// <summary>Grains woken at once.</summary>
    protected abstract int Parallelism { get; }

    /// <summary>What the sweep wakes grains for, in logs ("for their deadlines").</summary>
    protected abstract string What { get; }

    /// <summary>What becomes of a grain that could not be woken, in logs ("are tried again in a minute").</summary>
    protected abstract string Retry { get; }

    /// <summary>The keys (GrainId strings) of up to <paramref name="batch"/> grains to wake.</summary>
    protected abstract Task<IReadOnlyList<string>> ClaimAsync(IGrainStateMarks storage, int batch, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetKeyedService<IGrainStateMarks>(StorageNames.GroupCommit) is not { } storage)
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

        var batch = Math.Max(1, Batch);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            IReadOnlyList<string> due;
            do
            {
                try
                {
                    due = await ClaimAsync(storage, batch, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Looking for grains to wake {What} failed; trying again at the next tick", What);
                    break;
                }

                await WakeAsync(due, stoppingToken);
            }
            while (DrainFullBatches && due.Count == batch && !stoppingToken.IsCancellationRequested);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task WakeAsync(IReadOnlyList<string> due, CancellationToken stoppingToken)
    {
        if (due.Count == 0)
        {
            return;
        }

        var failed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken }, async (key, _) =>
        {
            try
            {
                await grains.GetGrain<IFollowUpGrain>(GrainId.Parse(key)).Resume();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One grain failing (its storage away, its silo going) does not hold the others up.
                Interlocked.Increment(ref failed);
                logger.LogDebug(ex, "Waking {Grain} {What} failed; it and its like {Retry}", key, What, Retry);
            }
        });

        // Most wakes are routine (a grain that published its events keeps the mark until this wake writes it once more;
        // a deadline simply came), so the count is for debugging; only grains that could not be woken are worth an
        // operator's attention.
        var kinds = string.Join(", ", due.GroupBy(k => k[..Math.Max(0, k.IndexOf('/'))]).Select(g => $"{g.Count()} {g.Key}"));
        if (failed > 0)
        {
            logger.LogWarning("Woke {Count} grains {What} ({Kinds}); {Failed} could not be woken and {Retry}", due.Count, What, kinds, failed, Retry);
        }
        else
        {
            logger.LogDebug("Woke {Count} grains {What} ({Kinds})", due.Count, What, kinds);
        }
    }
}
