using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Orders;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Writes order publications into the read model, one transaction each (orders change a few times a day, not a
/// thousand times a second). The order row is guarded by seq, journal rows by (order id, seq): replays change nothing.
/// </summary>
public sealed class OrderProjector(NpgsqlDataSource db, DeadLetterStore? deadLetters = null) : IOrderEventSink
{
    /// <summary>A publication the database refuses for good is set aside (<see cref="DeadLetterStore"/>), so the order's later events still project.</summary>
    public Task PublishAsync(OrderPublication publication, CancellationToken ct = default) =>
        deadLetters is null
            ? WriteAsync(publication, ct)
            : deadLetters.ProjectAsync("order publications", $"order:{publication.Order.Id}", publication.Order.Seq, () => publication,
                () => WriteAsync(publication, CancellationToken.None));

    private async Task WriteAsync(OrderPublication publication, CancellationToken ct)
    {
        var o = publication.Order;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        var order = new NpgsqlBatchCommand("""
            INSERT INTO sales_order (order_id, seq, customer, responsible, deal_id, warehouse_id, status, currency, total, invoiced, paid,
                balance_due, contract_number, lines, waiting, created_at, closed_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())
            ON CONFLICT (order_id) DO UPDATE SET
                seq = EXCLUDED.seq, customer = EXCLUDED.customer, responsible = EXCLUDED.responsible, status = EXCLUDED.status,
                total = EXCLUDED.total, invoiced = EXCLUDED.invoiced, paid = EXCLUDED.paid, balance_due = EXCLUDED.balance_due,
                contract_number = EXCLUDED.contract_number, lines = EXCLUDED.lines, waiting = EXCLUDED.waiting,
                closed_at = EXCLUDED.closed_at, updated_at = now()
            WHERE sales_order.seq < EXCLUDED.seq
            """);
        Add(order, o.Id, o.Seq, o.Customer, o.Responsible, o.DealId, o.Warehouse, o.Status, o.Currency, o.Total, o.Invoiced, o.Paid,
            o.BalanceDue, o.ContractNumber, o.Lines.Count, o.Lines.Sum(l => l.Waiting), o.CreatedAt, o.ClosedAt);
        batch.BatchCommands.Add(order);
        if (o.CompanyId is not null)
        {
            // The company record (migration 0070); only when this publication's row is the current one.
            var company = new NpgsqlBatchCommand("UPDATE sales_order SET company_id = $2 WHERE order_id = $1 AND seq = $3 AND company_id IS DISTINCT FROM $2");
            Add(company, o.Id, o.CompanyId, o.Seq);
            batch.BatchCommands.Add(company);
        }

        foreach (var r in o.Replenishments)
        {
            var replenishment = new NpgsqlBatchCommand("""
                INSERT INTO order_replenishment (order_id, replenishment_id, seq, kind, line, sku, warehouse_id, quantity, status, expected_on)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (order_id, replenishment_id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status
                WHERE order_replenishment.seq < EXCLUDED.seq
                """);
            Add(replenishment, o.Id, r.Id, o.Seq, r.Kind, r.Line, r.Sku, o.Warehouse, r.Quantity, r.Status, r.ExpectedOn);
            batch.BatchCommands.Add(replenishment);
        }

        // Receivables: what each invoice still has open (payments naming it, the rest to the earliest due).
        var open = SalesOrleans.Domain.Orders.Receivables.OpenInvoices(
            o.Invoices.Select(i => new SalesOrleans.Domain.Orders.Invoice(i.Number, i.Amount, i.DueDate, i.IssuedAt, i.IssuedBy)).ToList(),
            o.Payments.Select(p => new SalesOrleans.Domain.Orders.Payment(p.Id, p.Amount, p.At, p.Invoice, p.RecordedBy)).ToList());
        foreach (var (invoice, owed) in o.Invoices.Zip(open))
        {
            var row = new NpgsqlBatchCommand("""
                INSERT INTO sales_order_invoice (order_id, number, seq, customer, responsible, currency, amount, open_amount, due_date, issued_at, order_status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (order_id, number) DO UPDATE SET seq = EXCLUDED.seq, customer = EXCLUDED.customer, responsible = EXCLUDED.responsible,
                    open_amount = EXCLUDED.open_amount, order_status = EXCLUDED.order_status
                WHERE sales_order_invoice.seq < EXCLUDED.seq
                """);
            Add(row, o.Id, invoice.Number, o.Seq, o.Customer, o.Responsible, o.Currency, invoice.Amount, owed.Open, invoice.DueDate, invoice.IssuedAt, o.Status);
            batch.BatchCommands.Add(row);
        }

        foreach (var a in publication.Activities)
        {
            var activity = new NpgsqlBatchCommand("""
                INSERT INTO sales_order_activity (order_id, seq, at, actor, kind, status, text, document, amount)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (order_id, seq) DO NOTHING
                """);
            Add(activity, o.Id, a.Seq, a.At, a.Actor, a.Kind.ToString(), a.Status.ToString(), a.Text, a.Document, a.Amount);
            batch.BatchCommands.Add(activity);
            if (a.Notify is { Length: > 0 } recipient)
            {
                // The approver asked at a route step, the responsible of a rejected order: keyed by the activity, so a replay notifies nobody twice.
                var notification = new NpgsqlBatchCommand("""
                    INSERT INTO notification (source, source_id, seq, recipient, at, text) VALUES ('order', $1, $2, $3, $4, $5)
                    ON CONFLICT (source, source_id, seq) DO NOTHING
                    """);
                Add(notification, o.Id, a.Seq, recipient, a.At, a.Text);
                batch.BatchCommands.Add(notification);
            }
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                DateTimeOffset dto => new NpgsqlParameter { Value = dto.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value },
            });
        }
    }
}
