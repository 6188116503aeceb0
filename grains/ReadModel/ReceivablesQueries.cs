using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>One customer's open receivables in one currency, by age past the due date (the analytics page's table and export).</summary>
public sealed record ReceivablesRow(
    string Customer,
    string Currency,
    decimal NotDue,
    decimal Days0To30,
    decimal Days31To60,
    decimal Days61To90,
    decimal Over90,
    decimal Total,
    long Invoices,
    DateOnly? OldestDue);

/// <summary>Receivables by customer and age across orders, from the invoices the order projector keeps (table sales_order_invoice).</summary>
public sealed class ReceivablesQueries(NpgsqlDataSource db)
{
    /// <summary>
    /// Open amounts on <paramref name="asOf"/> per customer and currency, aged by the invoice due date: not yet due, 0–30,
    /// 31–60, 61–90 and over 90 days overdue (the buckets of <see cref="SalesOrleans.Domain.Orders.Receivables.Bucket"/>).
    /// Cancelled and archived orders owe nothing. <paramref name="department"/>: only orders whose responsible works there.
    /// </summary>
    public async Task<IReadOnlyList<ReceivablesRow>> ByCustomerAsync(DateOnly asOf, string? department, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT i.customer, i.currency,
                   sum(i.open_amount) FILTER (WHERE $1 - i.due_date < 0),
                   sum(i.open_amount) FILTER (WHERE $1 - i.due_date BETWEEN 0 AND 30),
                   sum(i.open_amount) FILTER (WHERE $1 - i.due_date BETWEEN 31 AND 60),
                   sum(i.open_amount) FILTER (WHERE $1 - i.due_date BETWEEN 61 AND 90),
                   sum(i.open_amount) FILTER (WHERE $1 - i.due_date > 90),
                   sum(i.open_amount), count(*), min(i.due_date)
            FROM sales_order_invoice i
            LEFT JOIN app_user u ON u.user_name = i.responsible
            WHERE i.open_amount > 0 AND i.order_status NOT IN ('Cancelled', 'Archived')
              AND ($2::text IS NULL OR u.department_id = $2)
            GROUP BY i.customer, i.currency
            ORDER BY sum(i.open_amount) FILTER (WHERE $1 - i.due_date >= 0) DESC NULLS LAST, sum(i.open_amount) DESC, i.customer
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = asOf });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var rows = new List<ReceivablesRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            decimal At(int i) => r.IsDBNull(i) ? 0 : r.GetDecimal(i);
            rows.Add(new ReceivablesRow(r.GetString(0), r.GetString(1), At(2), At(3), At(4), At(5), At(6), At(7), r.GetInt64(8),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9)));
        }

        return rows;
    }
}
