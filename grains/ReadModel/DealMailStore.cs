using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>A stored e-mail template (table mail_template).</summary>
public sealed record MailTemplateRecord(Guid Id, string Name, string Language, string Subject, string Body, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>A mail a manager queued from a deal (table deal_mail), as it will be or was sent.</summary>
public sealed record DealMailRecord(
    Guid Id, Guid DealId, Guid? CompanyId, Guid? ContactId, string Sender, string SenderName, string FromAddress, string ReplyTo,
    string ToAddress, string? ToName, string Subject, string Body, string Language, Guid? TemplateId, string? AttachmentName,
    DateTimeOffset CreatedAt, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError, bool Journalled);

/// <summary>A mail the mailer claimed: the record and its attachment's bytes.</summary>
public sealed record DueDealMail(DealMailRecord Mail, byte[]? Attachment);

/// <summary>Mail templates and the outbox of deal mails in PostgreSQL (migration 0110).</summary>
public sealed class DealMailStore(NpgsqlDataSource db)
{
    private const string Columns = """
        mail_id, deal_id, company_id, contact_id, sender, sender_name, from_address, reply_to, to_address, to_name, subject, body, language,
        template_id, attachment_name, created_at, status, attempts, sent_at, last_error, journalled
        """;

    public async Task<IReadOnlyList<MailTemplateRecord>> ListTemplatesAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT template_id, name, language, subject, body, updated_by, updated_at FROM mail_template ORDER BY lower(name), language");
        return await ReadTemplatesAsync(cmd, ct);
    }

    public async Task<MailTemplateRecord?> GetTemplateAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT template_id, name, language, subject, body, updated_by, updated_at FROM mail_template WHERE template_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (await ReadTemplatesAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Creates or replaces the template; false when another template has the same name in that language.</summary>
    public async Task<bool> SaveTemplateAsync(MailTemplateRecord t, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO mail_template (template_id, name, language, subject, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (template_id) DO UPDATE SET name = $2, language = $3, subject = $4, body = $5, updated_by = $6, updated_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = t.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Language });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Subject });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Body });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.UpdatedBy });
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<bool> DeleteTemplateAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM mail_template WHERE template_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Seeds the shipped templates once (nothing when any template exists).</summary>
    public async Task SeedTemplatesAsync(IEnumerable<MailTemplateRecord> templates, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE mail_template IN EXCLUSIVE MODE", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM mail_template)", connection, tx))
        {
            if ((bool)(await any.ExecuteScalarAsync(ct))!)
            {
                return;
            }
        }

        foreach (var t in templates)
        {
            await using var cmd = new NpgsqlCommand("INSERT INTO mail_template (template_id, name, language, subject, body, updated_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = t.Id });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Name });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Language });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Subject });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.Body });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = t.UpdatedBy });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Holds a session advisory lock for the mail id until disposed (on every node): two requests for one mail (a double
    /// click on two nodes) are composed one after the other, so the second finds the first's mail and makes nothing twice.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(Guid mailId, CancellationToken ct = default)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('deal_mail:' || $1::text, 0))", connection);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mailId });
            await cmd.ExecuteNonQueryAsync(ct);
            return new MailLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class MailLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                await cmd.ExecuteNonQueryAsync();
            }
            finally
            {
                // Returned to the pool; a connection that failed is dropped, and its session's lock with it.
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Queues the mail once: a second call with the same id changes nothing and answers the stored mail.</summary>
    public async Task<(DealMailRecord Mail, bool Created)> QueueAsync(DealMailRecord m, byte[]? attachment, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO deal_mail (mail_id, deal_id, company_id, contact_id, sender, sender_name, from_address, reply_to, to_address, to_name,
                subject, body, language, template_id, attachment_name, attachment)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (mail_id) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.DealId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = m.CompanyId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = m.ContactId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.Sender });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.SenderName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.FromAddress });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.ReplyTo });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.ToAddress });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = m.ToName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.Subject });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.Body });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.Language });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = m.TemplateId });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = m.AttachmentName });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = attachment });
        var created = await cmd.ExecuteNonQueryAsync(ct) == 1;
        return ((await GetAsync(m.Id, ct))!, created);
    }

    public async Task<DealMailRecord?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM deal_mail WHERE mail_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (await ReadMailsAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<DealMailRecord>> ListForDealAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM deal_mail WHERE deal_id = $1 ORDER BY created_at DESC LIMIT 200");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        return await ReadMailsAsync(cmd, ct);
    }

    /// <summary>Claims up to <paramref name="limit"/> mails due to be sent or journalled, for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<DueDealMail>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            WITH due AS (
                SELECT mail_id FROM deal_mail
                WHERE (status = 'pending' OR NOT journalled) AND next_at <= now()
                ORDER BY next_at LIMIT $1
                FOR UPDATE SKIP LOCKED)
            UPDATE deal_mail m SET next_at = now() + $2 FROM due WHERE m.mail_id = due.mail_id
            RETURNING {string.Join(", ", Columns.Split(',').Select(c => "m." + c.Trim()))}, m.attachment
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        var items = new List<DueDealMail>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new DueDealMail(ReadMail(r), r.IsDBNull(21) ? null : (byte[])r[21]));
        }

        return items;
    }

    public async Task MarkSentAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE deal_mail SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, next_at = now() WHERE mail_id = $1 AND status = 'pending'");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task MarkFailedAsync(Guid id, string error, DateTimeOffset retryAt, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE deal_mail SET attempts = attempts + 1, last_error = $2, next_at = $3 WHERE mail_id = $1 AND status = 'pending'");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length <= 500 ? error : error[..500] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = retryAt.UtcDateTime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task MarkJournalledAsync(Guid id, DateTimeOffset? retryAt, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(retryAt is null
            ? "UPDATE deal_mail SET journalled = true WHERE mail_id = $1"
            : "UPDATE deal_mail SET next_at = $2 WHERE mail_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        if (retryAt is { } at)
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<MailTemplateRecord>> ReadTemplatesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var items = new List<MailTemplateRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new MailTemplateRecord(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                new DateTimeOffset(r.GetDateTime(6), TimeSpan.Zero)));
        }

        return items;
    }

    private static async Task<IReadOnlyList<DealMailRecord>> ReadMailsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var items = new List<DealMailRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(ReadMail(r));
        }

        return items;
    }

    private static DealMailRecord ReadMail(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetString(10), r.GetString(11), r.GetString(12),
        r.IsDBNull(13) ? null : r.GetGuid(13), r.IsDBNull(14) ? null : r.GetString(14), new DateTimeOffset(r.GetDateTime(15), TimeSpan.Zero),
        r.GetString(16), r.GetInt32(17), r.IsDBNull(18) ? null : new DateTimeOffset(r.GetDateTime(18), TimeSpan.Zero), r.IsDBNull(19) ? null : r.GetString(19),
        r.GetBoolean(20));
}
