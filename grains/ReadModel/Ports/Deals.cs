using SalesOrleans.ReadModel;

namespace SalesOrleans.Deals;

// Ports of the deal services web calls (issue 13); grains implement them (DealMailService, DealDocuments). Here,
// not in grain-interfaces, because their signatures need the read model's records.

/// <summary>A filled-in mail for the deal card's preview, and to whom it may go.</summary>
public sealed record DealMailDraft(
    string? To, string? ToName, IReadOnlyList<string> Recipients, string Subject, string Body, string Language, Guid? TemplateId,
    IReadOnlyList<string> Missing, bool HasProposal);

/// <summary>What a manager asks to send (after editing the preview).</summary>
public sealed record DealMailRequest(Guid MailId, Guid? TemplateId, string? To, string? Subject, string? Body, bool AttachProposal, string? Language);

/// <summary>A manager's mail from a deal: the preview of a template, and queueing the mail (grains: DealMailService).</summary>
public interface IDealMailService
{
    /// <summary>The template filled for the deal; null when the deal does not exist. Throws a <see cref="Rejection"/> naming the field.</summary>
    Task<DealMailDraft?> ComposeAsync(Guid dealId, Guid? templateId, string? language, string person, CancellationToken ct = default);

    Task<(DealMailRecord Mail, bool Created)?> QueueAsync(Guid dealId, DealMailRequest request, ActorInfo actor, CancellationToken ct = default);
}

/// <summary>The one way a document joins a deal: stored as pending, accepted by the deal, then kept or dropped (grains: DealDocuments).</summary>
public interface IDealDocuments
{
    Task<(DealResult Result, bool Attached)> AttachAsync(StoredDocument document, ActorInfo actor, bool repeatable = false,
        Guid? contactId = null, string? sourceKey = null, CancellationToken ct = default);
}
