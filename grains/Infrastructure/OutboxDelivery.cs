namespace SalesOrleans.Infrastructure;

/// <summary>
/// Delivers a grain's committed events (its outbox) to this node's consumers after each write: everything after the
/// last delivered seq, so a failed delivery is simply repeated — by <see cref="FollowUpWork"/> with backoff until it
/// succeeds, and on reactivation — and the consumers, which keep the highest seq they saw, take each event once.
/// </summary>
public sealed class OutboxDelivery(Grain grain, ILogger logger, string what)
{
    private FollowUpWork? _work;
    private Func<Task>? _retry;
    private bool _retrying;

    // Only transient failures come back here more than once: a publication the read model refuses for good is set aside
    // by the projector (DeadLetterStore).

    /// <summary>Everything up to this seq reached every consumer; the outbox may drop it at the next write.</summary>
    public long DeliveredSeq { get; set; }

    /// <summary>
    /// Runs <paramref name="deliver"/> with the seq delivered so far; on success everything up to <paramref name="seq"/>
    /// counts as delivered, on failure <paramref name="retry"/> (the grain's own publish, which comes back here) is run
    /// by the follow-up work until a delivery succeeds (the write is durable either way).
    /// </summary>
    public async Task DeliverAsync(long seq, Func<long, Task> deliver, Func<Task> retry)
    {
        var from = DeliveredSeq;
        try
        {
            await deliver(from);
            DeliveredSeq = Math.Max(DeliveredSeq, seq);
        }
        catch (Exception ex) when (!_retrying)
        {
            // A command's publish: its write is durable, so its caller is answered; the delivery is retried.
            logger.LogWarning(ex, "Publishing {What} events after seq {Seq} failed; will retry", what, from);
            _retry = retry;
            Work.Kick(FollowUpWork.FirstRetry);
        }
    }

    /// <summary>
    /// The sweep's wake-up (<see cref="IFollowUpGrain.Resume"/>) of a grain whose stored outbox says work is due: what is
    /// not yet delivered is published, then the delivered outbox is dropped with one more write, which clears the stored
    /// mark so the sweep leaves the grain alone. A failed write leaves the activation to be read again from storage.
    /// </summary>
    public async Task ResumeAsync(long seq, System.Collections.IList outbox, Func<Task> publish, Func<Task> write)
    {
        if (DeliveredSeq < seq)
        {
            await publish();
        }

        if (DeliveredSeq >= seq && outbox.Count > 0)
        {
            outbox.Clear();
            try
            {
                await write();
            }
            catch
            {
                grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, $"Writing {what} after its outbox was delivered failed."));
                throw;
            }
        }
    }

    /// <summary>Retries throw (inside the round) so that FollowUpWork backs off.</summary>
    private FollowUpWork Work => _work ??= new FollowUpWork(grain, $"Publishing {what} events", async () =>
    {
        _retrying = true;
        try
        {
            await _retry!();
        }
        finally
        {
            _retrying = false;
        }

        return FollowUpWork.Done;
    }, logger);
}
