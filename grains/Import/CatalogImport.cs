using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Stock;

namespace SalesOrleans.Import;

/// <summary>
/// Migration import of SKUs, of stock balances by batch and of open orders from CSV or XLSX. Every row is validated by the same
/// domain rules as the API and applied on its own: a bad row is reported and the others still go in. Running the
/// same file again changes nothing: SKUs that exist identically are left alone, and each stock row is a receipt
/// whose id is derived from the row's content.
/// </summary>
public sealed class CatalogImport(CatalogService catalog, StockService stock, IGrainFactory grains) : ICatalogImport
{
    public const int MaxRows = 50_000;

    public async Task<ImportReport> ImportSkusAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        int rows = 0, applied = 0, unchanged = 0;
        foreach (var row in TableReader.Read(file, fileName).Take(MaxRows))
        {
            ct.ThrowIfCancellationRequested();
            rows++;
            if (!TryNumber(row, "price", out var price, rejected) || !TryInt(row, "leadtimedays", out var lead, rejected))
            {
                continue;
            }

            var kindText = row.Get("kind");
            if (!Enum.TryParse<SkuKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                rejected.Add(new ImportProblem(row.Row, "kind", $"'kind' must be Stocked, Manufactured or Purchased, not '{kindText}'."));
                continue;
            }

            var draft = new SkuDefinition(row.Get("code", "sku") ?? "", row.Get("name") ?? "", row.Get("unit") ?? "", price ?? 0,
                row.Get("currency") ?? "", kind, (int)(lead ?? 0), row.Get("ean", "barcode"), row.Get("supplier"));
            var result = await catalog.CreateSkuAsync(draft, actor, ct);
            if (result.Error is { } error)
            {
                rejected.Add(new ImportProblem(row.Row, error.Field, error.Message));
                if (error.Code == RejectionCode.Forbidden)
                {
                    break; // Every other row would say the same.
                }
            }
            else if (result.Created)
            {
                applied++;
            }
            else
            {
                unchanged++;
            }
        }

