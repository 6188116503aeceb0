using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SalesOrleans.Documents;

/// <summary>
/// A small PDF 1.4 writer for generated papers (proposals): A4 pages of positioned text and rules. Text is set in an
/// embedded TrueType font found on the machine (DejaVu Sans or Liberation Sans, so Cyrillic and umlauts print), with
/// a ToUnicode map so the text can be searched and copied; without one it falls back to Helvetica (Latin-1 only).
/// No third-party library: the PDF library the registry serves is AGPL-licensed.
/// </summary>
public sealed class PdfWriter
{
    public const float PageWidth = 595;
    public const float PageHeight = 842;

    private static readonly string[] FontCandidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    ];

    private readonly List<StringBuilder> _pages = [];
    private readonly TrueTypeFont? _font;

    public PdfWriter(string? fontPath = null)
    {
        var path = fontPath is null ? FontCandidates.FirstOrDefault(File.Exists) : File.Exists(fontPath) ? fontPath : null;
        _font = path is null ? null : TrueTypeFont.Load(path);
        NewPage();
    }

    /// <summary>Whether text is set in an embedded Unicode font (false: Helvetica, Latin-1 only).</summary>
    public bool EmbedsFont => _font is not null;

    public int PageCount => _pages.Count;

    public void NewPage() => _pages.Add(new StringBuilder());

    /// <summary>Text with its baseline at (x, y) from the bottom left, in points; <paramref name="alignRight"/> ends it at x.</summary>
    public void Text(float x, float y, string text, float size, bool alignRight = false)
    {
        if (alignRight)
        {
            x -= Width(text, size);
        }

        _pages[^1].Append(CultureInfo.InvariantCulture, $"BT /F1 {size:0.##} Tf {x:0.##} {y:0.##} Td <{Encode(text)}> Tj ET\n");
    }

    public void Line(float x1, float y1, float x2, float y2, float width = 0.5f) =>
        _pages[^1].Append(CultureInfo.InvariantCulture, $"{width:0.##} w {x1:0.##} {y1:0.##} m {x2:0.##} {y2:0.##} l S\n");

    public float Width(string text, float size) =>
        _font is null ? text.Length * size * 0.55f : text.Sum(c => _font.Advance(_font.Glyph(c))) * size / _font.UnitsPerEm;

    /// <summary>Breaks text into lines no wider than <paramref name="width"/> at spaces.</summary>
    public IEnumerable<string> Wrap(string text, float size, float width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : $"{line} {word}";
            if (line.Length > 0 && Width(candidate, size) > width)
            {
                yield return line.ToString();
                line.Clear().Append(word);
            }
            else
            {
                line.Clear().Append(candidate);
            }
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    public byte[] ToArray()
    {
        var pdf = new PdfBuilder();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var font = WriteFont(pdf);
        var pageIds = new List<int>();
        foreach (var page in _pages)
        {
            var content = pdf.Stream(Encoding.ASCII.GetBytes(page.ToString()), "");
            pageIds.Add(pdf.Add(Invariant($"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PageWidth} {PageHeight}] /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>")));
        }

        pdf.Set(pages, $"<< /Type /Pages /Kids [{string.Join(' ', pageIds.Select(p => $"{p} 0 R"))}] /Count {pageIds.Count} >>");
        pdf.Set(catalog, Invariant($"<< /Type /Catalog /Pages {pages} 0 R >>"));
        return pdf.Build(catalog);
    }

    private int WriteFont(PdfBuilder pdf)
    {
        if (_font is null)
        {
            return pdf.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        }

        var f = _font;
        var scale = 1000f / f.UnitsPerEm;
        var file = pdf.Stream(f.Data, Invariant($"/Length1 {f.Data.Length}"));
        var box = Invariant($"[{f.XMin * scale:0} {f.YMin * scale:0} {f.XMax * scale:0} {f.YMax * scale:0}]");
        var descriptor = pdf.Add(Invariant($"<< /Type /FontDescriptor /FontName /{f.Name} /Flags 32 /FontBBox {box} /ItalicAngle 0 /Ascent {f.Ascent * scale:0} /Descent {f.Descent * scale:0} /CapHeight {f.Ascent * scale:0} /StemV 80 /FontFile2 {file} 0 R >>"));
        var used = f.UsedGlyphs.OrderBy(g => g.Key).ToList();
        var widths = string.Join(' ', used.Select(g => Invariant($"{g.Key} [{f.Advance(g.Key) * scale:0}]")));
        var cid = pdf.Add(Invariant($"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{f.Name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>"));
        var cmap = new StringBuilder("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def ");
        cmap.Append("/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
        foreach (var chunk in used.Chunk(100))
        {
            cmap.Append(CultureInfo.InvariantCulture, $"{chunk.Length} beginbfchar\n");
            foreach (var (glyph, ch) in chunk)
            {
                cmap.Append(CultureInfo.InvariantCulture, $"<{glyph:X4}> <{(int)ch:X4}>\n");
            }

            cmap.Append("endbfchar\n");
        }

        cmap.Append("endcmap CMapName currentdict /CMap defineresource pop end end");
        var toUnicode = pdf.Stream(Encoding.ASCII.GetBytes(cmap.ToString()), "", compress: false);
        return pdf.Add($"<< /Type /Font /Subtype /Type0 /BaseFont /{f.Name} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {toUnicode} 0 R >>");
    }

    private string Encode(string text)
    {
        var hex = new StringBuilder();
        foreach (var c in text)
        {
            if (_font is null)
            {
                // As a number: a char ignores the hex format and would print itself.
                hex.Append(CultureInfo.InvariantCulture, $"{(int)(c <= 0xFF ? c : '?'):X2}");
            }
            else
            {
                hex.Append(CultureInfo.InvariantCulture, $"{_font.Use(c):X4}");
            }
        }

        return hex.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Numbered objects and the cross-reference table.</summary>
    private sealed class PdfBuilder
    {
        private readonly List<byte[]?> _objects = [];

        public int Reserve()
        {
            _objects.Add(null);
            return _objects.Count;
        }

        public void Set(int id, string body) => _objects[id - 1] = Encoding.ASCII.GetBytes(body);

        public int Add(string body)
        {
            var id = Reserve();
            Set(id, body);
            return id;
        }

        public int Stream(byte[] data, string extra, bool compress = true)
        {
            byte[] payload = data;
            if (compress)
            {
                using var buffer = new MemoryStream();
                using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                {
                    z.Write(data);
                }

                payload = buffer.ToArray();
            }

            var head = Encoding.ASCII.GetBytes($"<< /Length {payload.Length}{(compress ? " /Filter /FlateDecode" : "")} {extra} >>\nstream\n");
            var id = Reserve();
            _objects[id - 1] = [.. head, .. payload, .. "\nendstream"u8];
            return id;
        }

        public byte[] Build(int root)
        {
            using var output = new MemoryStream();
            output.Write("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"u8);
            var offsets = new List<long>();
            for (var i = 0; i < _objects.Count; i++)
            {
                offsets.Add(output.Position);
                output.Write(Encoding.ASCII.GetBytes($"{i + 1} 0 obj\n"));
                output.Write(_objects[i] ?? throw new InvalidOperationException($"PDF object {i + 1} was reserved but never written."));
                output.Write("\nendobj\n"u8);
            }

            var xref = output.Position;
            var table = new StringBuilder($"xref\n0 {_objects.Count + 1}\n0000000000 65535 f \n");
            foreach (var offset in offsets)
            {
                table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
            }

            table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_objects.Count + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
            output.Write(Encoding.ASCII.GetBytes(table.ToString()));
            return output.ToArray();
        }
    }

    /// <summary>Just enough of a TrueType file to set text: Unicode → glyph (cmap format 4), advances, metrics, the name.</summary>
    private sealed class TrueTypeFont
    {
        private readonly Dictionary<char, ushort> _glyphs = [];
        private ushort[] _advances = [];
        private int _cmapOffset;

        public byte[] Data { get; private init; } = [];

        public string Name { get; private init; } = "";

        public int UnitsPerEm { get; private set; }

        public short XMin { get; private set; }

        public short YMin { get; private set; }

        public short XMax { get; private set; }

        public short YMax { get; private set; }

        public short Ascent { get; private set; }

        public short Descent { get; private set; }

        /// <summary>Glyphs used so far and the character each stands for (for widths and the ToUnicode map).</summary>
        public Dictionary<ushort, char> UsedGlyphs { get; } = [];

        public static TrueTypeFont Load(string path)
        {
            var data = File.ReadAllBytes(path);
            var font = new TrueTypeFont { Data = data, Name = new string(Path.GetFileNameWithoutExtension(path).Where(char.IsAsciiLetterOrDigit).ToArray()) };
            var tables = new Dictionary<string, int>();
            var count = U16(data, 4);
            for (var i = 0; i < count; i++)
            {
                var record = 12 + i * 16;
                tables[Encoding.ASCII.GetString(data, record, 4)] = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(record + 8));
            }

            var head = tables["head"];
            font.UnitsPerEm = U16(data, head + 18);
            (font.XMin, font.YMin, font.XMax, font.YMax) = (S16(data, head + 36), S16(data, head + 38), S16(data, head + 40), S16(data, head + 42));
            var hhea = tables["hhea"];
            (font.Ascent, font.Descent) = (S16(data, hhea + 4), S16(data, hhea + 6));
            var metrics = U16(data, hhea + 34);
            font._advances = Enumerable.Range(0, metrics).Select(i => U16(data, tables["hmtx"] + i * 4)).ToArray();
            font._cmapOffset = FindUnicodeCmap(data, tables["cmap"]);
            return font;
        }

        public ushort Advance(ushort glyph) => _advances[Math.Min(glyph, _advances.Length - 1)];

        public ushort Use(char c)
        {
            var glyph = Glyph(c);
            UsedGlyphs.TryAdd(glyph, c);
            return glyph;
        }

        public ushort Glyph(char c)
        {
            if (_glyphs.TryGetValue(c, out var known))
            {
                return known;
            }

            var d = Data;
            var table = _cmapOffset;
            var segments = U16(d, table + 6) / 2;
            var ends = table + 14;
            var starts = ends + segments * 2 + 2;
            var deltas = starts + segments * 2;
            var ranges = deltas + segments * 2;
            ushort glyph = 0;
            for (var i = 0; i < segments; i++)
            {
                if (U16(d, ends + i * 2) < c)
                {
                    continue;
                }

                var start = U16(d, starts + i * 2);
                if (start <= c)
                {
                    var delta = S16(d, deltas + i * 2);
                    var rangeAt = ranges + i * 2;
                    var range = U16(d, rangeAt);
                    if (range == 0)
                    {
                        glyph = (ushort)((c + delta) & 0xFFFF);
                    }
                    else
                    {
                        var g = U16(d, rangeAt + range + (c - start) * 2);
                        glyph = g == 0 ? (ushort)0 : (ushort)((g + delta) & 0xFFFF);
                    }
                }

                break;
            }

            return _glyphs[c] = glyph;
        }

        private static int FindUnicodeCmap(byte[] d, int cmap)
        {
            var count = U16(d, cmap + 2);
            for (var i = 0; i < count; i++)
            {
                var record = cmap + 4 + i * 8;
                var (platform, encoding) = (U16(d, record), U16(d, record + 2));
                var offset = cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(record + 4));
                if (((platform == 3 && encoding == 1) || platform == 0) && U16(d, offset) == 4)
                {
                    return offset;
                }
            }

            throw new InvalidDataException("The font has no Unicode (format 4) character map.");
        }

        private static ushort U16(byte[] d, int at) => BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(at));

        private static short S16(byte[] d, int at) => BinaryPrimitives.ReadInt16BigEndian(d.AsSpan(at));
    }
}
