using Microsoft.AspNetCore.Http.HttpResults;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Serves stored files (uploaded documents) without trusting the type their uploader claimed: only types on a safe
/// list keep it; anything else (HTML, SVG, scripts, unknown) goes out as application/octet-stream. Always as an
/// attachment, with nosniff (SecurityHeaders), so a file never runs as a page of this site.
/// </summary>
public static class Downloads
{
    public const string Fallback = "application/octet-stream";

    public static readonly IReadOnlySet<string> SafeTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    };

    /// <summary>The type a stored file is served with: its own when on the safe list (parameters such as charset dropped), else octet-stream.</summary>
    public static string ServedType(string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim();
        return media is not null && SafeTypes.Contains(media) ? media.ToLowerInvariant() : Fallback;
    }

    public static FileContentHttpResult File(byte[] content, string? contentType, string fileName) =>
        TypedResults.File(content, ServedType(contentType), string.IsNullOrWhiteSpace(fileName) ? "document" : fileName);
}
