using System.Collections.Immutable;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SalesOrleans.Web.Live;

/// <summary>This node's end of the relay: changes from any node go to the browsers connected here.</summary>
public sealed class HubLiveObserver(IHubContext<LiveHub> hub) : ILiveObserver
{
    public async Task OnChanges(ImmutableArray<LiveChange> changes)
    {
        foreach (var change in changes)
        {
            if (change.Department is null)
            {
                // Not a department's (stock, orders): every page may show it. Such pushes carry no data, only the
                // signal to reload through the API, which applies each user's access.
                await hub.Clients.All.SendAsync("change", change.Kind, change.Id, change.Seq, change.Json);
                RecordPush(change);
                continue;
            }

            var groups = new List<string>(change.Users.Count + 2) { LiveGroups.All, LiveGroups.Department(change.Department) };

            groups.AddRange(change.Users.Select(LiveGroups.User));
            // A browser in two of these groups gets the change twice; pages keep the highest seq per item.
            await hub.Clients.Groups(groups).SendAsync("change", change.Kind, change.Id, change.Seq, change.Json);
            if (change.Kind is "deal" or "lead")
            {
                // Dashboards only reload: no data, so a marketer learns nothing of a department beyond the reports.
                await hub.Clients.Group(LiveGroups.Analytics).SendAsync("change", change.Kind, change.Id, change.Seq, "{}");
            }

            RecordPush(change);
        }
    }

    private static void RecordPush(LiveChange change)
    {
        if (change.PublishedAt != default)
        {
            SalesOrleans.Infrastructure.SalesMetrics.PushLatency.Record(Math.Max(0, (DateTime.UtcNow - change.PublishedAt).TotalSeconds),
                new KeyValuePair<string, object?>("kind", change.Kind));
        }
    }
}

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
