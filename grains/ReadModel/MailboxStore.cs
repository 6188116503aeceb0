using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record MailboxMark(long UidValidity, long LastUid);

/// <summary>A mail the intake did not make an inquiry of: quarantined (a person decides) or filed (reason "filed: …"), and what became of it.</summary>
public sealed record QuarantinedMail(string Mailbox, long UidValidity, long Uid, string? MessageId, string? Sender, string? Subject, string Reason, DateTimeOffset At,
    Guid Id = default, string? Excerpt = null, DateTimeOffset? SentAt = null, string State = QuarantineStates.Open, string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null, Guid? ContactId = null, Guid? LeadId = null, Guid? DealId = null)
{
    public bool Filed => Reason.StartsWith("filed: ", StringComparison.Ordinal);
}

/// <summary>What became of a quarantined mail.</summary>
public static class QuarantineStates
{
    public const string Open = "open";
    public const string Lead = "lead";
    public const string Attached = "attached";
    public const string Discarded = "discarded";
}

/// <summary>The IMAP watcher's high-water marks and its quarantine log.</summary>
public sealed class MailboxStore(NpgsqlDataSource db)
{
    public async Task<MailboxMark?> GetMarkAsync(string mailbox, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mailbox });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new MailboxMark(r.GetInt64(0), r.GetInt64(1)) : null;
    }

    /// <summary>Moves the mark forward (or to a new UIDVALIDITY); never back, so a slow writer cannot undo a later one.</summary>
    public async Task SetMarkAsync(string mailbox, MailboxMark mark, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (mailbox) DO UPDATE SET uid_validity = EXCLUDED.uid_validity, last_uid = EXCLUDED.last_uid, updated_at = now()
            WHERE mailbox_state.uid_validity <> EXCLUDED.uid_validity OR mailbox_state.last_uid < EXCLUDED.last_uid
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mailbox });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mark.UidValidity });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mark.LastUid });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Records the mail once (a mail read again changes nothing) with its message for a person to act on; when
    /// <paramref name="notify"/> names someone, they are told in the same statement (only for the first record).
    /// </summary>
    public async Task QuarantineAsync(QuarantinedMail mail, byte[]? raw = null, string? notify = null, string? notification = null, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            WITH q AS (
                INSERT INTO mail_quarantine (mailbox, uid_validity, uid, message_id, sender, subject, reason, at, id, raw, excerpt, sent_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
                RETURNING id)
            INSERT INTO notification (source, source_id, seq, recipient, at, text)
            SELECT 'mail', q.id, 0, $13, $8, $14 FROM q WHERE $13 IS NOT NULL
            ON CONFLICT (source, source_id, seq) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mail.Mailbox });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mail.UidValidity });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mail.Uid });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.MessageId });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.Sender });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.Subject });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mail.Reason });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = mail.At.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mail.Id == Guid.Empty ? Guid.NewGuid() : mail.Id });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = raw, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.Excerpt });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = mail.SentAt?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = notify });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = notification ?? "" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string Columns = """
        mailbox, uid_validity, uid, message_id, sender, subject, reason, at, id, excerpt, sent_at, state, decided_by, decided_at, contact_id, lead_id, deal_id
        """;

    /// <summary>The newest first; <paramref name="openOnly"/> leaves out what a person already decided.</summary>
    public async Task<IReadOnlyList<QuarantinedMail>> ListQuarantineAsync(int limit, bool openOnly = false, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM mail_quarantine {(openOnly ? "WHERE state = 'open'" : "")} ORDER BY at DESC LIMIT $1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 500) });
        var items = new List<QuarantinedMail>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(Read(r));
        }

        return items;
    }

    /// <summary>One quarantined mail with its message (null when it was recorded before messages were kept).</summary>
    public async Task<(QuarantinedMail Mail, byte[]? Raw)?> GetQuarantinedAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns}, raw FROM mail_quarantine WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        return (Read(r), r.IsDBNull(17) ? null : r.GetFieldValue<byte[]>(17));
    }

    /// <summary>Records a person's decision on an open mail; false when it was decided already (the first decision stands).</summary>
    public async Task<bool> DecideAsync(Guid id, string state, string person, DateTimeOffset at, Guid? contactId, Guid? leadId, Guid? dealId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE mail_quarantine SET state = $2, decided_by = $3, decided_at = $4, contact_id = $5, lead_id = $6, deal_id = $7
            WHERE id = $1 AND state = 'open'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = person });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leadId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = dealId });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static QuarantinedMail Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
        Guid? Id(int i) => r.IsDBNull(i) ? null : r.GetGuid(i);
        return new QuarantinedMail(r.GetString(0), r.GetInt64(1), r.GetInt64(2), Text(3), Text(4), Text(5), r.GetString(6), Time(7)!.Value,
            r.GetGuid(8), Text(9), Time(10), r.GetString(11), Text(12), Time(13), Id(14), Id(15), Id(16));
    }

    /// <summary>Forgets a mailbox's mark (an operator re-reading a mailbox; Message-Ids keep it exactly-once).</summary>
    public async Task ResetMarkAsync(string mailbox, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM mailbox_state WHERE mailbox = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mailbox });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
