using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// Wakes calls whose node died after it acknowledged their events but before it made the inquiry or settled them
/// or projected them into the call log (their state says work is due and nothing has written it for a while). Waking asks
/// the call to run what it owes (an active call that merely stayed in memory does it too, not only a new activation);
/// every step is idempotent, so a call woken by two nodes' sweeps does its work once.
/// </summary>
public sealed class CallSweeper(IServiceProvider services, IGrainFactory grains, IOptions<LeadOptions> options, IHostApplicationLifetime lifetime,
    ILogger<CallSweeper> logger) : BackgroundService
{
    private const string Prefix = "call/";

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
            try
            {
                var due = await storage.WorkDueAsync("call", options.Value.CallSweepQuiet, 500, stoppingToken);
                foreach (var key in due.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
                {
                    await grains.GetGrain<ICallGrain>(key[Prefix.Length..]).Resume();
                }

                if (due.Count > 0)
                {
                    logger.LogInformation("Woke {Count} calls with work left undone", due.Count);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sweeping calls with work due failed; trying again at the next tick");
            }
        }
    }
}
