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
        // New lines on a deal whose automatic order failed: try again.
        var retry = deal.Order?.OrderProblem is not null && deal.Order.OrderId is null && publication.Activities.Any(a => a.Kind == ActivityKind.LinesChanged);
        var contractChanged = publication.Activities.Any(a => a.Kind == ActivityKind.ParametersChanged)
            && (deal.Parameters.ContainsKey(ContractNumberField) || deal.Parameters.ContainsKey(PaymentTermsField));
        if (stagesEntered.Count == 0 && !retry && !contractChanged)
        {
            return;
        }

        // The deal's own version: a running deal keeps the link it started with.
        var link = (await processes.GetAsync(deal.ProcessKind, deal.ProcessVersion, ct))?.OrderLink;
        if (link is null)
        {
            return;
        }

        if (contractChanged && stagesEntered.Count == 0 && !retry)
        {
            await ShareContract(deal);
            return;
        }

        if (!retry && !stagesEntered.Any(a => DealOrderLink.MakesOrderAt(link, a.Subject!)))
        {
            return;
        }

        if (deal.Lines.Count == 0)
        {
            // The deal itself says so (its order problem, set when it entered the stage) and is blocked until it has lines.
            logger.LogInformation("Deal {DealId} reached {Stage} without lines: no order made", deal.Id, link.CreateAt);
            return;
        }

        var order = grains.GetGrain<IOrderGrain>(OrderIdFor(deal.Id));
        var created = await order.Create(DealOrderCommand.For(deal, link.Warehouse), System);
        if (!created.Ok)
        {
            // Bad lines (an unknown SKU) are the deal's problem, not a delivery failure: the deal is told (one-way: this
            // runs in the deal's own turn) and blocked, its owner and the department head get a task; new lines retry.
            logger.LogWarning("Deal {DealId}: order not made: {Error}", deal.Id, created.Error!.Message);
            await grains.GetGrain<IDealGrain>(deal.Id).ReportOrderProblem(DealOrderCommand.Problem(created.Error!, deal));
            return;
        }

        if (link.Submit && created.Order!.Status == nameof(OrderStatus.Draft))
        {
            await order.Submit(System);
        }
    }

    private const string ContractNumberField = "contractNumber";
    private const string PaymentTermsField = "paymentTerms";

    /// <summary>The contract number and payment terms are typed once, on the deal: the existing order takes them over.</summary>
    private async Task ShareContract(DealView deal)
    {
        var order = grains.GetGrain<IOrderGrain>(OrderIdFor(deal.Id));
        if (await order.Get() is not { } view)
        {
            return;
        }

        var contract = deal.Parameters.GetValueOrDefault(ContractNumberField);
        var terms = deal.Parameters.GetValueOrDefault(PaymentTermsField);
        if ((contract is null || contract == view.ContractNumber) && (terms is null || terms == view.PaymentTerms))
        {
            return;
        }

        var set = await order.SetContract(new SetContractCommand(contract, terms), System);
        if (!set.Ok)
        {
            logger.LogInformation("Deal {DealId}: order {OrderId} keeps its contract: {Error}", deal.Id, view.Id, set.Error!.Message);
        }
    }
}
