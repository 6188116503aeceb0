using System.Collections.Immutable;

namespace SalesOrleans.Live;

/// <summary>
/// The list of node observers (as samples/GPSTracker's hub list). Held in memory only: observers are process-bound,
/// so after a restart the nodes simply register again on their next heartbeat.
/// </summary>
public sealed class LiveRelayRegistryGrain(TimeProvider clock) : Grain, ILiveRelayRegistry
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (ILiveObserver Observer, DateTimeOffset Seen)> _nodes = [];

    public Task Register(string node, ILiveObserver observer)
    {
        _nodes[node] = (observer, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<ILiveObserver>> GetObservers()
    {
        var now = clock.GetUtcNow();
        foreach (var stale in _nodes.Where(n => now - n.Value.Seen > Expiry).Select(n => n.Key).ToList())
        {
            _nodes.Remove(stale);
        }

        return Task.FromResult(_nodes.Values.Select(n => n.Observer).ToImmutableArray());
    }
}
