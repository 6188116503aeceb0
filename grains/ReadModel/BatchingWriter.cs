using System.Threading.Channels;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Gathers what many grains on this node publish into batches that a few writers commit, one database round trip
/// each, so the read model costs a fraction of a round trip per command. Each caller's task completes (or fails)
/// with the batch that carried its item, so a grain knows when its events are in.
/// </summary>
public sealed class BatchingWriter<T> : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<(T Item, TaskCompletionSource Done)> _queue = Channel.CreateUnbounded<(T, TaskCompletionSource)>();
    private readonly Func<IReadOnlyList<T>, Task> _writeBatch;
    private readonly ILogger _logger;
    private readonly string _what;
    private readonly Task[] _writers;

    /// <param name="writers">Concurrent batches: while some commit, the next fills (PostgreSQL groups their flushes).</param>
    public BatchingWriter(Func<IReadOnlyList<T>, Task> writeBatch, int writers, ILogger logger, string what)
    {
        _writeBatch = writeBatch;
        _logger = logger;
        _what = what;
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoop)).ToArray();
    }

    public Task WriteAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            throw new ObjectDisposedException(_what);
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteLoop()
    {
        var batch = new List<(T Item, TaskCompletionSource Done)>(MaxBatch);
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

            try
            {
                await _writeBatch(batch.Select(e => e.Item).ToList());
                batch.ForEach(e => e.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Projecting {Count} {What} failed", batch.Count, _what);
                batch.ForEach(e => e.Done.TrySetException(ex));
            }
        }
    }
}
