using Npgsql;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Stock;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Writes stock publications into the read model. Publications from all stock items on this node are gathered into
/// batches, one transaction of a few array statements each (a hot SKU publishes many movements per write). Every row
/// is guarded by seq: replays and late duplicates change nothing; movements are keyed by (stock item, seq).
/// </summary>
public sealed class StockProjector : IStockEventSink, IAsyncDisposable
{
    // Two writers: one batch fills while the other commits.
    private const int Writers = 2;

    private readonly NpgsqlDataSource _db;
    private readonly BatchingWriter<StockPublication> _writer;

    public StockProjector(NpgsqlDataSource db, ILogger<StockProjector> logger, DeadLetterStore? deadLetters = null)
    {
        _db = db;
        _writer = new BatchingWriter<StockPublication>(WriteBatch, Writers, logger, "stock publications", deadLetters,
            p => ($"stock:{p.Sku}@{p.Warehouse}", p.Seq, p));
    }

    public Task PublishAsync(StockPublication publication, CancellationToken ct = default) => _writer.WriteAsync(publication);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private async Task WriteBatch(IReadOnlyList<StockPublication> publications)
    {
        // Within one statement a row may be upserted once: keep the newest version of each, in key order so two
        // writers lock rows in the same order.
        var items = new SortedDictionary<(string, string), StockPublication>();
        var batches = new SortedDictionary<(string, string, string), BatchRow>();
        var reservations = new SortedDictionary<(string, string, string), (StockReservation Reservation, StockPublication From)>();
        var movements = new List<(StockPublication From, StockMovement Movement)>();
        foreach (var p in publications.OrderBy(p => p.Seq))
        {
            items[(p.Sku, p.Warehouse)] = p;
            foreach (var b in p.Batches)
            {
                batches[(p.Sku, p.Warehouse, b.Number)] = new BatchRow(p.Seq, b.ReceivedAt, b.Expiry, b.OnHand, b.Reserved);
            }

            foreach (var emptied in p.EmptiedBatches)
            {
                var firstSeen = p.Movements.Where(m => m.Batch == emptied).Select(m => m.At).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
                batches[(p.Sku, p.Warehouse, emptied)] = new BatchRow(p.Seq, firstSeen, null, 0, 0);
            }

            foreach (var r in p.ChangedReservations)
            {
                var key = (p.Sku, p.Warehouse, r.Id);
                if (!reservations.TryGetValue(key, out var known) || known.Reservation.UpdatedSeq < r.UpdatedSeq)
                {
                    reservations[key] = (r, p);
                }
            }

            movements.AddRange(p.Movements.Select(m => (p, m)));
        }

        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var sql = new NpgsqlBatch(connection, tx);
        if (items.Count > 0)
        {
            var rows = items.Values.ToList();
            sql.BatchCommands.Add(Command("""
                INSERT INTO stock_item (sku, warehouse_id, seq, on_hand, reserved, updated_at)
                SELECT s, w, q, h, r, now() FROM unnest($1::text[], $2::text[], $3::bigint[], $4::numeric[], $5::numeric[]) AS t(s, w, q, h, r)
                ON CONFLICT (sku, warehouse_id) DO UPDATE SET
                    seq = EXCLUDED.seq, on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, updated_at = now()
                WHERE stock_item.seq < EXCLUDED.seq
                """,
                rows.Select(p => p.Sku).ToArray(),
                rows.Select(p => p.Warehouse).ToArray(),
                rows.Select(p => p.Seq).ToArray(),
                rows.Select(p => p.Batches.Sum(b => b.OnHand)).ToArray(),
                rows.Select(p => p.Batches.Sum(b => b.Reserved)).ToArray()));
        }

        if (batches.Count > 0)
        {
            var keys = batches.Keys.ToList();
            var rows = batches.Values.ToList();
            // An emptied batch keeps its receipt date and expiry; only its quantities go to zero.
            sql.BatchCommands.Add(Command("""
                INSERT INTO stock_batch (sku, warehouse_id, batch, seq, received_at, expiry, on_hand, reserved)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::date[], $7::numeric[], $8::numeric[])
                ON CONFLICT (sku, warehouse_id, batch) DO UPDATE SET
                    seq = EXCLUDED.seq, on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,
                    received_at = CASE WHEN EXCLUDED.on_hand > 0 THEN EXCLUDED.received_at ELSE stock_batch.received_at END,
                    expiry = CASE WHEN EXCLUDED.on_hand > 0 THEN EXCLUDED.expiry ELSE stock_batch.expiry END
                WHERE stock_batch.seq < EXCLUDED.seq
                """,
                keys.Select(k => k.Item1).ToArray(),
                keys.Select(k => k.Item2).ToArray(),
                keys.Select(k => k.Item3).ToArray(),
                rows.Select(r => r.Seq).ToArray(),
                rows.Select(r => r.ReceivedAt.UtcDateTime).ToArray(),
                rows.Select(r => r.Expiry).ToArray(),
                rows.Select(r => r.OnHand).ToArray(),
                rows.Select(r => r.Reserved).ToArray()));
        }

        if (reservations.Count > 0)
        {
            var rows = reservations.Values.ToList();
            sql.BatchCommands.Add(Command("""
                INSERT INTO stock_reservation (sku, warehouse_id, reservation_id, seq, order_ref, line, quantity, held, shipped, released, status, created_at, closed_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::numeric[], $8::numeric[],
                                     $9::numeric[], $10::numeric[], $11::text[], $12::timestamptz[], $13::timestamptz[])
                ON CONFLICT (sku, warehouse_id, reservation_id) DO UPDATE SET
                    seq = EXCLUDED.seq, held = EXCLUDED.held, shipped = EXCLUDED.shipped, released = EXCLUDED.released,
                    status = EXCLUDED.status, closed_at = EXCLUDED.closed_at
                WHERE stock_reservation.seq < EXCLUDED.seq
                """,
                rows.Select(r => r.From.Sku).ToArray(),
                rows.Select(r => r.From.Warehouse).ToArray(),
                rows.Select(r => r.Reservation.Id).ToArray(),
                rows.Select(r => r.Reservation.UpdatedSeq).ToArray(),
                rows.Select(r => r.Reservation.Order).ToArray(),
                rows.Select(r => r.Reservation.Line).ToArray(),
                rows.Select(r => r.Reservation.Quantity).ToArray(),
                rows.Select(r => r.Reservation.Held).ToArray(),
                rows.Select(r => r.Reservation.Shipped).ToArray(),
                rows.Select(r => r.Reservation.Released).ToArray(),
                rows.Select(r => r.Reservation.IsOpen ? "Open" : "Closed").ToArray(),
                rows.Select(r => r.Reservation.CreatedAt.UtcDateTime).ToArray(),
                rows.Select(r => r.Reservation.ClosedAt?.UtcDateTime).ToArray()));
        }

        if (movements.Count > 0)
        {
            sql.BatchCommands.Add(Command("""
                INSERT INTO stock_movement (sku, warehouse_id, seq, at, kind, batch, on_hand_delta, reserved_delta, actor,
                                            reservation_id, reference, reason, operation_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::numeric[],
                                     $8::numeric[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
                ON CONFLICT (sku, warehouse_id, seq) DO NOTHING
                """,
                movements.Select(m => m.From.Sku).ToArray(),
                movements.Select(m => m.From.Warehouse).ToArray(),
                movements.Select(m => m.Movement.Seq).ToArray(),
                movements.Select(m => m.Movement.At.UtcDateTime).ToArray(),
                movements.Select(m => m.Movement.Kind.ToString()).ToArray(),
                movements.Select(m => m.Movement.Batch).ToArray(),
                movements.Select(m => m.Movement.OnHandDelta).ToArray(),
                movements.Select(m => m.Movement.ReservedDelta).ToArray(),
                movements.Select(m => m.Movement.Actor).ToArray(),
                movements.Select(m => m.Movement.ReservationId).ToArray(),
                movements.Select(m => m.Movement.Reference).ToArray(),
                movements.Select(m => m.Movement.Reason).ToArray(),
                movements.Select(m => m.Movement.OperationId).ToArray()));
        }

        await sql.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private static NpgsqlBatchCommand Command(string text, params object[] arrays)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var array in arrays)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = array });
        }

        return command;
    }

    private sealed record BatchRow(long Seq, DateTimeOffset ReceivedAt, DateOnly? Expiry, decimal OnHand, decimal Reserved);

}
