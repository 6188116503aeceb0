using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record MailboxMark(long UidValidity, long LastUid);

public sealed record QuarantinedMail(string Mailbox, long UidValidity, long Uid, string? MessageId, string? Sender, string? Subject, string Reason, DateTimeOffset At);

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

    public async Task QuarantineAsync(QuarantinedMail mail, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO mail_quarantine (mailbox, uid_validity, uid, message_id, sender, subject, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mail.Mailbox });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mail.UidValidity });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mail.Uid });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.MessageId });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.Sender });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = mail.Subject });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mail.Reason });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = mail.At.UtcDateTime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<QuarantinedMail>> ListQuarantineAsync(int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT mailbox, uid_validity, uid, message_id, sender, subject, reason, at FROM mail_quarantine ORDER BY at DESC LIMIT $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 500) });
        var items = new List<QuarantinedMail>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new QuarantinedMail(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), new DateTimeOffset(r.GetDateTime(7), TimeSpan.Zero)));
        }

        return items;
    }

    /// <summary>Forgets a mailbox's mark (an operator re-reading a mailbox; Message-Ids keep it exactly-once).</summary>
    public async Task ResetMarkAsync(string mailbox, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM mailbox_state WHERE mailbox = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mailbox });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
