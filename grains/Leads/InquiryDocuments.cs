using System.Security.Cryptography;
using System.Text;
using SalesOrleans.Deals;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Leads;

/// <summary>A file that came with an inquiry (a mail attachment), before it is stored.</summary>
public sealed record IncomingFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Files that arrive with an inquiry become documents: on the customer's open deal when the inquiry joined one (the
/// deal grain records it in its journal), otherwise on the contact and its lead. Each file's id comes from the
/// inquiry's key and its place, so an inquiry read again stores and journals nothing twice.
/// </summary>
public sealed class InquiryDocuments(IGrainFactory grains, DocumentStore documents, DealDocuments dealDocuments, ILogger<InquiryDocuments> logger)
{
    public const string Kind = "correspondence";

    public async Task AttachAsync(string inquiryKey, InquiryOutcome outcome, IReadOnlyList<IncomingFile> files, CancellationToken ct = default)
    {
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var sourceKey = $"{inquiryKey}#{i}";
            var id = IdOf(sourceKey);
            if (outcome.DealId is { } dealId && await AttachToDeal(dealId, outcome.ContactId, id, sourceKey, file, ct))
            {
                continue;
            }

            var stored = await documents.SaveInquiryDocumentAsync(
                new InquiryDocument(id, outcome.ContactId, outcome.LeadId, sourceKey, file.FileName, file.ContentType, file.Content), Kind, Domain.Roles.System, ct);
            if (!stored)
            {
                continue;
            }

            var text = $"Document received: {Kind} '{file.FileName}' ({file.Content.Length:N0} bytes)";
            if (outcome.LeadId is { } leadId)
            {
                await grains.GetGrain<ILeadGrain>(leadId).Log(text, Domain.Roles.System);
            }
            else
            {
                await grains.GetGrain<IContactGrain>(outcome.ContactId).Log("Document", text, Domain.Roles.System);
            }
        }
    }

    /// <summary>Attaches to the open deal; false when the deal refuses (closed meanwhile), so the contact keeps it.</summary>
    private async Task<bool> AttachToDeal(Guid dealId, Guid contactId, Guid id, string sourceKey, IncomingFile file, CancellationToken ct)
    {
        // Repeatable: an earlier read of the same inquiry may have attached it.
        var (result, attached) = await dealDocuments.AttachAsync(
            new StoredDocument(id, dealId, Kind, file.FileName, file.ContentType, file.Content.LongLength, file.Content),
            new ActorInfo(Domain.Roles.System, [Domain.Roles.System]), repeatable: true, contactId, sourceKey, ct);
        if (!attached)
        {
            logger.LogInformation("Deal {Deal} refused document {File}: {Error}; it stays with the contact", dealId, file.FileName, result.Error!.Message);
        }

        return attached;
    }

    /// <summary>A stable id for a source: the same mail's same attachment is always the same document.</summary>
    public static Guid IdOf(string sourceKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("inquiry-document:" + sourceKey));
        return new Guid(hash.AsSpan(0, 16));
    }
}
