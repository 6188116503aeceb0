using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SalesOrleans.Import;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Every table import from the old system (/api/import): SKUs, stock and open orders, the customer base's companies and
/// contacts. Each takes a CSV or XLSX upload and answers the same report, rejected rows included. The role is checked by
/// the authorization middleware, before the upload is read.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>Largest catalog import upload (a CSV or XLSX of SKUs, stock or open orders).</summary>
    private const long MaxImportBytes = 64 * 1024 * 1024;

    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var import = app.MapGroup("/api/import").WithTags("Import");
        import.MapPost("/skus", ImportSkus).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes)).Requires(Capability.ImportCatalog);
        import.MapPost("/stock", ImportStock).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes)).Requires(Capability.ImportCatalog);
        import.MapPost("/orders", ImportOrders).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes)).Requires(Capability.ImportOrders);
        // The customer base from the old system: the default request size limit, as before.
        import.MapPost("/companies", ImportCompanies).Requires(Capability.ImportCustomers);
        import.MapPost("/contacts", ImportContacts).Requires(Capability.ImportCustomers);
    }

    /// <summary>What every import handler is given besides its importer: the upload, who sends it.</summary>
    public readonly record struct ImportServices(HttpRequest Request, ClaimsPrincipal User, CancellationToken Ct);

    private static Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportSkus(ICatalogImport importer, [AsParameters] ImportServices s) =>
        Import(s, (file, name) => importer.ImportSkusAsync(file, name, s.User.Actor(), s.Ct));

    private static Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportStock(ICatalogImport importer, [AsParameters] ImportServices s) =>
        Import(s, (file, name) => importer.ImportStockAsync(file, name, s.User.Actor(), s.Ct));

    private static Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportOrders(ICatalogImport importer, [AsParameters] ImportServices s) =>
        Import(s, (file, name) => importer.ImportOrdersAsync(file, name, s.User.Actor(), s.Ct));

    private static Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportCompanies(ICustomerImport importer, [AsParameters] ImportServices s) =>
        Import(s, (file, name) => importer.ImportCompaniesAsync(file, name, s.User.Actor(), s.Ct));

    private static Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportContacts(ICustomerImport importer, [AsParameters] ImportServices s) =>
        Import(s, (file, name) => importer.ImportContactsAsync(file, name, s.User.Actor(), s.Ct));

    /// <summary>Runs an import of the uploaded CSV or XLSX: 200 with the report (rejected rows included), 400 when there is no usable file.</summary>
    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> Import(ImportServices s, Func<Stream, string, Task<ImportReport>> run)
    {
        var (request, ct) = (s.Request, s.Ct);
        if (!request.HasFormContentType)
        {
            return Problems.Invalid("file", "Send the table as multipart/form-data with a field 'file' (.csv or .xlsx).");
        }

        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return Problems.Invalid("file", "A non-empty 'file' is required.");
        }

        if (!ImportFiles.IsSupported(file.FileName))
        {
            return Problems.Invalid("file", "Only .csv and .xlsx files are imported.");
        }

        // Buffered: the XLSX reader needs a seekable stream.
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        try
        {
            return TypedResults.Ok(await run(buffer, Path.GetFileName(file.FileName)));
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException)
        {
            return Problems.Invalid("file", $"The file could not be read as a table with a header row: {ex.Message}");
        }
    }
}