        return new ImportReport("skus", rows, applied, unchanged, rejected);
    }

    /// <summary>Opening balances: each row (sku, warehouse, batch, quantity, expiry?, receivedAt?) is received into its batch.</summary>
    public async Task<ImportReport> ImportStockAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        int rows = 0, applied = 0, unchanged = 0;
        foreach (var row in TableReader.Read(file, fileName).Take(MaxRows))
        {
            ct.ThrowIfCancellationRequested();
            rows++;
            if (!TryNumber(row, "quantity", out var quantity, rejected) || !TryDate(row, "expiry", out var expiry, rejected)
                || !TryTime(row, "receivedat", out var receivedAt, rejected))
            {
                continue;
            }

            var sku = row.Get("sku", "code") ?? "";
            var warehouse = row.Get("warehouse");
            var batch = row.Get("batch") ?? "";
            var receiptId = ReceiptId(sku, warehouse, batch, quantity, expiry, receivedAt);
            var (item, unresolved) = await stock.ResolveAsync(sku, warehouse);
            if (unresolved is not null)
            {
                rejected.Add(new ImportProblem(row.Row, unresolved.Field, unresolved.Message));
                continue;
            }

            var seqBefore = (await item!.Get())?.Seq ?? 0;
            var result = await item.Receive(new ReceiveStockCommand(batch, quantity ?? 0, expiry, receivedAt, receiptId, $"import {fileName} row {row.Row}"), actor);
            if (result.Error is { } error)
            {
                rejected.Add(new ImportProblem(row.Row, error.Field, error.Message));
            }
            else if (result.Item!.Seq > seqBefore)
            {
                applied++;
            }
            else
            {
                unchanged++;
            }
        }

        return new ImportReport("stock", rows, applied, unchanged, rejected);
    }

    /// <summary>
    /// Open orders: one row per line (order, customer, warehouse, sku, quantity, price?, dueDate?, responsible?, contact?,
    /// contractNumber?, paymentTerms?), grouped by the order number from the old system. Each order comes in as a Draft
    /// whose id is derived from that number, so importing again finds it instead of making another.
    /// </summary>
    public async Task<ImportReport> ImportOrdersAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        var rows = TableReader.Read(file, fileName).Take(MaxRows).ToList();
        int applied = 0, unchanged = 0;
        foreach (var group in rows.GroupBy(r => r.Get("order", "ordernumber") ?? ""))
        {
            ct.ThrowIfCancellationRequested();
            var lines = group.ToList();
            if (group.Key.Length == 0)
            {
                rejected.AddRange(lines.Select(r => new ImportProblem(r.Row, "order", "'order' (the order number) is required.")));
                continue;
            }

            var parsed = new List<NewOrderLineView>();
            var problems = rejected.Count;
            foreach (var row in lines)
            {
                if (TryNumber(row, "quantity", out var quantity, rejected) && TryNumber(row, "price", out var price, rejected) && TryDate(row, "duedate", out var due, rejected))
                {
                    parsed.Add(new NewOrderLineView(row.Get("sku", "code") ?? "", quantity ?? 0, price, due));
                }
            }

            if (rejected.Count > problems)
            {
                continue; // An order comes in whole or not at all.
            }

            var first = lines[0];
            var id = ImportedOrderId(group.Key);
            var order = grains.GetGrain<IOrderGrain>(id);
            if (await order.Get() is not null)
            {
                unchanged++;
                continue;
            }

            var result = await order.Create(new CreateOrderCommand(first.Get("customer") ?? "", first.Get("contact"), first.Get("responsible") ?? actor.User,
                first.Get("warehouse") ?? "", first.Get("currency"), parsed, null, first.Get("contractnumber"), first.Get("paymentterms")), actor);
            if (result.Error is { } error)
            {
                // "lines[2].quantity" names the file's row of that line.
                var row = error.Field is { } f && f.StartsWith("lines[", StringComparison.Ordinal) && int.TryParse(f[6..f.IndexOf(']')], out var index)
                    ? lines[index].Row
                    : first.Row;
                rejected.Add(new ImportProblem(row, error.Field, $"Order {group.Key}: {error.Message}"));
            }
            else
            {
                applied++;
            }
        }

        return new ImportReport("orders", rows.Count, applied, unchanged, rejected);
    }

    /// <summary>The id of an order imported under its number from the old system.</summary>
    public static Guid ImportedOrderId(string number) => new(MD5.HashData(Encoding.UTF8.GetBytes($"import-order:{number}")));

    /// <summary>The same row gives the same receipt id, so importing the file again is a repeat the stock item ignores.</summary>
    private static string ReceiptId(string sku, string? warehouse, string batch, decimal? quantity, DateOnly? expiry, DateTimeOffset? receivedAt)
    {
        var key = string.Join('|', Catalog.NormalizeSkuCode(sku), Catalog.NormalizeWarehouseId(warehouse), batch,
            quantity?.ToString(CultureInfo.InvariantCulture), expiry?.ToString("yyyy-MM-dd"), receivedAt?.ToString("O"));
        return "import-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static bool TryNumber(TableRow row, string column, out decimal? value, List<ImportProblem> rejected)
    {
        value = null;
        var text = row.Get(column);
        if (text is null)
        {
            return true;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        rejected.Add(new ImportProblem(row.Row, column, $"'{column}' must be a number (with a '.' for decimals), not '{text}'."));
        return false;
    }

    private static bool TryInt(TableRow row, string column, out decimal? value, List<ImportProblem> rejected)
    {
        if (!TryNumber(row, column, out value, rejected))
        {
            return false;
        }

        if (value is { } v && v != decimal.Truncate(v))
        {
            rejected.Add(new ImportProblem(row.Row, column, $"'{column}' must be a whole number."));
            return false;
        }

        return true;
    }

    private static bool TryDate(TableRow row, string column, out DateOnly? value, List<ImportProblem> rejected)
    {
        value = null;
        var text = row.Get(column);
        if (text is null)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = date;
            return true;
        }

        rejected.Add(new ImportProblem(row.Row, column, $"'{column}' must be a date as yyyy-MM-dd, not '{text}'."));
        return false;
    }

    private static bool TryTime(TableRow row, string column, out DateTimeOffset? value, List<ImportProblem> rejected)
    {
        value = null;
        var text = row.Get(column);
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            value = time;
            return true;
        }

        rejected.Add(new ImportProblem(row.Row, column, $"'{column}' must be a date or time (ISO 8601), not '{text}'."));
        return false;
    }
}
