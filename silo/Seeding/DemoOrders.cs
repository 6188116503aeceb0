using SalesOrleans.Domain;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Orders;

namespace SalesOrleans.Silo.Seeding;

/// <summary>
/// Keeps the demo consistent (issue 11): a demo deal that made its order is never further than its order. Once the
/// seeder has put a deal where it stands, its order is carried through the real order grain (approved, contract,
/// execution, receipts, shipment, payment) to the state that goes with the deal's stage: an order-driven deal in
/// execution has its order in execution, a won deal a completed order, a lost one a cancelled order.
/// </summary>
public static class DemoOrders
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    /// <summary>The order status a deal standing where it stands goes with; null: leave the order as the link made it.</summary>
    public static OrderStatus? TargetFor(ProcessDefinition process, DealView deal)
    {
        if (deal.Status == "Won")
        {
            return OrderStatus.Completed;
        }

        if (deal.Status == "Lost")
        {
            return OrderStatus.Cancelled;
        }

        var link = process.OrderLink;
        if (link?.Moves.FirstOrDefault(m => m.To == deal.Stage) is { } move)
        {
            return move.On switch
            {
                OrderLinkTrigger.Execution => OrderStatus.Execution,
                OrderLinkTrigger.Shipped => OrderStatus.Shipped,
                OrderLinkTrigger.Completed => OrderStatus.Completed,
                _ => OrderStatus.Approved,
            };
        }

        // Processes whose order moves nothing (industrial): by the deal's place on its path. Stages are listed in path order.
        var stages = process.Stages.ToList();
        var index = stages.FindIndex(s => s.Id == deal.Stage);
        var created = link?.CreateAt is { } at ? stages.FindIndex(s => s.Id == at) : -1;
        if (created < 0 || index <= created)
        {
            return null;
        }

        var shipping = stages.FindIndex(s => s.Gates.Any(g => g.Kind == GateKind.Document && g.DocumentKind == "waybill"));
        return shipping < 0 || index < shipping ? OrderStatus.Approved : index == shipping ? OrderStatus.Execution : OrderStatus.Shipped;
    }

    public static async Task SettleAsync(IGrainFactory grains, ProcessDefinition process, DealView deal, int n, ILogger logger)
    {
        if (TargetFor(process, deal) is not { } target)
        {
            return;
        }

        var order = grains.GetGrain<IOrderGrain>(DealOrderBridge.OrderIdFor(deal.Id));
        for (var step = 0; step < 20; step++)
        {
            var view = await order.Get();
            if (view is null)
            {
                return;
            }

            var status = Enum.Parse<OrderStatus>(view.Status);
            if (status == target || status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.Archived)
            {
                return;
            }

            OrderResult result;
            if (target == OrderStatus.Cancelled)
            {
                result = await order.Cancel("the deal was lost (demo)", System);
            }
            else
            {
                switch (status)
                {
                    case OrderStatus.Draft:
                        result = await order.Submit(System);
                        break;
                    case OrderStatus.OnApproval:
                        result = await order.Approve(new ApproveOrderCommand(), System);
                        break;
                    case OrderStatus.Allocating:
                        await Task.Delay(100);
                        continue;
                    case OrderStatus.Approved when target == OrderStatus.Approved:
                        // The advance the deal's paid field shows.
                        if (view.Paid <= 0)
                        {
                            await order.RecordPayment(new RecordPaymentCommand($"demo-advance-{n}", decimal.Round(view.Total * 0.3m, 2)), System);
                        }

                        return;
                    case OrderStatus.Approved:
                        if (view.ContractNumber is null || view.PaymentTerms is null)
                        {
                            await order.SetContract(new SetContractCommand(view.ContractNumber ?? $"DEMO-{n:000}", view.PaymentTerms ?? "prepayment"), System);
                        }

                        result = await order.StartExecution(System);
                        break;
                    case OrderStatus.Execution:
                        foreach (var open in view.Replenishments.Where(r => r.Status is "Planned" or "InProduction" or "Ordered"))
                        {
                            await order.ReceiveReplenishment(new ReceiveReplenishmentCommand(open.Id, $"DEMO-{n}-{open.Id}"), System);
                        }

                        result = await order.Ship(System);
                        break;
                    default:
                        if (view.BalanceDue <= 0)
                        {
                            return;
                        }

                        result = await order.RecordPayment(new RecordPaymentCommand($"demo-payment-{n}-{step}", view.BalanceDue), System);
                        break;
                }
            }

            if (!result.Ok)
            {
                logger.LogWarning("Demo order of deal {DealId} stays {Status}: {Error}", deal.Id, status, result.Error!.Message);
                return;
            }
        }
    }
}
