using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

public sealed record PasswordResetRequest(string? NewPassword);

public sealed record UserActiveRequest(bool? Active);

/// <summary>A password set: whose, and how many of their other sessions ended.</summary>
public sealed record PasswordChanged(string UserName, int EndedSessions);

/// <summary>A user switched on or off, and how many of their sessions ended.</summary>
public sealed record UserActiveView(string UserName, bool Active, int EndedSessions);

/// <summary>A user in the admin's account list.</summary>
public sealed record UserEntry(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? Department, bool Active);

/// <summary>A new API token with its secret, shown this once.</summary>
public sealed record IssuedToken(Guid Id, string Token, string Name, string UserName, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Departments,
    DateTimeOffset? ExpiresAt);

/// <summary>An API token as listed (never its secret), with its status: active, expired or revoked.</summary>
public sealed record TokenView(Guid Id, string Name, string UserName, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Departments,
    DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string Status);

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
        app.MapPost("/api/account/password", ChangePassword).SignedIn("changes the caller's own password").WithTags("Account");

        var users = app.MapGroup("/api/users").WithTags("Account").Requires(Capability.UserAdmin);
        users.MapGet("/", ListUsers);
        // An admin sets a new password for someone who lost theirs; all their sessions end.
        users.MapPost("/{user}/password", ResetPassword);
        // Deactivation ends the user's sessions and stops their API tokens (tokens of inactive users sign nobody in).
        users.MapPut("/{user}/active", SetActive);

        var tokens = app.MapGroup("/api/tokens").WithTags("Auth").Requires(Capability.TokenAdmin);
        tokens.MapGet("/", ListTokens);
        tokens.MapPost("/", IssueToken);
        tokens.MapDelete("/{id:guid}", RevokeToken);
    }

    /// <summary>What the password change is given besides its body.</summary>
    public readonly record struct PasswordServices(HttpContext Http, ClaimsPrincipal User, Credentials Credentials, AccountStore Accounts, Sessions Sessions,
        LoginThrottle Throttle, CancellationToken Ct);

    /// <summary>What the admin's account handlers are given besides route and body.</summary>
    public readonly record struct AccountServices(ClaimsPrincipal User, AccountStore Accounts, Sessions Sessions, UserDirectory Directory, CancellationToken Ct);

    private static async Task<Results<Ok<PasswordChanged>, ProblemHttpResult>> ChangePassword(PasswordChangeRequest body, [AsParameters] PasswordServices s)
    {
        if (Sessions.SessionOf(s.User) is not { } session)
        {
            return Forbidden("A password is changed from a login session, not with an API token.");
        }

        var name = s.User.Name();
        if (string.IsNullOrEmpty(body.CurrentPassword) || body.CurrentPassword.Length > Credentials.MaxPasswordLength)
        {
            return Problems.Invalid("currentPassword", "'currentPassword' is required.");
        }

        if (Credentials.WeakPassword(name, body.NewPassword) is { } weak)
        {
            return Problems.Invalid("newPassword", weak);
        }

        if (s.Throttle.DelayFor(name) is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, s.Ct);
        }

        if (await s.Credentials.CheckPasswordAsync(name, body.CurrentPassword, s.Ct) is null)
        {
            s.Throttle.Failed(s.Http.Connection.RemoteIpAddress?.ToString() ?? "unknown", name);
            return Problems.Invalid("currentPassword", "'currentPassword' is not the current password.");
        }

        await s.Accounts.SetPasswordHashAsync(name, Credentials.HashPassword(name, body.NewPassword!), s.Ct);
        // Every other browser signed in as this user is signed out; this one stays.
        var ended = await s.Sessions.EndAllAsync(name, session, s.Ct);
        return TypedResults.Ok(new PasswordChanged(name, ended));
    }

    private static Ok<IEnumerable<UserEntry>> ListUsers(UserDirectory directory) =>
        TypedResults.Ok(directory.Users.Select(u => new UserEntry(u.UserName, u.DisplayName, u.Roles, u.Department, u.Active)));

    private static async Task<Results<Ok<PasswordChanged>, ProblemHttpResult>> ResetPassword(string user, PasswordResetRequest body, AccountStore accounts,
        Sessions sessions, CancellationToken ct)
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
        return TypedResults.Ok(new PasswordChanged(user, ended));
    }

    private static async Task<Results<Ok<UserActiveView>, ProblemHttpResult>> SetActive(string user, UserActiveRequest body, [AsParameters] AccountServices s)
    {
        if (body.Active is not { } active)
        {
            return Problems.Invalid("active", "'active' is required (true or false).");
        }

        if (!active && user == s.User.Name())
        {
            return Problems.Invalid("active", "An admin does not deactivate themselves.");
        }

        if (!await s.Accounts.SetActiveAsync(user, active, s.Ct))
        {
            return Problems.NotFound($"No user '{user}'.");
        }

        var ended = active ? 0 : await s.Sessions.EndAllAsync(user, null, s.Ct);
        await s.Directory.ReloadAsync(s.Ct);
        return TypedResults.Ok(new UserActiveView(user, active, ended));
    }

    private static async Task<Ok<IEnumerable<TokenView>>> ListTokens(AccountStore accounts, CancellationToken ct) =>
        TypedResults.Ok((await accounts.ListTokensAsync(ct)).Select(View));

    private static async Task<Results<Created<IssuedToken>, ProblemHttpResult>> IssueToken(TokenRequest body, [AsParameters] AccountServices s)
    {
        var (admin, directory) = (s.User, s.Directory);
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
        if (body.Scopes is { } scopes && (scopes.Length == 0 || scopes.Any(sc => !owner.Roles.Contains(sc))))
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
        var record = await s.Accounts.CreateTokenAsync(Credentials.HashToken(token), body.Name.Trim(), owner.UserName, body.Scopes?.Distinct().ToArray(),
            body.Departments?.Distinct().ToArray(), expiresAt, admin.Name(), s.Ct);
        // The token itself is shown this once; only its hash is kept.
        return TypedResults.Created($"/api/tokens/{record.Id}",
            new IssuedToken(record.Id, token, record.Name, record.UserName, record.Scopes, record.Departments, record.ExpiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(Guid id, AccountStore accounts, CancellationToken ct) =>
        await accounts.RevokeTokenAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"No live token {id}.");

    private static TokenView View(ApiTokenRecord t) => new(
        t.Id, t.Name, t.UserName, t.Scopes, t.Departments, t.CreatedAt, t.CreatedBy, t.ExpiresAt, t.RevokedAt,
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= DateTimeOffset.UtcNow ? "expired" : "active");

    private static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}
