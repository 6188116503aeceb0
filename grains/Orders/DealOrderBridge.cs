using System.Security.Cryptography;
using System.Text;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Processes;

namespace SalesOrleans.Orders;

/// <summary>
/// The deal side of the deal–order link, wrapped around whatever consumed deal events before (the read-model
/// projector, and whatever else the node registered): a deal entering the stage its process version's
/// <c>orderLink.createAt</c> names gets a customer order made from its lines (one per deal: the order id is derived from
/// the deal id, so a replayed publication makes nothing twice). It runs inside the publication, so a failure leaves
/// the events in the deal's outbox to be delivered again. The other direction (order state moving the deal, order
/// documents in the deal journal) is the order grain's, in a turn of its own, so no call ever waits on itself.
/// </summary>
public sealed class DealOrderBridge(
    IDealEventSink inner,
    IGrainFactory grains,
    IProcessCatalog processes,
    ILogger<DealOrderBridge> logger) : IDealEventSink
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    /// <summary>The id of the order made from a deal: fixed, so making it again finds the same order.</summary>
    public static Guid OrderIdFor(Guid dealId) => new(MD5.HashData(Encoding.UTF8.GetBytes($"order-of-deal:{dealId:N}")));

    public async Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        await inner.PublishAsync(publication, ct);
        var deal = publication.Deal;
        var stagesEntered = publication.Activities.Where(a => a.Kind == ActivityKind.StageChanged && a.Subject is not null).ToList();
        if (stagesEntered.Count == 0)
        {
            return;
        }

        // The deal's own version: a running deal keeps the link it started with.
        var link = (await processes.GetAsync(deal.ProcessKind, deal.ProcessVersion, ct))?.OrderLink;
        if (link is null || !stagesEntered.Any(a => DealOrderLink.MakesOrderAt(link, a.Subject!)))
        {
            return;
        }

        if (deal.Lines.Count == 0)
        {
            logger.LogWarning("Deal {DealId} reached {Stage} without lines: no order made", deal.Id, link.CreateAt);
            return;
        }

        var order = grains.GetGrain<IOrderGrain>(OrderIdFor(deal.Id));
        var command = new CreateOrderCommand(deal.Company, deal.Contact, deal.Owner, link.Warehouse, deal.Currency,
            deal.Lines.Select(l => new NewOrderLineView(l.Sku, l.Quantity, l.Price)).ToList(), deal.Id,
            deal.Parameters.GetValueOrDefault("contractNumber"), deal.Parameters.GetValueOrDefault("paymentTerms"));
        command = command with { CompanyId = deal.CompanyId };
        var created = await order.Create(command, System);
        if (!created.Ok)
        {
            // Bad lines (an unknown SKU) are the deal's problem, not a delivery failure: retrying would not help.
            logger.LogWarning("Deal {DealId}: order not made: {Error}", deal.Id, created.Error!.Message);
            return;
        }

        if (link.Submit && created.Order!.Status == nameof(OrderStatus.Draft))
        {
            await order.Submit(System);
        }
    }
}
