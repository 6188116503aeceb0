using System.Reflection;
using PdfSharp.Fonts;

namespace SalesOrleans.Documents;

/// <summary>
/// Gives PDFsharp its one font, DejaVu Sans (Cyrillic, umlauts), from this assembly's resources: on .NET Core PDFsharp
/// finds no system fonts by itself, and a node or container image should not need any. Every family and style resolves
/// to it, so a paper never falls back to a font without Cyrillic.
/// </summary>
public sealed class PaperFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Face = "DejaVuSans";

    private static readonly Lazy<byte[]> Font = new(() =>
    {
        using var stream = typeof(PaperFonts).Assembly.GetManifestResourceStream("fonts/DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The resource fonts/DejaVuSans.ttf is missing from the grains assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static readonly object Gate = new();

    /// <summary>Installs the resolver once per process; PDFsharp refuses a change after its first use.</summary>
    public static void EnsureInstalled()
    {
        if (GlobalFontSettings.FontResolver is PaperFonts)
        {
            return;
        }

        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not PaperFonts)
            {
                GlobalFontSettings.FontResolver = new PaperFonts();
            }
        }
    }

    // Bold and italic are simulated by PDFsharp from the regular face: no paper needs them drawn by hand.
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(Face, bold, italic);

    public byte[]? GetFont(string faceName) => faceName == Face ? Font.Value : null;
}
