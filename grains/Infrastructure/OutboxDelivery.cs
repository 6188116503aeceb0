namespace SalesOrleans.Infrastructure;

/// <summary>
/// Delivers a grain's committed events (its outbox) to this node's consumers after each write: everything after the
/// last delivered seq, so a failed delivery is simply repeated — from a timer shortly, and on reactivation — and the
/// consumers, which keep the highest seq they saw, take each event once.
/// </summary>
public sealed class OutboxDelivery(Grain grain, ILogger logger, string what)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private IGrainTimer? _retry;

    /// <summary>Everything up to this seq reached every consumer; the outbox may drop it at the next write.</summary>
    public long DeliveredSeq { get; set; }

    /// <summary>
    /// Runs <paramref name="deliver"/> with the seq delivered so far; on success everything up to <paramref name="seq"/>
    /// counts as delivered, on failure <paramref name="retry"/> runs after a delay (the write is durable either way).
    /// </summary>
    public async Task DeliverAsync(long seq, Func<long, Task> deliver, Func<Task> retry)
    {
        var from = DeliveredSeq;
        try
        {
            await deliver(from);
            DeliveredSeq = seq;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Publishing {What} events after seq {Seq} failed; will retry", what, from);
            _retry?.Dispose();
            _retry = grain.RegisterGrainTimer(_ => retry(),
                new GrainTimerCreationOptions { DueTime = RetryDelay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
    }
}
