using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record StoredDocument(Guid Id, Guid DealId, string Kind, string FileName, string ContentType, long Size, byte[] Content);

/// <summary>
/// Document contents in PostgreSQL. A file is stored as 'pending' first and marked 'attached' once the deal grain
/// accepted it; a refused attach deletes it, so a failed command leaves nothing behind.
/// </summary>
public sealed class DocumentStore(NpgsqlDataSource db)
{
    public async Task SavePendingAsync(StoredDocument d, string uploadedBy, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO document (document_id, deal_id, kind, file_name, content_type, size, content, uploaded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = d.DealId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.FileName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.ContentType });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = d.Size });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = d.Content });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = uploadedBy });
        await cmd.ExecuteNonQueryAsync(ct);
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
