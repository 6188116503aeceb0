using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SalesOrleans.Web.Auth;

/// <summary>Configuration section "Login".</summary>
public sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>Failed logins allowed per minute, counted per client address and per user name.</summary>
    public int FailuresPerMinute { get; set; } = 10;
}

/// <summary>
/// Slows password guessing: after <see cref="LoginOptions.FailuresPerMinute"/> failures from one address or against
/// one user name, logins from there or for that name get 429 with Retry-After until the window passes. Built on the
/// rate limiters of System.Threading.RateLimiting (what ASP.NET Core's rate-limiting middleware uses), held here
/// rather than as a middleware policy because only failures count and the user name is in the body. Per node: a
/// cluster of N nodes allows at most N times the figure.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public LoginThrottle(IOptions<LoginOptions> options)
    {
        var permits = Math.Max(1, options.Value.FailuresPerMinute);
        _failures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>How long to wait when the address or the user name has used up its failures; null when a try is allowed.</summary>
    public TimeSpan? RetryAfter(string address, string userName)
    {
        foreach (var key in Keys(address, userName))
        {
            // Zero permits only asks whether any are left.
            using var lease = _failures.AttemptAcquire(key, 0);
            if (!lease.IsAcquired)
            {
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            }
        }

        return null;
    }

    public void Failed(string address, string userName)
    {
        foreach (var key in Keys(address, userName))
        {
            _failures.AttemptAcquire(key).Dispose();
        }
    }

    public void Dispose() => _failures.Dispose();

    private static string[] Keys(string address, string userName) => [$"address:{address}", $"user:{userName}"];
}
