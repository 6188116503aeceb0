namespace SalesOrleans.Import;

// Ports of the table imports web calls (issue 13); the grains assembly implements them (CatalogImport, CustomerImport).

/// <summary>A row that was not imported, and why (the field names the column).</summary>
public sealed record ImportProblem(int Row, string? Field, string Message);

/// <summary>What an import did: rows read, rows applied (new or changed), rows already there, and the rows refused.</summary>
public sealed record ImportReport(string Table, int Rows, int Applied, int Unchanged, IReadOnlyList<ImportProblem> Rejected);

/// <summary>The files a table import reads: CSV, or XLSX (its first sheet).</summary>
public static class ImportFiles
{
    public static bool IsSupported(string fileName) =>
        fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Migration import of SKUs, stock balances and open orders (grains: CatalogImport).</summary>
public interface ICatalogImport
{
    Task<ImportReport> ImportSkusAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default);

    Task<ImportReport> ImportStockAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default);

    Task<ImportReport> ImportOrdersAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default);
}

/// <summary>Migration import of the customer base: companies and contacts (grains: CustomerImport).</summary>
public interface ICustomerImport
{
    Task<ImportReport> ImportCompaniesAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default);

    Task<ImportReport> ImportContactsAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default);
}
