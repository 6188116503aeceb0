using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Auth;

/// <summary>Authenticates "Authorization: Bearer &lt;token&gt;" against the hashed tokens in PostgreSQL.</summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        var user = token.Length is > 0 and < 200 ? await store.FindByTokenHashAsync(Credentials.HashToken(token), Context.RequestAborted) : null;
        return user is null
            ? AuthenticateResult.Fail("Unknown or revoked API token.")
            : AuthenticateResult.Success(new AuthenticationTicket(Credentials.Principal(user, Scheme.Name), Scheme.Name));
    }
}
