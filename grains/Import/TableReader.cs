using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using MiniExcelLibs;
using SalesOrleans.Domain;

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

/// <summary>What an import file may hold: checked before a single row is applied, so a refused file changes nothing.</summary>
public static class TableLimits
{
    /// <summary>The upload itself (the import endpoints' request size limit is the same).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>An XLSX is a zip: everything in it, unpacked. A 150 KB file can unpack to gigabytes (a zip bomb).</summary>
    public const long MaxUnpackedBytes = 48L * 1024 * 1024;

    public const int MaxZipEntries = 1_000;

    public const int MaxRows = 50_000;

    public const int MaxColumns = 200;

    /// <summary>Cells of the whole table (rows × columns actually present).</summary>
    public const long MaxCells = 2_000_000;

    /// <summary>Excel's own limit for one cell.</summary>
    public const int MaxCellChars = 32_767;
}

/// <summary>An import file beyond one of <see cref="TableLimits"/>, or holding text that is not allowed: the message names the limit or the cell.</summary>
public static class TableRefused
{
    /// <summary>The key of <see cref="Exception.Data"/> that holds the limit exceeded ("columns", "rows", "unpackedBytes", …, or "cell").</summary>
    public const string LimitKey = "limit";

    public static InvalidDataException Because(string limit, string message)
    {
        var refused = new InvalidDataException(message);
        refused.Data[LimitKey] = limit;
        return refused;
    }
}

/// <summary>
/// Reads CSV or XLSX (first sheet) with a header row into rows of invariant-culture text. The whole file is checked
/// first — size, unpacked size, rows, columns, cells, no DTD, clean text (<see cref="TextHygiene"/>, multi-line allowed
/// within a cell) — cheaply and without the spreadsheet library for what can be counted on the raw bytes, then the rows
/// stream. A file beyond a limit throws an <see cref="InvalidDataException"/> (<see cref="TableRefused"/>, which
/// the import endpoints answer with 400), before any row is applied.
/// </summary>
public static class TableReader
{
    public static bool IsSupported(string fileName) => ImportFiles.IsSupported(fileName);

    public static IEnumerable<TableRow> Read(Stream stream, string fileName)
    {
        var type = fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ExcelType.CSV : ExcelType.XLSX;
        var seekable = Seekable(stream);
        if (type == ExcelType.CSV)
        {
            CheckCsv(seekable);
        }
        else
        {
            CheckZip(seekable);
            // The sheet's own rows and cells: MiniExcel streams, within the unpacked limit just checked.
            foreach (var _ in Rows(seekable, type, check: true))
            {
            }
        }

        seekable.Position = 0;
        return Rows(seekable, type, check: false);
    }

    private static Stream Seekable(Stream stream)
    {
        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position > TableLimits.MaxFileBytes)
            {
                throw TooLarge();
            }

