using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>Reads and small writes of the work flows: one notification read, the mail preference, a deal's calls.</summary>
public sealed class WorkflowQueries(NpgsqlDataSource db)
{
    /// <summary>Marks one of the recipient's notifications read; false when it is not theirs or does not exist.</summary>
    public async Task<bool> MarkReadAsync(string recipient, string source, Guid sourceId, long seq, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE notification SET read_at = COALESCE(read_at, now())
            WHERE recipient = $1 AND source = $2 AND source_id = $3 AND seq = $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = recipient });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sourceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool?> GetNotifyByMailAsync(string user, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT notify_by_mail FROM app_user WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        return await cmd.ExecuteScalarAsync(ct) is bool value ? value : null;
    }

    public async Task<bool> SetNotifyByMailAsync(string user, bool notifyByMail, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE app_user SET notify_by_mail = $2 WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = notifyByMail });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Whether an order (not cancelled) names the deal: its amount and lines are the order's then.</summary>
    public async Task<bool> DealHasOrderAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM sales_order WHERE deal_id = $1 AND status <> 'Cancelled')");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The calls of a deal's customer: calls of the lead it was converted from and of that lead's contact.</summary>
    public async Task<IReadOnlyList<CallLogItem>> ListDealCallsAsync(Guid dealId, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT call_id, caller, called, department_id, events, outcome, contact_id, lead_id, callback_for, duration_ms, settled, started_at
            FROM call_log
            WHERE lead_id IN (SELECT lead_id FROM lead WHERE deal_id = $1)
               OR contact_id IN (SELECT contact_id FROM lead WHERE deal_id = $1)
               OR contact_id IN (SELECT contact_id FROM contact WHERE open_deal_id = $1)
            ORDER BY started_at DESC, call_id LIMIT $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 500) });
        var items = new List<CallLogItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new CallLogItem(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), r.GetFieldValue<string[]>(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetGuid(7), Str(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9),
                r.GetBoolean(10), new DateTimeOffset(r.GetDateTime(11), TimeSpan.Zero)));
        }

        return items;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
