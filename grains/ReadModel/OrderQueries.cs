using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record OrderListItem(
    Guid Id,
    string Customer,
    string Responsible,
    Guid? DealId,
    string Warehouse,
    string Status,
    string Currency,
    decimal Total,
    decimal Paid,
    decimal BalanceDue,
    string? ContractNumber,
    int Lines,
    decimal Waiting,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Seq);

public sealed record OrderJournalEntry(long Seq, DateTimeOffset At, string Actor, string Kind, string Status, string Text, string? Document, decimal? Amount);

/// <summary>Goods on their way into stock: an open production or supplier order of a customer order.</summary>
public sealed record IncomingEntry(string Warehouse, string Kind, string Replenishment, Guid Order, int Line, decimal Quantity, string Status, DateOnly ExpectedOn);

/// <summary>Reads of the order read model: lists, journals and incoming goods.</summary>
public sealed class OrderQueries(NpgsqlDataSource db)
{
    public const int MaxLimit = 1000;

    public async Task<IReadOnlyList<OrderListItem>> ListAsync(string? status, string? responsible, string? customer, Guid? dealId, int limit, int offset,
        OrderScope? scope = null, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT order_id, customer, responsible, deal_id, warehouse_id, status, currency, total, paid, balance_due, contract_number,
                   lines, waiting, created_at, updated_at, seq
            FROM sales_order
            WHERE ($1::text IS NULL OR status = $1)
              AND ($2::text IS NULL OR responsible = $2)
              AND ($3::text IS NULL OR customer ILIKE '%' || $3 || '%')
              AND ($4::uuid IS NULL OR deal_id = $4)
              AND (NOT $7 OR responsible = $8 OR responsible IN (SELECT user_name FROM app_user WHERE department_id = $9))
            ORDER BY created_at DESC, order_id
            LIMIT $5 OFFSET $6
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = responsible });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = customer });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, offset) });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = scope is not null });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = scope?.User });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = scope?.Department });
        var items = new List<OrderListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new OrderListItem(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetDecimal(7), r.GetDecimal(8), r.GetDecimal(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetInt32(11), r.GetDecimal(12),
                r.GetFieldValue<DateTimeOffset>(13), r.GetFieldValue<DateTimeOffset>(14), r.GetInt64(15)));
        }

        return items;
    }

    /// <summary>Open production and supplier orders for a SKU, soonest first.</summary>
    public async Task<IReadOnlyList<IncomingEntry>> IncomingAsync(string sku, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT warehouse_id, kind, replenishment_id, order_id, line, quantity, status, expected_on FROM order_replenishment
            WHERE sku = $1 AND status IN ('Planned', 'InProduction', 'Ordered')
            ORDER BY expected_on, order_id, replenishment_id
            LIMIT 1000
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
        var items = new List<IncomingEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new IncomingEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetInt32(4), r.GetDecimal(5), r.GetString(6),
                r.GetFieldValue<DateOnly>(7)));
        }

        return items;
    }

    public async Task<IReadOnlyList<OrderJournalEntry>> JournalAsync(Guid orderId, long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT seq, at, actor, kind, status, text, document, amount FROM sales_order_activity
            WHERE order_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 5000) });
        var items = new List<OrderJournalEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new OrderJournalEntry(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetDecimal(7)));
        }

        return items;
    }
}

/// <summary>Whose orders a list shows: the user's own (as responsible) and their department's (by the responsible's department).</summary>
public sealed record OrderScope(string User, string? Department);
