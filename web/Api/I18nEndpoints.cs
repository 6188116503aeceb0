using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Microsoft.Extensions.Localization;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LanguageRequest(string? Language);

/// <summary>
/// Page text from resource files (web/Resources/*.resx, ASP.NET Core's localization conventions: Ui.resx is the
/// English neutral, Ui.ru.resx and Ui.de.resx the translations), each person's language, and the directory the pages
/// pick people and departments from and show names instead of logins with.
/// </summary>
public static class I18nEndpoints
{
    public const string ResourcesPath = "Resources";

    public static void MapI18nEndpoints(this IEndpointRouteBuilder app)
    {
        // The login page needs its text before anyone signs in; resource text holds no data.
        app.MapGet("/api/i18n/{culture}", (string culture, HttpContext http, IStringLocalizerFactory factory) =>
        {
            if (!Languages.IsCultureName(culture))
            {
                return Problems.Invalid("culture", "'culture' is a language such as en, ru, de or de-DE.");
            }

            var language = Languages.Of(culture) ?? Languages.Neutral;
            // The text changes only with a new build: browsers and proxies may keep it for an hour.
            http.Response.Headers.CacheControl = "public, max-age=3600";
            http.Response.Headers.ContentLanguage = language;
            return Results.Ok(Strings(factory, language));
        }).Public("page text in a language, from the resource files; the same for everyone, holds no data").WithTags("Languages");

        app.MapPut("/api/account/language", async (LanguageRequest body, ClaimsPrincipal user, UserLanguageStore languages, CancellationToken ct) =>
        {
            // Said explicitly: a language, or "" for the browser's. A body without it changes nothing.
            if (body.Language is null)
            {
                return Problems.Invalid("language", $"'language' is required: one of {string.Join(", ", Languages.Supported)}, or \"\" for the browser's language.");
            }

            string? language = null;
            if (body.Language.Trim().Length > 0)
            {
                language = Languages.Of(body.Language);
                if (language is null || !Languages.IsCultureName(body.Language))
                {
                    return Problems.Invalid("language", $"'language' is one of {string.Join(", ", Languages.Supported)}, or \"\" for the browser's language.");
                }
            }

            await languages.SetAsync(user.Name(), language, ct);
            return Results.Ok(new { Language = language });
        }).SignedIn("changes the caller's own page language").WithTags("Account");

        // Active people only, never service accounts (integrations): what a picker offers and what names are shown for.
        app.MapGet("/api/people", async (string? department, string? role, ClaimsPrincipal user, UserDirectory directory, AccessPolicy access, CancellationToken ct) =>
        {
            var scope = await access.ScopeAsync(user, Capability.PeopleRead, ct);
            return Results.Ok(directory.Users
                .Where(u => u.Active && !u.Roles.Contains(Roles.Integration) && !u.Roles.Contains(Roles.System))
                .Where(u => scope == AccessScope.All || u.UserName == user.Name() || (u.Department is not null && u.Department == user.DepartmentOf()))
                .Where(u => department is null || u.Department == department)
                .Where(u => role is null || u.Roles.Contains(role))
                .Select(u => new { u.UserName, u.DisplayName, u.Roles, u.Department }));
        }).Requires(Capability.PeopleRead).WithTags("People");

        app.MapGet("/api/departments", async (ClaimsPrincipal user, UserDirectory directory, AccessPolicy access, CancellationToken ct) =>
        {
            var scope = await access.ScopeAsync(user, Capability.PeopleRead, ct);
            return Results.Ok(directory.Departments
                .Where(d => scope == AccessScope.All || d.Id == user.DepartmentOf())
                .Select(d => new { d.Id, d.Name, d.Supervisor }));
        }).Requires(Capability.PeopleRead).WithTags("People");
    }

    /// <summary>Every resource file's text for the language merged into one dictionary (English where a translation is missing).</summary>
    public static Dictionary<string, string> Strings(IStringLocalizerFactory factory, string language)
    {
        var assembly = typeof(I18nEndpoints).Assembly;
        var location = assembly.GetName().Name!;
        var prefix = $"{location}.{ResourcesPath}.";
        var previous = CultureInfo.CurrentUICulture;
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            // The localizer reads the current UI culture; this request's flow only.
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
            foreach (var baseName in BaseNames(assembly, prefix))
            {
                foreach (var text in factory.Create(baseName, location).GetAllStrings(includeParentCultures: true))
                {
                    strings.TryAdd(text.Name, text.Value);
                }
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        return strings;
    }

    // Every neutral resource file under Resources (Ui, and whatever else is added there), by its base name.
    private static IEnumerable<string> BaseNames(Assembly assembly, string prefix) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".resources", StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^".resources".Length])
            .Order(StringComparer.Ordinal);
}
