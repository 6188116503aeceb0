using System.Security.Cryptography;
using System.Text;

namespace SalesOrleans.Documents;

// Ports of the generated papers web serves (issue 13); the grains assembly implements them (OrderPaperRenderer on
// PDFsharp, ProposalService).

/// <summary>A generated paper of an order: an invoice or a waybill, named by its number on the order.</summary>
public sealed record OrderPaper(Guid OrderId, string Kind, string Number)
{
    public const string Invoice = "invoice";
    public const string Waybill = "waybill";

    /// <summary>
    /// Fixed by the order and the paper's number, so attaching it again (a sync repeated after a crash) finds the same
    /// document on the deal instead of making a second one.
    /// </summary>
    public Guid DocumentId => new(SHA256.HashData(Encoding.UTF8.GetBytes($"order-document:{OrderId:N}:{Kind}:{Number}")).AsSpan(0, 16));

    public string FileName => $"{Kind}-{Number}.pdf";
}

/// <summary>Renders an order's paper (grains: OrderPaperRenderer).</summary>
public interface IOrderPapers
{
    /// <summary>The PDF from the order as it is now, in <paramref name="language"/>; null when the order has no such invoice or waybill.</summary>
    byte[]? Render(OrderPaper paper, OrderView order, string seller, string? language = null);
}

/// <summary>Generates a deal's proposal PDF and attaches it to the deal (grains: ProposalService).</summary>
public interface IProposalService
{
    Task<(DealResult Result, Guid? DocumentId)> AttachProposalAsync(Guid dealId, ActorInfo actor, CancellationToken ct = default);
}
