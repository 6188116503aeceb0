using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LanguageRequest(string? Language);

/// <summary>The caller's page language after a change (null: the browser's).</summary>
public sealed record LanguageView(string? Language);

/// <summary>A person as pickers offer them and pages name them.</summary>
public sealed record PersonEntry(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? Department);

/// <summary>A department as pickers offer it.</summary>
public sealed record DepartmentEntry(string Id, string Name, string? Supervisor);

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
        app.MapGet("/api/i18n/{culture}", GetStrings).Public("page text in a language, from the resource files; the same for everyone, holds no data").WithTags("Languages");
        app.MapPut("/api/account/language", SetLanguage).SignedIn("changes the caller's own page language").WithTags("Account");
        // Active people only, never service accounts (integrations): what a picker offers and what names are shown for.
        app.MapGet("/api/people", ListPeople).Requires(Capability.PeopleRead).WithTags("People");
        app.MapGet("/api/departments", ListDepartments).Requires(Capability.PeopleRead).WithTags("People");
    }

    private static Results<Ok<Dictionary<string, string>>, ProblemHttpResult> GetStrings(string culture, HttpContext http, IStringLocalizerFactory factory)
    {
        if (!Languages.IsCultureName(culture))
        {
            return Problems.Invalid("culture", "'culture' is a language such as en, ru, de or de-DE.");
        }

        var language = Languages.Of(culture) ?? Languages.Neutral;
        // The text changes only with a new build: browsers and proxies may keep it for an hour.
        http.Response.Headers.CacheControl = "public, max-age=3600";
        http.Response.Headers.ContentLanguage = language;
        return TypedResults.Ok(Strings(factory, language));
    }

    private static async Task<Results<Ok<LanguageView>, ProblemHttpResult>> SetLanguage(LanguageRequest body, ClaimsPrincipal user, UserLanguageStore languages,
        CancellationToken ct)
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
        return TypedResults.Ok(new LanguageView(language));
    }

    private static async Task<Ok<IEnumerable<PersonEntry>>> ListPeople(string? department, string? role, ClaimsPrincipal user, UserDirectory directory,
        AccessPolicy access, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, Capability.PeopleRead, ct);
        return TypedResults.Ok(directory.Users
            .Where(u => u.Active && !u.Roles.Contains(Roles.Integration) && !u.Roles.Contains(Roles.System))
            .Where(u => scope == AccessScope.All || u.UserName == user.Name() || (u.Department is not null && u.Department == user.DepartmentOf()))
            .Where(u => department is null || u.Department == department)
            .Where(u => role is null || u.Roles.Contains(role))
            .Select(u => new PersonEntry(u.UserName, u.DisplayName, u.Roles, u.Department)));
    }

    private static async Task<Ok<IEnumerable<DepartmentEntry>>> ListDepartments(ClaimsPrincipal user, UserDirectory directory, AccessPolicy access,
        CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, Capability.PeopleRead, ct);
        return TypedResults.Ok(directory.Departments
            .Where(d => scope == AccessScope.All || d.Id == user.DepartmentOf())
            .Select(d => new DepartmentEntry(d.Id, d.Name, d.Supervisor)));
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
