using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LoginRequest(string? UserName, string? Password);

public static class AuthEndpoints
{
    private const int MaxUserNameLength = 100;
    private const int MaxPasswordLength = 1000;

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");

        // No CSRF token yet before a login; the cookie it sets is SameSite=Strict.
        // No CSRF token yet before a login; the cookie it sets is SameSite=Strict.
        auth.MapPost("/login", async (LoginRequest body, HttpContext http, Credentials credentials, LoginThrottle throttle, Sessions sessions) =>
        {
            if (string.IsNullOrWhiteSpace(body.UserName) || body.UserName.Length > MaxUserNameLength)
            {
                return Problems.Invalid("userName", $"'userName' is required (at most {MaxUserNameLength} characters).");
            }

            if (string.IsNullOrEmpty(body.Password) || body.Password.Length > MaxPasswordLength)
            {
                return Problems.Invalid("password", $"'password' is required (at most {MaxPasswordLength} characters).");
            }

            var userName = body.UserName.Trim().ToLowerInvariant();
            // The client's address: behind a proxy listed in Web:TrustedProxies, the one it forwarded (see WebSetup).
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.RetryAfter(address) is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins",
                    detail: $"Too many failed logins from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
            }

            // A name that many failed for waits a little on every try, the right password included: guessing slows
            // down, and nobody can lock its owner out.
            if (throttle.DelayFor(userName) is { Ticks: > 0 } delay)
            {
                await Task.Delay(delay, http.RequestAborted);
            }

            var user = await credentials.CheckPasswordAsync(userName, body.Password, http.RequestAborted);
            if (user is null)
            {
                throttle.Failed(address, userName);
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Unknown user or wrong password.");
            }

            throttle.Succeeded(userName);
            await sessions.SignInAsync(http, user);
            return Results.Ok(Me(user));
        }).Public("signing in").DisableAntiforgery();

        auth.MapGet("/csrf", CsrfProtection.IssueToken).SignedIn("the caller's own CSRF token");

        // Ends the session on the server, not only the cookie in this browser: a copy of the cookie stops working too.
        auth.MapPost("/logout", async (HttpContext http, Sessions sessions) =>
        {
            await sessions.SignOutAsync(http);
            return Results.NoContent();
        }).SignedIn("ends the caller's own session");

        // With the caller's effective capabilities and their scopes, so pages offer only the actions the API allows.
        // Language: the page language the user chose (en, ru, de), null for the browser's.
        auth.MapGet("/me", async (ClaimsPrincipal user, UserDirectory directory, AccessPolicy access, UserLanguageStore languages, CancellationToken ct) =>
            directory.Find(user.Name()) is { } u
                ? Results.Ok(new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Email, u.Extension, Language = await languages.GetAsync(u.UserName, ct),
                    Capabilities = await access.CapabilitiesAsync(user, ct) })
                : Results.Unauthorized()).SignedIn("the caller's own profile and capabilities");
    }

    private static object Me(UserRecord u) => new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Email };
}
