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
    private const int MaxBatch = 500;

    private readonly IGrainFactory _grains;
    private readonly ILogger<LiveFanOut> _logger;
    private readonly Channel<LiveChange> _queue = Channel.CreateBounded<LiveChange>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _loop;
    private ImmutableArray<ILiveObserver> _observers = [];
    private DateTime _observersAt = DateTime.MinValue;

    public LiveFanOut(IGrainFactory grains, ILogger<LiveFanOut> logger)
    {
        _grains = grains;
        _logger = logger;
        _loop = Task.Run(Loop);
    }

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

            try
            {
                if (DateTime.UtcNow - _observersAt > ObserverRefresh)
                {
                    _observers = await _grains.GetGrain<ILiveRelayRegistry>(0).GetObservers();
                    _observersAt = DateTime.UtcNow;
                }

                var changes = batch.ToImmutableArray();
                foreach (var observer in _observers)
                {
                    // One-way: a slow or dead node never holds the others up.
                    _ = observer.OnChanges(changes);
                }
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Pushing {Count} live changes failed", batch.Count);
            }
        }
    }
}
