using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>A stock item as the read model has it. Available leaves out expired batches, as of today.</summary>
public sealed record StockListItem(
    string Sku,
    string Name,
    string Unit,
    string Warehouse,
    decimal OnHand,
    decimal Reserved,
    decimal Available,
    DateOnly? NextExpiry,
    long Seq,
    DateTimeOffset UpdatedAt);

public sealed record StockMovementEntry(
    string Sku,
    string Warehouse,
    long Seq,
    DateTimeOffset At,
    string Kind,
    string Batch,
    decimal OnHandDelta,
    decimal ReservedDelta,
    string Actor,
    string? ReservationId,
    string? Reference,
    string? Reason,
    string? OperationId);

public sealed record StockReservationEntry(
    string Sku,
    string Warehouse,
    string ReservationId,
    string Order,
    int? Line,
    decimal Quantity,
    decimal Held,
    decimal Shipped,
    decimal Released,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt);

/// <summary>Reads of the stock read model: lists, the movement journal and reservations by order.</summary>
public sealed class StockQueries(NpgsqlDataSource db)
{
    public const int MaxLimit = 5000;

    public async Task<IReadOnlyList<StockListItem>> ListAsync(string? warehouse, string? sku, string? search, bool onlyAvailable, int limit, int offset, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT i.sku, s.name, s.unit, i.warehouse_id, i.on_hand, i.reserved,
                   coalesce((SELECT sum(b.on_hand - b.reserved) FROM stock_batch b
                             WHERE b.sku = i.sku AND b.warehouse_id = i.warehouse_id AND (b.expiry IS NULL OR b.expiry >= current_date)), 0),
                   (SELECT min(b.expiry) FROM stock_batch b
                    WHERE b.sku = i.sku AND b.warehouse_id = i.warehouse_id AND b.on_hand > 0 AND b.expiry >= current_date),
                   i.seq, i.updated_at
            FROM stock_item i JOIN sku s ON s.code = i.sku
            WHERE ($1::text IS NULL OR i.warehouse_id = $1)
              AND ($2::text IS NULL OR i.sku = $2)
              AND ($3::text IS NULL OR i.sku ILIKE '%' || $3 || '%' OR s.name ILIKE '%' || $3 || '%')
              AND (NOT $4 OR i.on_hand > i.reserved)
            ORDER BY i.sku, i.warehouse_id
            LIMIT $5 OFFSET $6
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = warehouse });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = sku });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(search) ? null : search.Trim() });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = onlyAvailable });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, offset) });
        var items = new List<StockListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new StockListItem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDecimal(4), r.GetDecimal(5),
                r.GetDecimal(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetInt64(8), r.GetFieldValue<DateTimeOffset>(9)));
        }

        return items;
    }

    public async Task<IReadOnlyList<StockMovementEntry>> MovementsAsync(string sku, string? warehouse, long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT sku, warehouse_id, seq, at, kind, batch, on_hand_delta, reserved_delta, actor, reservation_id, reference, reason, operation_id
            FROM stock_movement
            WHERE sku = $1 AND ($2::text IS NULL OR warehouse_id = $2) AND seq > $3
            ORDER BY warehouse_id, seq
            LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = warehouse });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        var items = new List<StockMovementEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new StockMovementEntry(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<DateTimeOffset>(3), r.GetString(4),
                r.GetString(5), r.GetDecimal(6), r.GetDecimal(7), r.GetString(8), Text(r, 9), Text(r, 10), Text(r, 11), Text(r, 12)));
        }

        return items;
    }

    public async Task<IReadOnlyList<StockReservationEntry>> ReservationsAsync(string? order, string? sku, bool openOnly, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT sku, warehouse_id, reservation_id, order_ref, line, quantity, held, shipped, released, status, created_at, closed_at
            FROM stock_reservation
            WHERE ($1::text IS NULL OR order_ref = $1) AND ($2::text IS NULL OR sku = $2) AND (NOT $3 OR status = 'Open')
            ORDER BY created_at, sku, warehouse_id, reservation_id
            LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = order });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = sku });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = openOnly });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        var items = new List<StockReservationEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new StockReservationEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                r.GetDecimal(5), r.GetDecimal(6), r.GetDecimal(7), r.GetDecimal(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10),
                r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11)));
        }

        return items;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
