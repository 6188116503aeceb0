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
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");

        auth.MapPost("/login", async (LoginRequest body, HttpContext http, Credentials credentials) =>
        {
            if (string.IsNullOrWhiteSpace(body.UserName))
            {
                return Problems.Invalid("userName", "'userName' is required.");
            }

            if (string.IsNullOrEmpty(body.Password))
            {
                return Problems.Invalid("password", "'password' is required.");
            }

            var user = await credentials.CheckPasswordAsync(body.UserName.Trim().ToLowerInvariant(), body.Password, http.RequestAborted);
            if (user is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Unknown user or wrong password.");
            }

            await http.SignInAsync(AuthSchemes.Cookie, Credentials.Principal(user, AuthSchemes.Cookie));
            return Results.Ok(Me(user));
        }).AllowAnonymous();

        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(AuthSchemes.Cookie);
            return Results.NoContent();
        });

        auth.MapGet("/me", (ClaimsPrincipal user, UserDirectory directory) =>
            directory.Find(user.Name()) is { } u ? Results.Ok(Me(u)) : Results.Unauthorized());

        app.MapPost("/api/tokens", async (TokenRequest body, ClaimsPrincipal user, UserDirectory directory, UserStore store, CancellationToken ct) =>
        {
            if (!user.IsInRole(Roles.Admin))
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only admins issue API tokens.");
            }

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
        }).WithTags("Auth");
    }

    private static object Me(UserRecord u) => new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Email };
}
