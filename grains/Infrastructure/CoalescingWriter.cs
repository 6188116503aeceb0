namespace SalesOrleans.Infrastructure;

/// <summary>
/// Group commit for one owner (a [Reentrant] grain whose commands apply their change in one turn): a caller applies its
/// change, then awaits <see cref="WriteAsync"/>, which completes once a write that started after that call is durable.
/// At most one write is in flight; changes that arrive meanwhile ride the next write, which starts when the one in
/// flight ends and writes the owner's state as it is then. A failed write fails exactly the callers it covered; the
/// next write (if anyone waits for one) tries again with the current state — what to do about memory being ahead of
/// storage is the owner's choice (its write function may refuse, or it deactivates).
/// <para>
/// The write function must take its snapshot before its first await: the writer starts it synchronously, so in a
/// grain the snapshot is taken in the turn that started the write. Thread-safe, so tests can race it from the pool;
/// in a grain every call comes on the grain's scheduler and the lock is never contended.
/// </para>
/// </summary>
public sealed class CoalescingWriter(Func<Task> write)
{
    private readonly Lock _gate = new();

    /// <summary>Callers covered by the write in flight.</summary>
    private TaskCompletionSource? _inFlight;

    /// <summary>Callers waiting for the next write.</summary>
    private TaskCompletionSource? _next;

    /// <summary>Whether a write is in flight.</summary>
    public bool Writing
    {
        get
        {
            lock (_gate)
            {
                return _inFlight is not null;
            }
        }
    }

    /// <summary>Completes once a write started after this call is durable; throws what that write threw.</summary>
    public Task WriteAsync()
    {
        TaskCompletionSource batch;
        Task mine;
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            mine = _next.Task;
            if (_inFlight is not null)
            {
                return mine;
            }

            batch = _next;
            _next = null;
            _inFlight = batch;
        }

        _ = Loop(batch);
        return mine;
    }

    /// <summary>
    /// Completes once every change made before this call is durable: with the next write if one is awaited, else with the
    /// write in flight, else at once. Throws what that write threw.
    /// </summary>
    public Task WhenDurable()
    {
        lock (_gate)
        {
            return _next?.Task ?? _inFlight?.Task ?? Task.CompletedTask;
        }
    }

    private async Task Loop(TaskCompletionSource batch)
    {
        while (true)
        {
            try
            {
                await write();
                batch.TrySetResult();
            }
            catch (Exception ex)
            {
                batch.TrySetException(ex);
            }

            lock (_gate)
            {
                if (_next is null)
                {
                    _inFlight = null;
                    return;
                }

                batch = _next;
                _next = null;
                _inFlight = batch;
            }
        }
    }
}
