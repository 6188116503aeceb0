using System.Security.Claims;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

public sealed record PasswordResetRequest(string? NewPassword);

public sealed record UserActiveRequest(bool? Active);

public sealed record TokenRequest(string? Name, string? UserName, string[]? Scopes, string[]? Departments, DateTimeOffset? ExpiresAt);

/// <summary>
/// Accounts: a user changes their own password; an admin resets one, deactivates or reactivates a user, and issues,
/// lists and revokes API tokens. Each change that should end access ends the sessions it concerns at once.
/// </summary>
public static class AccountEndpoints
{
    private const int MaxTokenNameLength = 100;
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(730);

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // The signed-in user's own password: the current one is asked for, so a borrowed session cannot take the account.
        app.MapPost("/api/account/password", async (PasswordChangeRequest body, HttpContext http, ClaimsPrincipal user, Credentials credentials,
            AccountStore accounts, Sessions sessions, LoginThrottle throttle, CancellationToken ct) =>
        {
            if (Sessions.SessionOf(user) is not { } session)
            {
                return Forbidden("A password is changed from a login session, not with an API token.");
            }

            var name = user.Name();
            if (string.IsNullOrEmpty(body.CurrentPassword) || body.CurrentPassword.Length > Credentials.MaxPasswordLength)
            {
                return Problems.Invalid("currentPassword", "'currentPassword' is required.");
            }

            if (Credentials.WeakPassword(name, body.NewPassword) is { } weak)
            {
                return Problems.Invalid("newPassword", weak);
            }

            if (throttle.DelayFor(name) is { Ticks: > 0 } delay)
            {
                await Task.Delay(delay, ct);
            }

            if (await credentials.CheckPasswordAsync(name, body.CurrentPassword, ct) is null)
            {
                throttle.Failed(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", name);
                return Problems.Invalid("currentPassword", "'currentPassword' is not the current password.");
            }

            await accounts.SetPasswordHashAsync(name, Credentials.HashPassword(name, body.NewPassword!), ct);
            // Every other browser signed in as this user is signed out; this one stays.
            var ended = await sessions.EndAllAsync(name, session, ct);
            return Results.Ok(new { userName = name, endedSessions = ended });
        }).SignedIn("changes the caller's own password").WithTags("Account");

        var users = app.MapGroup("/api/users").WithTags("Account").Requires(Capability.UserAdmin);

        users.MapGet("/", (UserDirectory directory) =>
            directory.Users.Select(u => new { u.UserName, u.DisplayName, u.Roles, u.Department, u.Active }));

        // An admin sets a new password for someone who lost theirs; all their sessions end.
        users.MapPost("/{user}/password", async (string user, PasswordResetRequest body, AccountStore accounts, Sessions sessions, CancellationToken ct) =>
        {
            if (Credentials.WeakPassword(user, body.NewPassword) is { } weak)
            {
                return Problems.Invalid("newPassword", weak);
            }

            if (!await accounts.SetPasswordHashAsync(user, Credentials.HashPassword(user, body.NewPassword!), ct))
            {
                return Problems.NotFound($"No user '{user}'.");
            }

            var ended = await sessions.EndAllAsync(user, null, ct);
            return Results.Ok(new { userName = user, endedSessions = ended });
        });

        // Deactivation ends the user's sessions and stops their API tokens (tokens of inactive users sign nobody in).
        users.MapPut("/{user}/active", async (string user, UserActiveRequest body, ClaimsPrincipal admin, AccountStore accounts, Sessions sessions,
            UserDirectory directory, CancellationToken ct) =>
        {
            if (body.Active is not { } active)
            {
                return Problems.Invalid("active", "'active' is required (true or false).");
            }

            if (!active && user == admin.Name())
            {
                return Problems.Invalid("active", "An admin does not deactivate themselves.");
            }

            if (!await accounts.SetActiveAsync(user, active, ct))
            {
                return Problems.NotFound($"No user '{user}'.");
            }

            var ended = active ? 0 : await sessions.EndAllAsync(user, null, ct);
            await directory.ReloadAsync(ct);
            return Results.Ok(new { userName = user, active, endedSessions = ended });
        });

        var tokens = app.MapGroup("/api/tokens").WithTags("Auth").Requires(Capability.TokenAdmin);

        tokens.MapGet("/", async (AccountStore accounts, CancellationToken ct) =>
            (await accounts.ListTokensAsync(ct)).Select(View));

        tokens.MapPost("/", async (TokenRequest body, ClaimsPrincipal admin, UserDirectory directory, AccountStore accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > MaxTokenNameLength || !TextHygiene.IsClean(body.Name, multiline: false))
            {
                return Problems.Invalid("name", $"'name' is required (what the token is for, at most {MaxTokenNameLength} characters of text).");
            }

            var ownerName = body.UserName ?? admin.Name();
            if (directory.Find(ownerName) is not { Active: true } owner)
            {
                return Problems.Invalid("userName", $"Unknown or inactive user '{ownerName}'.");
            }

            // A token narrows its user, never widens them.
            if (body.Scopes is { } scopes && (scopes.Length == 0 || scopes.Any(s => !owner.Roles.Contains(s))))
            {
                return Problems.Invalid("scopes", $"'scopes' are roles the token may use: one or more of the user's own ({string.Join(", ", owner.Roles)}).");
            }

            if (body.Departments is { } departments && (departments.Length == 0
                || departments.Any(d => directory.Departments.All(x => x.Id != d))
                || (!owner.Roles.Contains(Roles.Admin) && departments.Any(d => d != owner.Department))))
            {
                return Problems.Invalid("departments", owner.Roles.Contains(Roles.Admin)
                    ? "'departments' are existing department ids."
                    : $"'departments' can only narrow the user to their own department ({owner.Department ?? "none"}).");
            }

            var now = DateTimeOffset.UtcNow;
            var expiresAt = body.ExpiresAt ?? now + DefaultTokenLifetime;
            if (expiresAt <= now || expiresAt > now + MaxTokenLifetime)
            {
                return Problems.Invalid("expiresAt", $"'expiresAt' is a time in the future, at most {MaxTokenLifetime.TotalDays} days ahead (default {DefaultTokenLifetime.TotalDays}).");
            }

            var token = Credentials.NewToken();
            var record = await accounts.CreateTokenAsync(Credentials.HashToken(token), body.Name.Trim(), owner.UserName, body.Scopes?.Distinct().ToArray(),
                body.Departments?.Distinct().ToArray(), expiresAt, admin.Name(), ct);
            // The token itself is shown this once; only its hash is kept.
            return Results.Created($"/api/tokens/{record.Id}", new
            {
                record.Id, token, record.Name, record.UserName, record.Scopes, record.Departments, record.ExpiresAt,
            });
        });

        tokens.MapDelete("/{id:guid}", async (Guid id, AccountStore accounts, CancellationToken ct) =>
            await accounts.RevokeTokenAsync(id, ct) ? Results.NoContent() : Problems.NotFound($"No live token {id}."));
    }

    private static object View(ApiTokenRecord t) => new
    {
        t.Id, t.Name, t.UserName, t.Scopes, t.Departments, t.CreatedAt, t.CreatedBy, t.ExpiresAt, t.RevokedAt,
        Status = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= DateTimeOffset.UtcNow ? "expired" : "active",
    };

    private static IResult Forbidden(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}
