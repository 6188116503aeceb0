using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SalesOrleans.Web.Live;

/// <summary>Registers this node's observer with the relay registry now and every few seconds (observers are not durable).</summary>
public sealed class LiveRelayRegistration(
    IGrainFactory grains,
    HubLiveObserver observer,
    IHostApplicationLifetime lifetime,
    ILogger<LiveRelayRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // Stop with the application, not with this service: the silo stops before it and must not be called while draining.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.ApplicationStopping);
        var stoppingToken = linked.Token;
        // Not before the node has started whole: earlier the silo is not active yet, and Orleans logs each call to a grain
        // it cannot place yet as a warning with a stack trace ("No active nodes are compatible with grain liverelayregistry").
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var reference = grains.CreateObjectReference<ILiveObserver>(observer);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<ILiveRelayRegistry>(0).Register(node, reference);
                await Task.Delay(Heartbeat, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The silo may still be starting, or the registry moving after a node died.
                logger.LogDebug(ex, "Live relay registration failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { });
            }
        }
    }
}
