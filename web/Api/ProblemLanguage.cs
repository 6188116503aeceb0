using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Refusals in the caller's language: the signed-in person's (app_user.language), else the browser's (Accept-Language),
/// else English. The titles and the details come from web/Resources/Problems*.resx: a detail the server wrote in the
/// words of an English template there ("Unknown department '{department}'.") is said again with that key's template in
/// the caller's language, the placeholders carried over. A detail no template says stays as the server wrote it. Field
/// names and the "errors" keys stay as they are (the pages read them).
/// </summary>
public static partial class ProblemLanguage
{
    private static readonly Dictionary<string, string> TitleKeys = new(StringComparer.Ordinal)
    {
        ["Invalid input"] = "problem.title.invalid",
        ["Not found"] = "problem.title.notFound",
        ["Forbidden"] = "problem.title.forbidden",
        ["Conflict"] = "problem.title.conflict",
        ["Transition not allowed"] = "problem.title.transition",
        ["Gate not met"] = "problem.title.gate",
        ["Open tasks"] = "problem.title.openTasks",
    };

    /// <summary>
    /// Details that go on in the system's own words after what is translated (a JSON reader's message, a capability's
    /// description): matched by their start, so their English templates are not shapes.
    /// </summary>
    private static readonly (Regex Shape, string Key)[] Openings =
    [
        (NotJson(), "problem.notJson"),
        (RoleForbidsAction(), "problem.roleForbidsAction"),
    ];

    private static (Regex Shape, string Key)[]? _shapes;

    /// <summary>The English templates' shapes, made once from the neutral resources.</summary>
    private static (Regex Shape, string Key)[] Shapes(IStringLocalizerFactory factory) => _shapes ??= [.. I18nEndpoints.Strings(factory, Languages.Neutral)
        .Where(t => t.Key.StartsWith("problem.", StringComparison.Ordinal) && !t.Key.StartsWith("problem.title.", StringComparison.Ordinal)
            && !Openings.Any(o => o.Key == t.Key))
        // The longest literal first: "'name' is required (plain text, …)" before "'{field}' is required."
        .OrderByDescending(t => Placeholder().Replace(t.Value, "").Length)
        .Select(t => (ShapeOf(t.Value), t.Key))];

    /// <summary>A template's text as a pattern: its words exactly, each {name} any text on one line.</summary>
    public static Regex ShapeOf(string template)
    {
        var pattern = new System.Text.StringBuilder("^");
        var at = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            pattern.Append(Regex.Escape(template[at..m.Index])).Append("(?<").Append(m.Groups["name"].Value).Append(">[^\\n]{0,400}?)");
            at = m.Index + m.Length;
        }

        pattern.Append(Regex.Escape(template[at..])).Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The placeholders of a template: {field}, {max}, {department} …</summary>
    [GeneratedRegex(@"\{(?<name>[A-Za-z]{1,40})\}")]
    public static partial Regex Placeholder();

    private static readonly ConcurrentDictionary<string, Dictionary<string, string>> Texts = new(StringComparer.Ordinal);

    /// <summary>Rewrites the title, detail and error messages into <paramref name="language"/> where the resources say them; English is left alone.</summary>
    public static void Translate(ProblemDetails problem, string language, IStringLocalizerFactory factory)
    {
        if (Languages.Of(language) is not { } l || l == Languages.Neutral)
        {
            return;
        }

        var texts = Texts.GetOrAdd(l, lang => I18nEndpoints.Strings(factory, lang));
        if (problem.Title is { } title && TitleKeys.TryGetValue(title, out var titleKey) && texts.TryGetValue(titleKey, out var translated))
        {
            problem.Title = translated;
        }

        var shapes = Shapes(factory);
        problem.Detail = Say(problem.Detail, texts, shapes);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var (field, messages) in validation.Errors.ToList())
            {
                validation.Errors[field] = messages.Select(m => Say(m, texts, shapes)!).ToArray();
            }
        }
    }

    /// <summary>The person's language, else the browser's first supported one, else English. A 5xx asks no database (it may be the cause).</summary>
    public static async Task<string> LanguageOfAsync(HttpContext http, bool askDatabase)
    {
        if (askDatabase && http.User.Identity is { IsAuthenticated: true, Name: { } name })
        {
            try
            {
                if (Languages.Of(await http.RequestServices.GetRequiredService<UserLanguageStore>().GetAsync(name, http.RequestAborted)) is { } own)
                {
                    return own;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The refusal still goes out, in the browser's language.
            }
        }

        foreach (var accepted in http.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(a => a.Quality ?? 1))
        {
            if (Languages.Of(accepted.Value.Value) is { } browser)
            {
                return browser;
            }
        }

        return Languages.Neutral;
    }

    private static string? Say(string? english, Dictionary<string, string> texts, (Regex Shape, string Key)[] shapes)
    {
        if (english is null)
        {
            return null;
        }

        foreach (var (shape, key) in Openings.Concat(shapes))
        {
            if (shape.Match(english) is { Success: true } m && texts.TryGetValue(key, out var template))
            {
                return Placeholder().Replace(template, p => m.Groups[p.Groups["name"].Value] is { Success: true } g ? g.Value : p.Value);
            }
        }

        return english;
    }

    [GeneratedRegex(@"^The request body is not valid JSON for this endpoint at '(?<field>[^']{1,200})':")]
    private static partial Regex NotJson();

    [GeneratedRegex(@"^Your role does not allow '(?<field>[^']{1,100})' \(")]
    private static partial Regex RoleForbidsAction();
}

/// <summary>
/// Writes every ProblemDetails of the API (Results.Problem, ValidationProblem, the exception handlers) in the caller's
/// language (<see cref="ProblemLanguage"/>): registered before the framework's writer, which it otherwise stands for
/// (the same JSON, the options' customization, a trace id).
/// </summary>
public sealed class LocalizedProblemDetailsWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<ProblemDetailsOptions> options, IStringLocalizerFactory factory)
    : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        var accept = context.HttpContext.Request.Headers.Accept;
        return accept.Count == 0 || accept.Any(a => a is null || a.Contains("json", StringComparison.OrdinalIgnoreCase) || a.Contains("*/*", StringComparison.Ordinal));
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        var language = await ProblemLanguage.LanguageOfAsync(http, askDatabase: http.Response.StatusCode < 500);
        ProblemLanguage.Translate(problem, language, factory);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        http.Response.Headers.ContentLanguage = language;
        await http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", http.RequestAborted);
    }
}
