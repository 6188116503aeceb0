using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record PendingMail(string Source, Guid SourceId, long Seq, string Recipient, string? Email, string? DisplayName, DateTimeOffset At, string Text, int Attempts,
    string? Language = null);

/// <summary>The e-mail side of notifications: claim due ones (leased, so two nodes never send the same), record the result.</summary>
public sealed class NotificationStore(NpgsqlDataSource db)
{
    /// <summary>Claims up to <paramref name="limit"/> due notifications younger than <paramref name="maxAge"/> for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<PendingMail>> ClaimDueAsync(int limit, TimeSpan maxAge, TimeSpan lease, CancellationToken ct = default)
    {
        // Whoever switched mail off gets none: their due items are settled as "off" (the in-app item stays). The claim
        // below checks the preference again: an item committed after this statement and before the claim would otherwise
        // be claimed and mailed (seen once under load); it is settled on the next poll instead.
        await using (var off = db.CreateCommand("""
            UPDATE notification n SET mail_status = 'off'
            FROM app_user u
            WHERE n.mail_status IS NULL AND n.mail_next_at <= now() AND u.user_name = n.recipient AND NOT u.notify_by_mail
            """))
        {
            await off.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = db.CreateCommand("""
            WITH due AS (
                SELECT source, source_id, seq FROM notification
                WHERE mail_status IS NULL AND mail_next_at <= now() AND at >= now() - $2
                  AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.user_name = notification.recipient AND NOT u.notify_by_mail)
                ORDER BY mail_next_at LIMIT $1
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE notification n SET mail_next_at = now() + $3
                FROM due WHERE n.source = due.source AND n.source_id = due.source_id AND n.seq = due.seq
                RETURNING n.source, n.source_id, n.seq, n.recipient, n.at, n.text, n.mail_attempts)
            SELECT c.source, c.source_id, c.seq, c.recipient, u.email, u.display_name, c.at, c.text, c.mail_attempts, u.language
            FROM claimed c LEFT JOIN app_user u ON u.user_name = c.recipient AND u.active
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = maxAge });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        var items = new List<PendingMail>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new PendingMail(r.GetString(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), new DateTimeOffset(r.GetDateTime(6), TimeSpan.Zero), r.GetString(7), r.GetInt32(8),
                r.IsDBNull(9) ? null : r.GetString(9)));
        }

        return items;
    }

    /// <summary>"sent" or "no-address" (final), or a failure that is retried at <paramref name="retryAt"/>.</summary>
    public async Task RecordAsync(PendingMail mail, string? status, DateTimeOffset? retryAt, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE notification SET mail_status = $4, mail_attempts = mail_attempts + 1,
                mail_next_at = COALESCE($5, mail_next_at), mailed_at = CASE WHEN $4 = 'sent' THEN now() ELSE mailed_at END
            WHERE source = $1 AND source_id = $2 AND seq = $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mail.Source });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mail.SourceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mail.Seq });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = retryAt?.UtcDateTime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<(string Recipient, string Text, string? Status, int Attempts)>> ListMailStatusAsync(string recipient, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT recipient, text, mail_status, mail_attempts FROM notification WHERE recipient = $1 ORDER BY at");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = recipient });
        var items = new List<(string, string, string?, int)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3)));
        }

        return items;
    }
}
