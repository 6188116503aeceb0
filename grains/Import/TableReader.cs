using System.Globalization;
using MiniExcelLibs;

namespace SalesOrleans.Import;

/// <summary>One data row of an imported table: its number as the user sees it (the header is row 1) and its cells by column name.</summary>
public sealed record TableRow(int Row, IReadOnlyDictionary<string, string?> Cells)
{
    /// <summary>The cell of the first of <paramref name="columns"/> present (lower-case names), trimmed; null when empty.</summary>
    public string? Get(params string[] columns)
    {
        foreach (var column in columns)
        {
            if (Cells.TryGetValue(column, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}

/// <summary>Reads CSV or XLSX (first sheet) with a header row into rows of invariant-culture text, streaming.</summary>
public static class TableReader
{
    public static bool IsSupported(string fileName) =>
        fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<TableRow> Read(Stream stream, string fileName)
    {
        var type = fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ExcelType.CSV : ExcelType.XLSX;
        var row = 1;
        foreach (IDictionary<string, object?> cells in stream.Query(useHeaderRow: true, excelType: type))
        {
            row++;
            if (cells.Values.All(v => v is null || (v is string s && string.IsNullOrWhiteSpace(s))))
            {
                continue; // Blank lines (often at the end of a sheet) are not rows.
            }

            yield return new TableRow(row, cells.ToDictionary(c => c.Key.Trim().ToLowerInvariant(), c => Text(c.Value), StringComparer.Ordinal));
        }
    }

    // Spreadsheet cells arrive typed (numbers as double, dates as DateTime); everything becomes invariant text here.
    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("O", CultureInfo.InvariantCulture),
        double d => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
