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

    public async Task<(DateTimeOffset At, DealActivity Activity)> WaitFor(Guid dealId, ActivityKind kind, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < until)
        {
            foreach (var (at, publication) in Received)
            {
                if (publication.Deal.Id == dealId && publication.Activities.FirstOrDefault(a => a.Kind == kind) is { } found)
                {
                    return (at, found);
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Deal {dealId} published no {kind} within {timeout}.");
    }
}
