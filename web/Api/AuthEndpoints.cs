using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LoginRequest(string? UserName, string? Password);

/// <summary>Who signed in, as the login answers it.</summary>
public sealed record SignedInUser(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? Department, string? Email);

/// <summary>The caller's own profile, page language and effective capabilities with their scopes.</summary>
public sealed record MeView(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? Department, string? Email, string? Extension,
    string? Language, IReadOnlyDictionary<string, string> Capabilities);

public static class AuthEndpoints
{
    private const int MaxUserNameLength = 100;
    private const int MaxPasswordLength = 1000;

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");

        // No CSRF token yet before a login; the cookie it sets is SameSite=Strict.
        auth.MapPost("/login", Login).Public("signing in").DisableAntiforgery();
        auth.MapGet("/csrf", CsrfProtection.IssueToken).SignedIn("the caller's own CSRF token");
        // Ends the session on the server, not only the cookie in this browser: a copy of the cookie stops working too.
        auth.MapPost("/logout", Logout).SignedIn("ends the caller's own session");
        // With the caller's effective capabilities and their scopes, so pages offer only the actions the API allows.
        // Language: the page language the user chose (en, ru, de), null for the browser's.
        auth.MapGet("/me", GetMe).SignedIn("the caller's own profile and capabilities");
    }

    /// <summary>What the login handler is given besides its body.</summary>
    public readonly record struct LoginServices(HttpContext Http, Credentials Credentials, LoginThrottle Throttle, Sessions Sessions);

    /// <summary>What the profile handler is given.</summary>
    public readonly record struct ProfileServices(ClaimsPrincipal User, UserDirectory Directory, AccessPolicy Access, UserLanguageStore Languages, CancellationToken Ct);

    private static async Task<Results<Ok<SignedInUser>, ProblemHttpResult>> Login(LoginRequest body, [AsParameters] LoginServices s)
    {
        var http = s.Http;
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
        if (s.Throttle.RetryAfter(address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins",
                detail: $"Too many failed logins from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
        }

        // A name that many failed for waits a little on every try, the right password included: guessing slows
        // down, and nobody can lock its owner out.
        if (s.Throttle.DelayFor(userName) is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, http.RequestAborted);
        }

        var user = await s.Credentials.CheckPasswordAsync(userName, body.Password, http.RequestAborted);
        if (user is null)
        {
            s.Throttle.Failed(address, userName);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Unknown user or wrong password.");
        }

        s.Throttle.Succeeded(userName);
        await s.Sessions.SignInAsync(http, user);
        return TypedResults.Ok(new SignedInUser(user.UserName, user.DisplayName, user.Roles, user.Department, user.Email));
    }

    private static async Task<NoContent> Logout(HttpContext http, Sessions sessions)
    {
        await sessions.SignOutAsync(http);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeView>, UnauthorizedHttpResult>> GetMe([AsParameters] ProfileServices s)
    {
        if (s.Directory.Find(s.User.Name()) is not { } u)
        {
            return TypedResults.Unauthorized();
        }

        var language = await s.Languages.GetAsync(u.UserName, s.Ct);
        return TypedResults.Ok(new MeView(u.UserName, u.DisplayName, u.Roles, u.Department, u.Email, u.Extension, language,
            await s.Access.CapabilitiesAsync(s.User, s.Ct)));
    }
}
