using SalesOrleans.Domain.Orders;

namespace SalesOrleans.Orders;

/// <summary>Maps the order domain to the view the API and the read model see.</summary>
public static class OrderViews
{
    public static OrderView ToView(this OrderState s) => new(
        s.Id,
        s.Customer,
        s.Contact,
        s.Responsible,
        s.DealId,
        s.Warehouse,
        s.Currency,
        s.Status.ToString(),
        s.ContractNumber,
        s.PaymentTerms,
        s.RejectionReason,
        s.CancelReason,
        s.Lines.Select(l => new OrderLineView(l.No, l.Sku, l.Name, l.Unit, l.Kind.ToString(), l.Quantity, l.Price, l.Quantity * l.Price, l.DueDate,
            l.FromStock, l.ToProduce, l.ToPurchase, l.Held, l.Shipped, Math.Max(0, l.Quantity - l.Shipped - l.Held),
            l.Reservations.Select(r => r.Id).ToList())).ToList(),
        s.Replenishments.Select(r => new ReplenishmentView(r.Id, r.Kind.ToString(), r.Line, r.Sku, r.Quantity, r.Status.ToString(), r.ExpectedOn,
            r.Supplier, r.Batch, r.ReceivedAt, r.Progress)).ToList(),
        s.Shipments.Select(sh => new ShipmentView(sh.Waybill, sh.At, sh.By, sh.Lines.Select(l => new ShippedLineView(l.Line, l.Quantity)).ToList())).ToList(),
        s.Invoices.Select(i => new InvoiceView(i.Number, i.Amount, i.DueDate, i.IssuedAt, i.IssuedBy)).ToList(),
        s.Payments.Select(p => new PaymentView(p.Id, p.Amount, p.At, p.Invoice, p.RecordedBy)).ToList(),
        s.Total,
        s.Invoiced,
        s.Paid,
        s.BalanceDue,
        s.PendingStock.Count,
        s.Seq,
        s.CreatedAt,
        s.ClosedAt,
        SalesOrleans.Domain.Orders.Order.AllowedActionsIn(s.Status),
        ProductionReadiness.Of(s)?.Percent,
        ProductionReadiness.Of(s)?.ExpectedOn,
        s.Approvals.Select(r => new ApprovalRoundView(r.Round, r.Route, r.StartedAt, r.StartedBy, r.EndedAt, r.Outcome,
            r.Steps.Select(st => new ApprovalStepView(st.Id, st.Role, st.DepartmentHead, st.Group, st.Condition, st.Names, st.Status.ToString(),
                st.Assignee, st.DecidedBy, st.DecidedAt, st.Reason)).ToList())).ToList(),
        s.CreatedBy,
        s.CompanyId);
}
