using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.SignalR;

namespace SalesOrleans.Web.Auth;

/// <summary>The token a signed-in browser sends back in the <see cref="CsrfProtection.HeaderName"/> header.</summary>
public sealed record CsrfToken(string? Token, string HeaderName);

/// <summary>
/// CSRF protection for what a browser does with its login cookie: every cookie-authenticated POST, PUT, PATCH or
/// DELETE must carry an ASP.NET Core antiforgery token in the <see cref="HeaderName"/> header (the UI fetches it from
/// GET /api/auth/csrf). Requests authenticated by an API token carry no ambient credential, so they need none; the
/// anonymous public endpoints (login, web form, telephony webhook) opt out with <c>.DisableAntiforgery()</c>; an
/// opt-out on an endpoint that needs a signed-in user is not honoured.
/// </summary>
public static class CsrfProtection
{
    public const string HeaderName = "X-CSRF-TOKEN";

    /// <summary>The problem title of a refusal; the UI recognises it and fetches a fresh token once.</summary>
    public const string RejectedTitle = "Missing or invalid CSRF token";

    public static IServiceCollection AddSalesCsrf(this IServiceCollection services) =>
        services.AddAntiforgery(o =>
        {
            o.HeaderName = HeaderName;
            o.Cookie.Name = "salesorleans.csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

    /// <summary>Runs after authentication and authorization, so a missing login is still 401 and a wrong role 403.</summary>
    public static IApplicationBuilder UseSalesCsrf(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (NeedsToken(http) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: RejectedTitle,
                detail: $"A request signed in with the login cookie must send the token from GET /api/auth/csrf in the {HeaderName} header.").ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    /// <summary>Hands the signed-in browser its token (bound to this user) and sets the matching antiforgery cookie.</summary>
    public static Ok<CsrfToken> IssueToken(HttpContext http, IAntiforgery antiforgery) =>
        TypedResults.Ok(new CsrfToken(antiforgery.GetAndStoreTokens(http).RequestToken, HeaderName));

    private static bool NeedsToken(HttpContext http)
    {
        var method = http.Request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method)))
        {
            return false;
        }

        if (http.User.Identity is not { IsAuthenticated: true, AuthenticationType: AuthSchemes.Cookie })
        {
            return false;
        }

        var endpoint = http.GetEndpoint();
        // The SignalR negotiate POST only opens the push channel; the hub takes no commands (see LiveHub).
        // An opt-out (.DisableAntiforgery()) counts only on endpoints open to anonymous callers (login, web form,
        // webhook): every endpoint that needs a signed-in user needs the token from a cookie-signed-in one.
        return endpoint?.Metadata.GetMetadata<HubMetadata>() is null
            && (endpoint?.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: false }
                || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null);
    }
}
