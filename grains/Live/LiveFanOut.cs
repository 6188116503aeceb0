using System.Collections.Immutable;
using System.Threading.Channels;

namespace SalesOrleans.Live;

/// <summary>
/// Sends this node's committed changes to every node's observer, gathering what arrives within a few milliseconds
/// into one message per node. Never blocks the grain that published: live pushes are best effort, and a browser
/// that missed one catches up from the read model when it reconnects.
/// </summary>
public sealed class LiveFanOut : IAsyncDisposable
{
    private static readonly TimeSpan ObserverRefresh = TimeSpan.FromSeconds(2);

    // The registry may be moving off a dead node: ask briefly, and meanwhile push to the nodes known lately.
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromSeconds(2);
    private const int MaxBatch = 500;

    private readonly IGrainFactory _grains;
    private readonly ILogger<LiveFanOut> _logger;
    private readonly Channel<LiveChange> _queue = Channel.CreateBounded<LiveChange>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _loop;
    private readonly Dictionary<ILiveObserver, DateTime> _seen = [];
    private ImmutableArray<ILiveObserver> _observers = [];
    private DateTime _observersAt = DateTime.MinValue;

    public LiveFanOut(IGrainFactory grains, ILogger<LiveFanOut> logger)
    {
        _grains = grains;
        _logger = logger;
        _loop = Task.Run(Loop);
    }

    // The machine's clock, not a TimeProvider: the stamp times the push (metrics, the push benchmark's other process).
    public void Publish(LiveChange change) => _queue.Writer.TryWrite(change with { PublishedAt = DateTime.UtcNow });

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task Loop()
    {
        var batch = new List<LiveChange>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            if (DateTime.UtcNow - _observersAt > ObserverRefresh)
            {
                await RefreshObservers();
            }

            var changes = batch.ToImmutableArray();
            foreach (var observer in _observers)
            {
                // One-way: a slow or dead node never holds the others up.
                _ = observer.OnChanges(changes);
            }
        }
    }

    /// <summary>
    /// The registry's list, plus nodes it listed within its own expiry: a registry just activated again (its node
    /// died) knows only the nodes that have registered since, and the rest follow within a heartbeat.
    /// </summary>
    private async Task RefreshObservers()
    {
        _observersAt = DateTime.UtcNow;
        try
        {
            foreach (var observer in await _grains.GetGrain<ILiveRelayRegistry>(0).GetObservers().WaitAsync(RegistryTimeout))
            {
                _seen[observer] = DateTime.UtcNow;
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "The live relay registry did not answer; pushing to the {Count} nodes known lately", _observers.Length);
        }

        foreach (var stale in _seen.Where(s => DateTime.UtcNow - s.Value > LiveRelayRegistryGrain.Expiry).Select(s => s.Key).ToList())
        {
            _seen.Remove(stale);
        }

        _observers = [.. _seen.Keys];
    }
}
