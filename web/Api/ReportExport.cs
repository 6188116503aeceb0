using System.Globalization;
using System.Reflection;
using CsvHelper;
using Microsoft.AspNetCore.Http.Metadata;
using MiniExcelLibs;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Writes a report as CSV or XLSX while it is read: CSV goes straight to the response, XLSX through a temporary
/// file (a zip needs its central directory at the end), so a million rows never sit in memory at once.
/// </summary>
public static partial class ReportExport
{
    public static bool IsFile(string? format) => format is "csv" or "xlsx";

    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static ReportFile Write<T>(string name, string format, IAsyncEnumerable<T> rows) =>
        new(format == "xlsx" ? new XlsxResult<T>(name, rows) : new CsvResult<T>(name, rows));

    public static ReportFile Write<T>(string name, string format, IEnumerable<T> rows) => Write(name, format, rows.ToAsyncEnumerable());

    /// <summary>
    /// Text that starts with = + - @, tab or CR gets a leading ' (OWASP's advice against CSV injection): a name like
    /// <c>=HYPERLINK(…)</c> from the public form opens as text in a spreadsheet, not as a formula. Not done with
    /// CsvHelper's own Injection option because that one also quotes phone numbers (+49 30 …), which MailChimp would
    /// then import with the quote; a plus sign followed by digits, spaces, brackets and hyphens only is arithmetic at
    /// worst, never a call. Numbers and dates are written as such, so -5 stays a number.
    /// </summary>
    public static string? FormulaSafe(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PhoneNumber().IsMatch(text) ? "'" + text : text;

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+[0-9][0-9 ()\-]*$")]
    private static partial System.Text.RegularExpressions.Regex PhoneNumber();

    /// <summary>CSV with a header row, UTF-8, comma separated: the shape MailChimp's contact import reads. Columns are the record's properties.</summary>
    public static async Task WriteCsvAsync<T>(Stream output, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        var columns = typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance);
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default, leaveOpen: true);
        // A column may carry the name an importer expects ("Email Address"), the same one the XLSX gets.
        csv.WriteHeader(columns.Select(c => c.GetCustomAttributes(typeof(MiniExcelLibs.Attributes.ExcelColumnNameAttribute), false)
            .Cast<MiniExcelLibs.Attributes.ExcelColumnNameAttribute>().FirstOrDefault()?.ExcelColumnName ?? c.Name).ToArray());
        await foreach (var row in rows.WithCancellation(ct))
        {
            foreach (var column in columns)
            {
                WriteField(csv, column.GetValue(row));
            }

            // The writer flushes its buffer here when it is mostly full, so memory stays flat.
            await csv.EndRecordAsync(ct);
        }

        await csv.FlushAsync(ct);
    }

    private static void WriteField(CsvWriter csv, object? value)
    {
        // Numbers as numbers (never escaped: -5 is not a formula); everything else as text, escaped when it could be one.
        switch (value)
        {
            case int i: csv.WriteField(i, default); break;
            case long l: csv.WriteField(l, default); break;
            case decimal m: csv.WriteField(m, default); break;
            case double d: csv.WriteField(d, default); break;
            case float f: csv.WriteField(f, default); break;
            default: csv.WriteField(FormulaSafe(Format(value))); break;
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public static async Task WriteXlsxAsync<T>(Stream output, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        // MiniExcel enumerates lazily and writes each row as it comes.
        await MiniExcel.SaveAsAsync(output, rows.ToBlockingEnumerable(ct), cancellationToken: ct);
    }

    private sealed class CsvResult<T>(string name, IAsyncEnumerable<T> rows) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.csv\"";
            await WriteCsvAsync(http.Response.Body, rows, http.RequestAborted);
        }
    }

    private sealed class XlsxResult<T>(string name, IAsyncEnumerable<T> rows) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var path = Path.Combine(Path.GetTempPath(), $"salesorleans-{Guid.NewGuid():N}.xlsx");
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await Task.Run(() => WriteXlsxAsync(file, rows, http.RequestAborted));
            file.Position = 0;
            http.Response.ContentType = XlsxType;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.xlsx\"";
            http.Response.ContentLength = file.Length;
            await file.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}

/// <summary>
/// A report written as a file (<see cref="ReportExport.Write{T}(string, string, IAsyncEnumerable{T})"/>): a result type of its own,
/// so a handler declares it in its <c>Results&lt;…&gt;</c> and OpenAPI lists the 200 with the CSV and XLSX types.
/// </summary>
public sealed class ReportFile : IResult, IEndpointMetadataProvider
{
    private readonly IResult _file;

    internal ReportFile(IResult file) => _file = file;

    public Task ExecuteAsync(HttpContext httpContext) => _file.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(byte[]), [ReportExport.CsvType, ReportExport.XlsxType]));
}
