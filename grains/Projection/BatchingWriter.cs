using System.Threading.Channels;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Gathers what many grains on this node ask of the database into batches that a few loops carry out, one database
/// round trip each, so a write or read costs a fraction of a round trip and of a connection. Each caller's task
/// completes (or fails) with the batch that carried its item, with its own result.
/// </summary>
public sealed class Batcher<TItem, TResult> : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done, long Queued)> _queue = Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>, long)>();
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _runBatch;
    private readonly ILogger _logger;
    private readonly string _what;
    private readonly Task[] _loops;

    /// <param name="runBatch">Carries out a batch; returns one result per item, in the items' order.</param>
    /// <param name="loops">Concurrent batches: while some run, the next fills (PostgreSQL groups their flushes).</param>
    public Batcher(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> runBatch, int loops, ILogger logger, string what)
    {
        _runBatch = runBatch;
        _logger = logger;
        _what = what;
        _loops = Enumerable.Range(0, loops).Select(_ => Task.Run(Loop)).ToArray();
    }

    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done, System.Diagnostics.Stopwatch.GetTimestamp())))
        {
            throw new ObjectDisposedException(_what);
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }

    private async Task Loop()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done, long Queued)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var what = new KeyValuePair<string, object?>("what", _what);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            SalesMetrics.Batches.Add(1, what);
            SalesMetrics.BatchedItems.Add(batch.Count, what);
            foreach (var e in batch)
            {
                SalesMetrics.BatchWait.Record(System.Diagnostics.Stopwatch.GetElapsedTime(e.Queued, started).TotalSeconds, what);
            }

            try
            {
                var results = await _runBatch(batch.Select(e => e.Item).ToList());
                SalesMetrics.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, what);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "{Count} {What} failed", batch.Count, _what);
                batch.ForEach(e => e.Done.TrySetException(ex));
            }
        }
    }
}

/// <summary>
/// A <see cref="Batcher{TItem,TResult}"/> for writes that return nothing (the read model's projectors). With a
/// <see cref="DeadLetterStore"/>, one publication the database refuses for good cannot hold up the others: a batch that
/// fails permanently is written again item by item, and an item that fails alone is set aside as a dead letter (its
/// write then counts as done). A transient failure (the database away) still fails the batch, and the grains retry.
/// </summary>
public sealed class BatchingWriter<T> : IAsyncDisposable
{
    private readonly Batcher<T, bool> _batcher;

    /// <param name="describe">The item's key and seq for the dead-letter list.</param>
    public BatchingWriter(Func<IReadOnlyList<T>, Task> writeBatch, int writers, ILogger logger, string what,
        DeadLetterStore? deadLetters = null, Func<T, (string Key, long Seq, object? Payload)>? describe = null) =>
        _batcher = new Batcher<T, bool>(async batch =>
        {
            try
            {
                await writeBatch(batch);
            }
            catch (Exception ex) when (deadLetters is not null && ProjectionFailure.IsPermanent(ex))
            {
                logger.LogWarning(ex, "A batch of {Count} {What} was refused; writing them one by one", batch.Count, what);
                foreach (var item in batch)
                {
                    var (key, seq, payload) = describe?.Invoke(item) ?? (item?.ToString() ?? "", 0, item);
                    await deadLetters.ProjectAsync(what, key, seq, () => payload, () => writeBatch([item]));
                }
            }

            return new bool[batch.Count];
        }, writers, logger, what);

    public Task WriteAsync(T item) => _batcher.RunAsync(item);

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