            return stream;
        }

        var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > TableLimits.MaxFileBytes)
            {
                throw TooLarge();
            }

            copy.Write(buffer, 0, read);
        }

        copy.Position = 0;
        return copy;

        static InvalidDataException TooLarge() =>
            TableRefused.Because("fileBytes", $"The file is larger than the limit of {TableLimits.MaxFileBytes / (1024 * 1024)} MB.");
    }

    private static IEnumerable<TableRow> Rows(Stream stream, ExcelType type, bool check)
    {
        var row = 1;
        long cells = 0;
        using var rows = Query(stream, type).GetEnumerator();
        while (true)
        {
            IDictionary<string, object?> values;
            try
            {
                if (!rows.MoveNext())
                {
                    break;
                }

                values = (IDictionary<string, object?>)rows.Current;
            }
            catch (XmlException ex)
            {
                // A DTD (refused: entity expansion), or XML that is not well-formed.
                throw new InvalidDataException($"The sheet's XML cannot be read ({ex.Message}).", ex);
            }

            row++;
            if (check)
            {
                Check(values, row, ref cells);
            }

            if (values.Values.All(v => v is null || (v is string s && string.IsNullOrWhiteSpace(s))))
            {
                continue; // Blank lines (often at the end of a sheet) are not rows.
            }

            if (!check)
            {
                yield return new TableRow(row, values.ToDictionary(c => c.Key.Trim().ToLowerInvariant(), c => Text(c.Value), StringComparer.Ordinal));
            }
        }
    }

    private static IEnumerable<object> Query(Stream stream, ExcelType type) => stream.Query(useHeaderRow: true, excelType: type);

    private static void Check(IDictionary<string, object?> values, int row, ref long cells)
    {
        if (row - 1 > TableLimits.MaxRows)
        {
            throw TableRefused.Because("rows", $"The file has more than the limit of {TableLimits.MaxRows:N0} rows.");
        }

        if (values.Count > TableLimits.MaxColumns)
        {
            throw TableRefused.Because("columns", $"The file has more than the limit of {TableLimits.MaxColumns} columns.");
        }

        cells += values.Count;
        if (cells > TableLimits.MaxCells)
        {
            throw TableRefused.Because("cells", $"The file has more than the limit of {TableLimits.MaxCells:N0} cells.");
        }

        foreach (var (column, value) in values)
        {
            CheckCell(row, column, column, multiline: false);
            CheckCell(row, column, value as string, multiline: true);
        }
    }

    private static void CheckCell(int row, string column, string? text, bool multiline)
    {
        if (text is null)
        {
            return;
        }

        if (text.Length > TableLimits.MaxCellChars)
        {
            throw TableRefused.Because("cellChars", $"Row {row}, column '{Shown(column)}': a cell holds more than the limit of {TableLimits.MaxCellChars:N0} characters.");
        }

        var at = TextHygiene.FirstForbidden(text, multiline);
        if (at >= 0)
        {
            throw TableRefused.Because("cell", $"Row {row}, column '{Shown(column)}': holds a character that is not allowed (U+{(int)text[at]:X4} at position {at}).");
        }
    }

    // A column name shown back in a message: without the characters that made it refused, and short.
    private static string Shown(string column)
    {
        var clean = TextHygiene.Clean(column, multiline: false);
        return clean.Length > 40 ? clean[..40] + "…" : clean;
    }

    /// <summary>
    /// CSV counted on the raw text (RFC 4180 quoting), before the spreadsheet library sees it: a file of 100,000
    /// columns or one endless cell is refused in one linear pass instead of being parsed for minutes.
    /// </summary>
    private static void CheckCsv(Stream stream)
    {
        var start = stream.Position;
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 65536, leaveOpen: true))
        {
            var header = new List<string>();
            var cell = new StringBuilder();
            int row = 1, column = 0;
            long cells = 0;
            bool quoted = false, atCellStart = true, any = false;
            int c;
            while ((c = reader.Read()) >= 0)
            {
                any = true;
                var ch = (char)c;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        Append(ch);
                    }

                    continue;
                }

                switch (ch)
                {
                    case '"' when atCellStart:
                        quoted = true;
                        atCellStart = false;
                        break;
                    case ',':
                        EndCell();
                        break;
                    case '\r' when reader.Peek() == '\n':
                        break;
                    case '\n' or '\r':
                        EndCell();
                        EndRow();
                        break;
                    default:
                        atCellStart = false;
                        Append(ch);
                        break;
                }
            }

            if (any && (column > 0 || cell.Length > 0 || !atCellStart))
            {
                EndCell();
            }

            void Append(char ch)
            {
                if (cell.Length >= TableLimits.MaxCellChars)
                {
                    throw TableRefused.Because("cellChars", $"Row {row}, column {column + 1}: a cell holds more than the limit of {TableLimits.MaxCellChars:N0} characters.");
                }

                cell.Append(ch);
            }

            void EndCell()
            {
                var text = cell.ToString();
                cell.Clear();
                atCellStart = true;
                column++;
                cells++;
                if (column > TableLimits.MaxColumns)
                {
                    throw TableRefused.Because("columns", $"Row {row} has more than the limit of {TableLimits.MaxColumns} columns.");
                }

                if (cells > TableLimits.MaxCells)
                {
                    throw TableRefused.Because("cells", $"The file has more than the limit of {TableLimits.MaxCells:N0} cells.");
                }

                var name = row == 1 ? text : column <= header.Count ? header[column - 1] : $"{column}";
                CheckCell(row, name, text, multiline: row > 1);
                if (row == 1)
                {
                    header.Add(text);
                }
            }

            void EndRow()
            {
                row++;
                column = 0;
                if (row - 1 > TableLimits.MaxRows)
                {
                    throw TableRefused.Because("rows", $"The file has more than the limit of {TableLimits.MaxRows:N0} rows.");
                }
            }
        }

        stream.Position = start;
    }

    /// <summary>The XLSX container: entry count, real unpacked size (not the sizes the zip claims), and no DTD in any XML part.</summary>
    private static void CheckZip(Stream stream)
    {
        var start = stream.Position;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (zip.Entries.Count > TableLimits.MaxZipEntries)
            {
                throw TableRefused.Because("zipEntries", $"The workbook has more than {TableLimits.MaxZipEntries} parts.");
            }

            long unpacked = 0;
            var buffer = new byte[65536];
            var doctype = "<!DOCTYPE"u8.ToArray();
            foreach (var entry in zip.Entries)
            {
                unpacked += entry.Length;
                if (unpacked > TableLimits.MaxUnpackedBytes)
                {
                    throw Unpacked();
                }
            }

            unpacked = 0;
            foreach (var entry in zip.Entries)
            {
                using var content = entry.Open();
                var first = true;
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    unpacked += read;
                    if (unpacked > TableLimits.MaxUnpackedBytes)
                    {
                        throw Unpacked();
                    }

                    // A DTD can only stand in the prolog, before the first element: the start of the part. (Later, the
                    // XML reader refuses it anyway; this answers before the sheet is parsed at all.)
                    if (first && buffer.AsSpan(0, read).IndexOf(doctype) >= 0)
                    {
                        throw TableRefused.Because("dtd", $"The workbook part '{entry.FullName}' declares a DTD, which is not accepted.");
                    }

                    first = false;
                }
            }
        }

        stream.Position = start;

        static InvalidDataException Unpacked() =>
            TableRefused.Because("unpackedBytes", $"The workbook unpacks to more than the limit of {TableLimits.MaxUnpackedBytes / (1024 * 1024)} MB.");
    }

    // Spreadsheet cells arrive typed (numbers as double, dates as DateTime); everything becomes invariant text here.
    // A number decimal cannot hold (1E+300, NaN, infinity) stays as its text: the importer then refuses it as a number.
    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("O", CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) && Math.Abs(d) < 1e28 => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
