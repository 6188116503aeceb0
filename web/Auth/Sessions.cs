using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Auth;

/// <summary>Configuration section "Sessions".</summary>
public sealed class LoginSessionOptions
{
    public const string Section = "Sessions";

    /// <summary>How long a login lasts without use (the cookie slides; so does the server's record).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a node trusts its last look at a session: a revocation elsewhere takes effect within this.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Login sessions the server can end. A login cookie carries a session id; the session is a row in PostgreSQL, checked
/// (cached for <see cref="LoginSessionOptions.CheckInterval"/>) on every request, so logout, deactivation and a password change
/// end the session on every node within seconds, not when the cookie would have expired.
/// </summary>
public sealed class Sessions(AccountStore store, IOptions<LoginSessionOptions> options, ILogger<Sessions> logger) : IDisposable
{
    // Its own cache: ending sessions clears it whole without touching anyone else's entries.
    private readonly MemoryCache cache = new(new MemoryCacheOptions());

    public const string SessionClaim = "sid";

    /// <summary>Opens a session for the user and signs the browser in with a cookie naming it.</summary>
    public async Task SignInAsync(HttpContext http, UserRecord user)
    {
        var id = Guid.NewGuid();
        await store.CreateSessionAsync(id, user.UserName, DateTimeOffset.UtcNow + options.Value.IdleTimeout, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        var principal = Credentials.Principal(user, AuthSchemes.Cookie);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionClaim, id.ToString()));
        await http.SignInAsync(AuthSchemes.Cookie, principal);
    }

    /// <summary>Ends this browser's session (logout).</summary>
    public async Task SignOutAsync(HttpContext http)
    {
        if (SessionOf(http.User) is { } id)
        {
            await store.RevokeSessionAsync(id, http.RequestAborted);
            Forget(id);
        }

        await http.SignOutAsync(AuthSchemes.Cookie);
    }

    /// <summary>Ends every session of the user but the current one (password change, reset, deactivation).</summary>
    public async Task<int> EndAllAsync(string userName, Guid? except, CancellationToken ct)
    {
        var ended = await store.RevokeSessionsOfAsync(userName, except, ct);
        // Sessions this node has cached expire within the check interval; on this node at once.
        cache.Clear();

        return ended;
    }

    public static Guid? SessionOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SessionClaim), out var id) ? id : null;

    /// <summary>The cookie handler's check: a cookie without a session, or whose session has ended, signs nobody in.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        if (user?.Identity?.Name is not { } name || SessionOf(user) is not { } id || !await IsOpenAsync(id, name, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
        }
    }

    /// <summary>The cookie is being renewed (sliding): the server's record slides with it.</summary>
    public async Task SlideAsync(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew && context.Principal is { } user && SessionOf(user) is { } id)
        {
            try
            {
                await store.ExtendSessionAsync(id, DateTimeOffset.UtcNow + options.Value.IdleTimeout, context.HttpContext.RequestAborted);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException)
            {
                // The cookie still renews; the session then ends at its previous time, which only asks for a new login.
                logger.LogWarning(ex, "Could not extend session {Session}", id);
            }
        }
    }

    private async Task<bool> IsOpenAsync(Guid id, string userName, CancellationToken ct)
    {
        var key = (nameof(Sessions), id);
        if (cache.TryGetValue(key, out bool open))
        {
            return open;
        }

        open = await store.IsSessionOpenAsync(id, userName, ct);
        cache.Set(key, open, options.Value.CheckInterval);
        return open;
    }

    private void Forget(Guid id) => cache.Remove((nameof(Sessions), id));

    public void Dispose() => cache.Dispose();
}
