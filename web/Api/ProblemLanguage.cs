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
/// else English. The titles and the commonest validation and access details come from web/Resources/Problems*.resx;
/// any other detail stays as the server wrote it. Field names and the "errors" keys stay as they are (the pages read them).
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

    /// <summary>An English detail's shape and the resource key that says it in another language ({field}, {max}).</summary>
    private static readonly (Regex Shape, string Key)[] Details =
    [
        (Required(), "problem.required"),
        (TooLong(), "problem.tooLong"),
        (Positive(), "problem.positive"),
        (NotNegative(), "problem.notNegative"),
        (NotEmail(), "problem.notEmail"),
        (NotPhone(), "problem.notPhone"),
        (NotJson(), "problem.notJson"),
        (RoleForbidsAction(), "problem.roleForbidsAction"),
        (RoleForbids(), "problem.roleForbids"),
    ];

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

        problem.Detail = Say(problem.Detail, texts);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var (field, messages) in validation.Errors.ToList())
            {
                validation.Errors[field] = messages.Select(m => Say(m, texts)!).ToArray();
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

    private static string? Say(string? english, Dictionary<string, string> texts)
    {
        if (english is null)
        {
            return null;
        }

        foreach (var (shape, key) in Details)
        {
            if (shape.Match(english) is { Success: true } m && texts.TryGetValue(key, out var pattern))
            {
                return pattern.Replace("{field}", m.Groups["field"].Value, StringComparison.Ordinal).Replace("{max}", m.Groups["max"].Value, StringComparison.Ordinal);
            }
        }

        return english;
    }

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' is required\.$")]
    private static partial Regex Required();

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' is longer than (?<max>\d+) characters\.$")]
    private static partial Regex TooLong();

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' must be positive\.$")]
    private static partial Regex Positive();

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' must not be negative\.$")]
    private static partial Regex NotNegative();

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' is not an e-mail address\.$")]
    private static partial Regex NotEmail();

    [GeneratedRegex(@"^'(?<field>[^']{1,200})' is not a phone number\.$")]
    private static partial Regex NotPhone();

    [GeneratedRegex(@"^The request body is not valid JSON for this endpoint at '(?<field>[^']{1,200})':")]
    private static partial Regex NotJson();

    [GeneratedRegex(@"^Your role does not allow '(?<field>[^']{1,100})' \(")]
    private static partial Regex RoleForbidsAction();

    [GeneratedRegex(@"^Your role does not allow this\.$")]
    private static partial Regex RoleForbids();
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
