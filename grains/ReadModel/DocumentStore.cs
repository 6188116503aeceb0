using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record StoredDocument(Guid Id, Guid DealId, string Kind, string FileName, string ContentType, long Size, byte[] Content);

/// <summary>A document that came with an inquiry (a mail attachment): the contact's, and its lead's when it has one.</summary>
public sealed record InquiryDocument(Guid Id, Guid ContactId, Guid? LeadId, string SourceKey, string FileName, string ContentType, byte[] Content);

/// <summary>A document in a list (no content).</summary>
public sealed record DocumentEntry(Guid Id, Guid? DealId, Guid? LeadId, string Kind, string FileName, string ContentType, long Size, string UploadedBy, DateTimeOffset UploadedAt);

public sealed class DocumentOptions
{
    /// <summary>Largest accepted document; PostgreSQL holds the bytes.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Our company's name on generated papers (invoices, waybills); "SalesOrleans" when not configured.</summary>
    public string? Seller { get; set; }

    public string SellerName => string.IsNullOrWhiteSpace(Seller) ? "SalesOrleans" : Seller.Trim();
}

/// <summary>
/// Document contents in PostgreSQL. A file is stored as 'pending' first and marked 'attached' once the deal grain
/// accepted it; a refused attach deletes it, so a failed command leaves nothing behind.
/// </summary>
public sealed class DocumentStore(NpgsqlDataSource db)
{
    public async Task SavePendingAsync(StoredDocument d, string uploadedBy, CancellationToken ct = default, Guid? contactId = null, string? sourceKey = null)
    {
        // A retried inquiry document (same id) is already there: nothing to add.
        await using var cmd = db.CreateCommand("""
            INSERT INTO document (document_id, deal_id, kind, file_name, content_type, size, content, uploaded_by, contact_id, source_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.DealId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.FileName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.ContentType });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = d.Size });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = d.Content });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = uploadedBy });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = sourceKey });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stores an inquiry's document with its contact and lead; answers false when its source was stored before.</summary>
    public async Task<bool> SaveInquiryDocumentAsync(InquiryDocument d, string kind, string uploadedBy, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO document (document_id, deal_id, contact_id, lead_id, source_key, kind, file_name, content_type, size, content, status, uploaded_by)
            VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9, 'attached', $10)
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.ContactId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = d.LeadId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.SourceKey });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.FileName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.ContentType });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = d.Content.LongLength });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = d.Content });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = uploadedBy });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>A lead's or a contact's documents, oldest first (deal documents are listed by the deal grain).</summary>
    public async Task<IReadOnlyList<DocumentEntry>> ListAsync(Guid? leadId, Guid? contactId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT document_id, deal_id, lead_id, kind, file_name, content_type, size, uploaded_by, uploaded_at FROM document
            WHERE status = 'attached' AND (($1::uuid IS NOT NULL AND lead_id = $1) OR ($2::uuid IS NOT NULL AND contact_id = $2))
            ORDER BY uploaded_at, file_name LIMIT 500
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leadId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        var list = new List<DocumentEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new DocumentEntry(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8)));
        }

        return list;
    }

    /// <summary>The content of a lead's or contact's document.</summary>
    public async Task<(DocumentEntry Entry, byte[] Content)?> GetInquiryDocumentAsync(Guid? leadId, Guid? contactId, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT document_id, deal_id, lead_id, kind, file_name, content_type, size, uploaded_by, uploaded_at, content FROM document
            WHERE document_id = $3 AND status = 'attached' AND (($1::uuid IS NOT NULL AND lead_id = $1) OR ($2::uuid IS NOT NULL AND contact_id = $2))
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leadId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        return (new DocumentEntry(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(3),
            r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8)), r.GetFieldValue<byte[]>(9));
    }

    public async Task MarkAttachedAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE document SET status = 'attached' WHERE document_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task DeletePendingAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM document WHERE document_id = $1 AND status = 'pending'");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<StoredDocument?> GetAsync(Guid dealId, Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT kind, file_name, content_type, size, content FROM document
            WHERE deal_id = $1 AND document_id = $2 AND status = 'attached'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new StoredDocument(id, dealId, r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetFieldValue<byte[]>(4))
            : null;
    }
}
