using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record TokenRequest(string? Name, string? UserName);

public static class AuthEndpoints
{
    private const int MaxUserNameLength = 100;
    private const int MaxPasswordLength = 1000;

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");

        // No CSRF token yet before a login; the cookie it sets is SameSite=Strict.
        auth.MapPost("/login", async (LoginRequest body, HttpContext http, Credentials credentials, LoginThrottle throttle) =>
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
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.RetryAfter(address, userName) is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins",
                    detail: $"Too many failed logins from this address or for this user; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
            }

            var user = await credentials.CheckPasswordAsync(userName, body.Password, http.RequestAborted);
            if (user is null)
            {
                throttle.Failed(address, userName);
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Unknown user or wrong password.");
            }

            await http.SignInAsync(AuthSchemes.Cookie, Credentials.Principal(user, AuthSchemes.Cookie));
            return Results.Ok(Me(user));
        }).Public("signing in").DisableAntiforgery();

        auth.MapGet("/csrf", CsrfProtection.IssueToken).SignedIn("the caller's own CSRF token");

        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(AuthSchemes.Cookie);
            return Results.NoContent();
        }).SignedIn("ends the caller's own session");

        // With the caller's effective capabilities and their scopes, so pages offer only the actions the API allows.
        auth.MapGet("/me", async (ClaimsPrincipal user, UserDirectory directory, AccessPolicy access, CancellationToken ct) =>
            directory.Find(user.Name()) is { } u
                ? Results.Ok(new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Email, Capabilities = await access.CapabilitiesAsync(user, ct) })
                : Results.Unauthorized()).SignedIn("the caller's own profile and capabilities");

        app.MapPost("/api/tokens", async (TokenRequest body, ClaimsPrincipal user, UserDirectory directory, UserStore store, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name))
            {
                return Problems.Invalid("name", "'name' is required (what the token is for).");
            }

            var owner = body.UserName ?? user.Name();
            if (!directory.UserExists(owner))
            {
                return Problems.Invalid("userName", $"Unknown user '{owner}'.");
            }

            var token = Credentials.NewToken();
            await store.CreateTokenAsync(Credentials.HashToken(token), body.Name.Trim(), owner, ct);
            return Results.Created("/api/tokens", new { token, name = body.Name.Trim(), userName = owner });
        }).Requires(Capability.TokenAdmin).WithTags("Auth");
    }

    private static object Me(UserRecord u) => new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Email };
}
