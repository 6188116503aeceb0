using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Documents;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Orders;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Orders;

/// <summary>Puts an order's invoices and waybills on its linked deal as documents (the deal journal lists them).</summary>
public interface IOrderDocuments
{
    /// <summary>
    /// Attaches the paper an activity produced, if any; idempotent by the paper's document id. Answers the deal as it
    /// is after attaching (a gate met may have moved it), or null when nothing was attached. Throws when the store or
    /// the deal cannot be reached, so the caller's sync tries again.
    /// </summary>
    Task<DealView?> AttachAsync(DealView view, OrderView order, OrderActivity activity, CancellationToken ct = default);
}

/// <summary>
/// The upload path, done by the order: the PDF is stored as pending, the deal grain accepts it, then it is marked
/// attached — or deleted when the deal refuses (closed). The document id comes from the order and the paper's number,
/// so a sync told again after a crash finds the document on the deal (or gets Conflict) and attaches nothing twice.
/// </summary>
public sealed class OrderDocuments(DocumentStore documents, DealDocuments dealDocuments, IOptions<DocumentOptions> options, ILogger<OrderDocuments> logger,
    UserLanguageStore? languages = null) : IOrderDocuments
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    /// <summary>The paper an order activity produced: an issued invoice, or a shipment's waybill.</summary>
    public static OrderPaper? PaperOf(Guid orderId, OrderActivity activity) => activity switch
    {
        { Kind: OrderActivityKind.Invoiced, Document: { } number } => new OrderPaper(orderId, OrderPaper.Invoice, number),
        // "Everything shipped" closes the order without a waybill of its own.
        { Kind: OrderActivityKind.Shipped, Document: { } waybill } => new OrderPaper(orderId, OrderPaper.Waybill, waybill),
        _ => null,
    };

    public async Task<DealView?> AttachAsync(DealView view, OrderView order, OrderActivity activity, CancellationToken ct = default)
    {
        if (PaperOf(order.Id, activity) is not { } paper)
        {
            return null;
        }

        var id = paper.DocumentId;
        if (view.Documents.Any(d => d.Id == id))
        {
            // The deal took it before a crash: only the store may not know yet.
            await documents.MarkAttachedAsync(id, ct);
            return null;
        }

        // The deal's copy in the language of the order's responsible, who deals with the customer.
        var language = languages is null ? null : await languages.GetAsync(order.Responsible, ct);
        if (paper.Render(order, options.Value.SellerName, language) is not { } content)
        {
            logger.LogWarning("Order {OrderId} has no {Kind} {Number}: nothing to attach to deal {DealId}", order.Id, paper.Kind, paper.Number, view.Id);
            return null;
        }

        // Repeatable: an earlier round of the same sync may have attached it.
        var (result, attached) = await dealDocuments.AttachAsync(
            new StoredDocument(id, view.Id, paper.Kind, paper.FileName, "application/pdf", content.LongLength, content), System, repeatable: true, ct: ct);
        if (!attached)
        {
            logger.LogWarning("Deal {DealId} refused {Kind} {Number} of order {OrderId}: {Error}", view.Id, paper.Kind, paper.Number, order.Id, result.Error!.Message);
        }

        return result.Deal;
    }
}
