using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SalesOrleans.Web.Auth;

/// <summary>Configuration section "Login".</summary>
public sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>Failed logins allowed per minute from one client address before 429.</summary>
    public int FailuresPerMinute { get; set; } = 10;

    /// <summary>Failed logins for one user name that cost nothing; each further one doubles the wait of every try for that name.</summary>
    public int FreeFailuresPerAccount { get; set; } = 3;

    /// <summary>The longest wait a login for one user name is made to take.</summary>
    public TimeSpan MaxAccountDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long failures for a user name are remembered after the last one.</summary>
    public TimeSpan AccountWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// A per-key limit on failures (a fixed window from System.Threading.RateLimiting, what ASP.NET Core's rate limiter
/// uses): only failures count, so it is held here rather than as a middleware policy. Per node.
/// </summary>
public sealed class FailureLimit(int permitsPerWindow, TimeSpan window) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
        new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permitsPerWindow), Window = window, QueueLimit = 0 }));

    /// <summary>How long to wait when the key has used up its failures; null when a try is allowed.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        // Zero permits only asks whether any are left.
        using var lease = _failures.AttemptAcquire(key, 0);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
    }

    public void Failed(string key) => _failures.AttemptAcquire(key).Dispose();

    public void Dispose() => _failures.Dispose();
}

/// <summary>
/// Slows password guessing without handing anyone a way to lock a victim out. Per client address: after
/// <see cref="LoginOptions.FailuresPerMinute"/> failures, 429 with Retry-After until the window passes (behind a proxy
/// the address is the client's only when the proxy is listed in Web:TrustedProxies). Per user name: no refusal, but
/// after <see cref="LoginOptions.FreeFailuresPerAccount"/> failures every try for that name waits (0.5 s, doubling, at
/// most <see cref="LoginOptions.MaxAccountDelay"/>); a success clears it. Names that do not exist are counted the same,
/// so the wait tells nothing either. Per node: a cluster of N nodes allows at most N times the figures.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private const int MaxTrackedAccounts = 100_000;
    private readonly FailureLimit _addresses;
    private readonly LoginOptions _options;
    private readonly ConcurrentDictionary<string, AccountFailures> _accounts = new(StringComparer.Ordinal);

    public LoginThrottle(IOptions<LoginOptions> options)
    {
        _options = options.Value;
        _addresses = new FailureLimit(_options.FailuresPerMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>How long the address must wait before trying again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string address) => _addresses.RetryAfter(address);

    /// <summary>How long a try for this user name is held before it is answered (zero for a name with few recent failures).</summary>
    public TimeSpan DelayFor(string userName, DateTimeOffset? now = null)
    {
        if (!_accounts.TryGetValue(userName, out var failures) || (now ?? DateTimeOffset.UtcNow) - failures.Last > _options.AccountWindow)
        {
            return TimeSpan.Zero;
        }

        var over = failures.Count - Math.Max(0, _options.FreeFailuresPerAccount);
        if (over <= 0)
        {
            return TimeSpan.Zero;
        }

        var delay = TimeSpan.FromMilliseconds(500 * Math.Pow(2, Math.Min(over - 1, 20)));
        return delay < _options.MaxAccountDelay ? delay : _options.MaxAccountDelay;
    }

    public void Failed(string address, string userName, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        _addresses.Failed(address);
        if (_accounts.Count >= MaxTrackedAccounts)
        {
            Prune(at);
        }

        _accounts.AddOrUpdate(userName, _ => new AccountFailures(1, at),
            (_, f) => at - f.Last > _options.AccountWindow ? new AccountFailures(1, at) : new AccountFailures(f.Count + 1, at));
    }

    public void Succeeded(string userName) => _accounts.TryRemove(userName, out _);

    public void Dispose() => _addresses.Dispose();

    private void Prune(DateTimeOffset now)
    {
        foreach (var (name, failures) in _accounts)
        {
            if (now - failures.Last > _options.AccountWindow)
            {
                _accounts.TryRemove(name, out _);
            }
        }
    }

    private sealed record AccountFailures(int Count, DateTimeOffset Last);
}
