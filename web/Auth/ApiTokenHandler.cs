using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer &lt;token&gt;" against the hashed tokens in PostgreSQL: unknown, revoked and
/// expired tokens and tokens of deactivated users sign nobody in. A token acts as its user narrowed to its scopes
/// (roles) and departments, never wider.
/// </summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccountStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string TokenIdClaim = "token_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        // Only the token's hash reaches the database, so any character in the header is harmless there.
        var found = token.Length is > 0 and < 200 ? await store.FindTokenAsync(Credentials.HashToken(token), Context.RequestAborted) : null;
        if (found is not { } f)
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired API token.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(Principal(f.User, f.Token, Scheme.Name), Scheme.Name));
    }

    public static ClaimsPrincipal Principal(UserRecord user, ApiTokenRecord token, string scheme)
    {
        var roles = token.Scopes is { } scopes ? user.Roles.Intersect(scopes, StringComparer.Ordinal).ToList() : user.Roles;
        var principal = Credentials.Principal(user with { Roles = roles, Department = token.Departments is { Count: > 0 } d ? d[0] : user.Department }, scheme);
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var extra in token.Departments?.Skip(1) ?? [])
        {
            identity.AddClaim(new Claim(AuthSchemes.DepartmentClaim, extra));
        }

        identity.AddClaim(new Claim(TokenIdClaim, token.Id.ToString()));
        return principal;
    }
}
