using System.Collections.Concurrent;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Tests.Support;

/// <summary>Records what deals publish; can be told to fail, to stand in for an unreachable read model.</summary>
public sealed class RecordingSink : IDealEventSink
{
    public ConcurrentQueue<(DateTimeOffset At, DealPublication Publication)> Received { get; } = new();

    public volatile bool Failing;

    public Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        if (Failing)
        {
            throw new InvalidOperationException("The read model is unreachable (test).");
        }

        Received.Enqueue((DateTimeOffset.UtcNow, publication));
        return Task.CompletedTask;
    }

    public IReadOnlyList<DealActivity> ActivitiesOf(Guid dealId) =>
        Received.Where(r => r.Publication.Deal.Id == dealId).SelectMany(r => r.Publication.Activities).ToList();

    /// <summary>The first <paramref name="kind"/> the deal published and when it arrived here (see <see cref="Poll"/>).</summary>
    public Task<(DateTimeOffset At, DealActivity Activity)> WaitFor(Guid dealId, ActivityKind kind, TimeSpan timeout) =>
        Poll.Until(() => Task.FromResult(Received
                .Where(r => r.Publication.Deal.Id == dealId)
                .Select(r => (r.At, Activity: r.Publication.Activities.FirstOrDefault(a => a.Kind == kind)))
                .Where(r => r.Activity is not null)
                .Select(r => ((DateTimeOffset At, DealActivity Activity)?)(r.At, r.Activity!))
                .FirstOrDefault()),
            $"Deal {dealId} published no {kind} within {timeout}.", (int)Math.Ceiling(timeout.TotalSeconds));
}
