using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;

namespace SalesOrleans.Orders;

/// <summary>How a process hands its deals over to orders: the stage that makes the order, and the stages order states move the deal to.</summary>
public sealed class DealOrderLink
{
    public string ProcessKind { get; set; } = "";

    /// <summary>Entering this stage makes a customer order from the deal's lines.</summary>
    public string OrderStage { get; set; } = "";

    public string Warehouse { get; set; } = "main";

    /// <summary>Send the new order for approval at once (the ERP side approves it).</summary>
    public bool Submit { get; set; } = true;

    /// <summary>Order status → deal stage, for order-driven processes.</summary>
    public Dictionary<string, string> StageByStatus { get; set; } = [];

    /// <summary>A cancelled or rejected order loses the deal into this stage with <see cref="LostReason"/>.</summary>
    public string? LostStage { get; set; }

    public string LostReason { get; set; } = "order cancelled";
}

public sealed class DealOrderLinkOptions
{
    /// <summary>
    /// Until process definitions carry it themselves, the hand-over is configured here (section "Orders"); the
    /// shipped order-driven process is linked by default.
    /// </summary>
    public DealOrderLink? Find(string processKind) => DealLinks.FirstOrDefault(l => l.ProcessKind == processKind);

    public List<DealOrderLink> DealLinks { get; set; } =
    [
        new()
        {
            ProcessKind = "order-driven",
            OrderStage = "contract-approved",
            StageByStatus = new() { ["Execution"] = "in-execution", ["Shipped"] = "shipped", ["Completed"] = "completed" },
            LostStage = "rejected",
        },
    ];
}

/// <summary>
/// The deal side of the deal–order link, wrapped around whatever consumed deal events before (the read-model
/// projector, and whatever else the node registered): a deal entering
/// its process's order stage gets a customer order made from its lines (one per deal: the order id is derived from
/// the deal id, so a replayed publication makes nothing twice). It runs inside the publication, so a failure leaves
/// the events in the deal's outbox to be delivered again. The other direction (order state moving the deal, order
/// documents in the deal journal) is the order grain's, in a turn of its own, so no call ever waits on itself.
/// </summary>
public sealed class DealOrderBridge(
    IDealEventSink inner,
    IGrainFactory grains,
    IOptions<DealOrderLinkOptions> options,
    ILogger<DealOrderBridge> logger) : IDealEventSink
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    /// <summary>The id of the order made from a deal: fixed, so making it again finds the same order.</summary>
    public static Guid OrderIdFor(Guid dealId) => new(MD5.HashData(Encoding.UTF8.GetBytes($"order-of-deal:{dealId:N}")));

    public async Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        await inner.PublishAsync(publication, ct);
        var deal = publication.Deal;
        var link = options.Value.Find(deal.ProcessKind);
        if (link is null || !publication.Activities.Any(a => a.Kind == ActivityKind.StageChanged && a.Subject == link.OrderStage))
        {
            return;
        }

        if (deal.Lines.Count == 0)
        {
            logger.LogWarning("Deal {DealId} reached {Stage} without lines: no order made", deal.Id, link.OrderStage);
            return;
        }

        var order = grains.GetGrain<IOrderGrain>(OrderIdFor(deal.Id));
        var command = new CreateOrderCommand(deal.Company, deal.Contact, deal.Owner, link.Warehouse, deal.Currency,
            deal.Lines.Select(l => new NewOrderLineView(l.Sku, l.Quantity, l.Price)).ToList(), deal.Id,
            deal.Parameters.GetValueOrDefault("contractNumber"), deal.Parameters.GetValueOrDefault("paymentTerms"));
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
