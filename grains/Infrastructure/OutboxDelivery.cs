namespace SalesOrleans.Infrastructure;

/// <summary>
/// Delivers a grain's committed events (its outbox) to this node's consumers after each write: everything after the
/// last delivered seq, so a failed delivery is simply repeated — from a timer shortly, and on reactivation — and the
/// consumers, which keep the highest seq they saw, take each event once.
/// </summary>
public sealed class OutboxDelivery(Grain grain, ILogger logger, string what)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retries: a database that stays away is asked every minute, not hammered, and the
    /// read model catches up within a minute of its return.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    private IGrainTimer? _retry;

    // Failures in a row: the wait doubles with each (5 s, 10 s, 20 s, 40 s, then every minute). Only transient failures get here
    // more than once: a publication the read model refuses for good is set aside by the projector (DeadLetterStore).
    private int _failures;

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
            _failures = 0;
        }
        catch (Exception ex)
        {
            _failures++;
            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks << Math.Min(_failures - 1, 10)));
            logger.LogWarning(ex, "Publishing {What} events after seq {Seq} failed ({Failures} in a row); will retry in {Delay}", what, from, _failures, delay);
            _retry?.Dispose();
            _retry = grain.RegisterGrainTimer(_ => retry(),
                new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
    }
}
