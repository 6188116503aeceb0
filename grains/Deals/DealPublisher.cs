using System.Text.Json;
using SalesOrleans.Live;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Deals;

/// <summary>
/// This node's consumers of deal events, in order: the read model first (awaited, so a reply means lists are
/// current), then the live push to browsers (not awaited).
/// </summary>
public sealed class DealPublisher(DealProjector projector, LiveFanOut live) : IDealEventSink
{
    public static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);

    public async Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        await projector.PublishAsync(publication, ct);
        var deal = publication.Deal;
        var people = deal.Tasks.Where(t => t.Status == "Open").Select(t => t.Executor).Append(deal.Owner).Distinct().ToList();
        live.Publish(new LiveChange("deal", deal.Id.ToString(), deal.Seq, deal.Department, people,
            JsonSerializer.Serialize(DealListItem.From(deal), CardJson)));
    }
}
