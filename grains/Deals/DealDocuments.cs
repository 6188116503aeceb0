using SalesOrleans.ReadModel;

namespace SalesOrleans.Deals;

/// <summary>
/// The one way a document joins a deal: its bytes are stored as pending, the deal grain accepts or refuses it, and
/// then they are kept — or dropped, so a refused attach leaves nothing behind.
/// </summary>
public sealed class DealDocuments(IGrainFactory grains, DocumentStore documents) : IDealDocuments
{
    /// <param name="repeatable">
    /// The id comes from the document's source, so a repeat may find it attached already: that Conflict counts as done.
    /// </param>
    /// <param name="contactId">The customer it came from, for documents that arrived with an inquiry.</param>
    /// <param name="sourceKey">What it came from (a mail's attachment), so a second read stores nothing twice.</param>
    public async Task<(DealResult Result, bool Attached)> AttachAsync(StoredDocument document, ActorInfo actor, bool repeatable = false,
        Guid? contactId = null, string? sourceKey = null, CancellationToken ct = default)
    {
        await documents.SavePendingAsync(document, actor.User, ct, contactId, sourceKey);
        var result = await grains.GetGrain<IDealGrain>(document.DealId).AttachDocument(
            new AttachDocumentCommand(document.Id, document.Kind, document.FileName, document.ContentType, document.Size), actor);
        var attached = result.Ok || (repeatable && result.Error!.Code == RejectionCode.Conflict);
        await (attached ? documents.MarkAttachedAsync(document.Id, ct) : documents.DeletePendingAsync(document.Id, ct));
        return (result, attached);
    }
}
