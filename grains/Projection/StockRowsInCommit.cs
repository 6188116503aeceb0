using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.ReadModel;

/// <summary>
/// The stock read model written in the same commit as the stock item's state (issue 12, fourth round): the item's totals,
/// its batches (and those its new movements emptied), the reservations those movements touched and the movements
/// themselves — the outbox, which now holds the movements since the last durable write. The rows apply exactly when
/// the state write does (see <see cref="IStateProjection"/>), so they need no seq guard: the version check already
/// orders the writers. Rewriting a movement again (an activation's first write carries the stored outbox once more) changes
/// nothing. Same rows as <see cref="StockProjector"/>, which stays for storages without this.
/// </summary>
public sealed class StockRowsInCommit : IStateProjection
{
    public const string State = "stockItem";

    private const string Sql = """
        , batches AS (
            INSERT INTO stock_batch (sku, warehouse_id, batch, seq, received_at, expiry, on_hand, reserved)
            SELECT $8, $9, b, $10, r, e, h, v FROM unnest($13::text[], $14::timestamptz[], $15::date[], $16::numeric[], $17::numeric[]) AS t(b, r, e, h, v)
            WHERE EXISTS (SELECT 1 FROM state_write)
            ON CONFLICT (sku, warehouse_id, batch) DO UPDATE SET
                seq = EXCLUDED.seq, on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,
                received_at = CASE WHEN EXCLUDED.on_hand > 0 THEN EXCLUDED.received_at ELSE stock_batch.received_at END,
                expiry = CASE WHEN EXCLUDED.on_hand > 0 THEN EXCLUDED.expiry ELSE stock_batch.expiry END)
        , reservations AS (
            INSERT INTO stock_reservation (sku, warehouse_id, reservation_id, seq, order_ref, line, quantity, held, shipped, released, status, created_at, closed_at)
            SELECT $8, $9, i, q, o, l, n, h, s, r, st, c, x
            FROM unnest($18::text[], $19::bigint[], $20::text[], $21::int[], $22::numeric[], $23::numeric[], $24::numeric[], $25::numeric[],
                        $26::text[], $27::timestamptz[], $28::timestamptz[]) AS t(i, q, o, l, n, h, s, r, st, c, x)
            WHERE EXISTS (SELECT 1 FROM state_write)
            ON CONFLICT (sku, warehouse_id, reservation_id) DO UPDATE SET
                seq = EXCLUDED.seq, held = EXCLUDED.held, shipped = EXCLUDED.shipped, released = EXCLUDED.released,
                status = EXCLUDED.status, closed_at = EXCLUDED.closed_at)
        , movements AS (
            INSERT INTO stock_movement (sku, warehouse_id, seq, at, kind, batch, on_hand_delta, reserved_delta, actor,
                                        reservation_id, reference, reason, operation_id)
            SELECT $8, $9, q, a, k, b, h, v, who, i, ref, why, op
            FROM unnest($29::bigint[], $30::timestamptz[], $31::text[], $32::text[], $33::numeric[], $34::numeric[], $35::text[],
                        $36::text[], $37::text[], $38::text[], $39::text[]) AS t(q, a, k, b, h, v, who, i, ref, why, op)
            WHERE EXISTS (SELECT 1 FROM state_write)
            ON CONFLICT (sku, warehouse_id, seq) DO NOTHING)
        INSERT INTO stock_item (sku, warehouse_id, seq, on_hand, reserved, updated_at)
        SELECT $8, $9, $10, $11, $12, now() FROM state_write
        ON CONFLICT (sku, warehouse_id) DO UPDATE SET
            seq = EXCLUDED.seq, on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, updated_at = now()
        """;

    public string StateName => State;

    public ProjectedRows? Rows(object state)
    {
        if (state is not StockItemState item || !item.Exists)
        {
            return null;
        }

        var movements = item.Outbox;
        var current = item.Batches.Select(b => b.Number).ToHashSet(StringComparer.Ordinal);
        // A batch its movements emptied keeps its row with zeros (its receipt date stays, see the SQL).
        var emptied = movements.Where(m => !current.Contains(m.Batch)).GroupBy(m => m.Batch, StringComparer.Ordinal)
            .Select(g => new StockBatch(g.Key, g.Min(m => m.At), null, 0, 0));
        var batches = item.Batches.Concat(emptied).ToList();
        var reservations = movements.Select(m => m.ReservationId).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(id => item.Reservations.GetValueOrDefault(id)).OfType<StockReservation>().ToList();
        // One row per seq (a movement is one batch's change; seqs are unique within an item).
        var journal = movements.DistinctBy(m => m.Seq).ToList();

        return new ProjectedRows(Sql,
        [
            Value(item.Sku), Value(item.Warehouse), Value(item.Seq),
            Value(item.Batches.Sum(b => b.OnHand)), Value(item.Batches.Sum(b => b.Reserved)),
            Value(batches.Select(b => b.Number).ToArray()),
            Value(batches.Select(b => b.ReceivedAt.UtcDateTime).ToArray()),
            Array(batches.Select(b => b.Expiry).ToArray(), NpgsqlDbType.Date),
            Value(batches.Select(b => b.OnHand).ToArray()),
            Value(batches.Select(b => b.Reserved).ToArray()),
            Value(reservations.Select(r => r.Id).ToArray()),
            Value(reservations.Select(r => r.UpdatedSeq).ToArray()),
            Value(reservations.Select(r => r.Order).ToArray()),
            Array(reservations.Select(r => r.Line).ToArray(), NpgsqlDbType.Integer),
            Value(reservations.Select(r => r.Quantity).ToArray()),
            Value(reservations.Select(r => r.Held).ToArray()),
            Value(reservations.Select(r => r.Shipped).ToArray()),
            Value(reservations.Select(r => r.Released).ToArray()),
            Value(reservations.Select(r => r.IsOpen ? "Open" : "Closed").ToArray()),
            Value(reservations.Select(r => r.CreatedAt.UtcDateTime).ToArray()),
            Array(reservations.Select(r => r.ClosedAt?.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz),
            Value(journal.Select(m => m.Seq).ToArray()),
            Value(journal.Select(m => m.At.UtcDateTime).ToArray()),
            Value(journal.Select(m => m.Kind.ToString()).ToArray()),
            Value(journal.Select(m => m.Batch).ToArray()),
            Value(journal.Select(m => m.OnHandDelta).ToArray()),
            Value(journal.Select(m => m.ReservedDelta).ToArray()),
            Value(journal.Select(m => m.Actor).ToArray()),
            Text(journal.Select(m => m.ReservationId).ToArray()),
            Text(journal.Select(m => m.Reference).ToArray()),
            Text(journal.Select(m => m.Reason).ToArray()),
            Text(journal.Select(m => m.OperationId).ToArray()),
        ]);
    }

    private static NpgsqlParameter Value<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    private static NpgsqlParameter Text(string?[] values) => Array(values, NpgsqlDbType.Text);

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType element) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | element };
}
