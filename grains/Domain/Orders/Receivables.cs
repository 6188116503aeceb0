namespace SalesOrleans.Domain.Orders;

/// <summary>What is still owed on one invoice.</summary>
public sealed record OpenInvoice(string Number, decimal Amount, DateOnly DueDate, decimal Open);

/// <summary>
/// Receivables (дебиторская задолженность) of an order: what each invoice still has open, and how overdue it is.
/// Payments naming an invoice go to it; the rest (and what overpays an invoice) settles the invoices that fall due
/// first. Pure, so the read model and the tests compute the same thing.
/// </summary>
public static class Receivables
{
    /// <summary>The age buckets of the report, in days past the due date: not yet due, 0–30, 31–60, 61–90, over 90.</summary>
    public static readonly IReadOnlyList<string> Buckets = ["notDue", "days0to30", "days31to60", "days61to90", "over90"];

    public static IReadOnlyList<OpenInvoice> OpenInvoices(IReadOnlyList<Invoice> invoices, IReadOnlyList<Payment> payments)
    {
        var open = invoices.ToDictionary(i => i.Number, i => i.Amount, StringComparer.Ordinal);
        var free = 0m;
        foreach (var payment in payments)
        {
            if (payment.Invoice is { } number && open.TryGetValue(number, out var due))
            {
                var taken = Math.Min(due, payment.Amount);
                open[number] = due - taken;
                free += payment.Amount - taken;
            }
            else
            {
                free += payment.Amount;
            }
        }

        foreach (var invoice in invoices.OrderBy(i => i.DueDate).ThenBy(i => i.IssuedAt))
        {
            var taken = Math.Min(open[invoice.Number], free);
            open[invoice.Number] -= taken;
            free -= taken;
        }

        return invoices.Select(i => new OpenInvoice(i.Number, i.Amount, i.DueDate, open[i.Number])).ToList();
    }

    /// <summary>The bucket of an invoice due on <paramref name="dueDate"/>, looked at on <paramref name="asOf"/>.</summary>
    public static string Bucket(DateOnly dueDate, DateOnly asOf)
    {
        var overdue = asOf.DayNumber - dueDate.DayNumber;
        return overdue switch
        {
            < 0 => "notDue",
            <= 30 => "days0to30",
            <= 60 => "days31to60",
            <= 90 => "days61to90",
            _ => "over90",
        };
    }
}
