using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>The webhook's defences, from configuration section "Telephony" (beside the key and the DIDs).</summary>
public sealed class TelephonyWebhookOptions
{
    /// <summary>
    /// When set, every event must carry <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;." + body)&gt;</c>;
    /// unsigned or wrongly signed events are refused (401).
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>How far the signed time may be from the node's clock: older signatures are replays.</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The oldest event time (<c>ts</c>) accepted: a PBX catching up after an outage, not a date from another era.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How far ahead of the node's clock an event time may be (clock skew).</summary>
    public TimeSpan MaxEventAhead { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Requests with a wrong key or signature allowed per client address per minute before 429.</summary>
    public int FailuresPerMinute { get; set; } = 20;
}

/// <summary>
/// Checks a webhook request before anything is recorded: the client address has not used up its failures (429 with
/// Retry-After), the X-Api-Key is right (compared in fixed time), the signature when one is configured, and the event's
/// time is plausible. Wrong keys and signatures count against the address, so a key cannot be guessed at speed.
/// </summary>
public sealed class TelephonyWebhookGuard(IOptions<TelephonyWebhookOptions> options, TimeProvider clock) : IDisposable
{
    public const string SignatureHeader = "X-Signature";

    private readonly FailureLimit _failures = new(options.Value.FailuresPerMinute, TimeSpan.FromMinutes(1));

    /// <summary>429 when the address has used up its failures; 401 (counted) when the key is wrong; null when it may go on.</summary>
    public ProblemHttpResult? CheckKey(HttpContext http, string? expected, string headerName)
    {
        var address = Address(http);
        if (_failures.RetryAfter(address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed requests",
                detail: $"Too many requests with a wrong key or signature from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
        }

        var given = http.Request.Headers[headerName].ToString();
        // Fixed-time comparison: the response time does not tell how much of a guessed key was right.
        var ok = !string.IsNullOrEmpty(expected) && given.Length > 0
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), HashOf(expected));
        if (ok)
        {
            return null;
        }

        _failures.Failed(address);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: $"A valid {headerName} header is required.");
    }

    /// <summary>With a signing secret configured: 401 (counted) unless the body carries a fresh, valid signature.</summary>
    public ProblemHttpResult? CheckSignature(HttpContext http, ReadOnlySpan<byte> body)
    {
        var secret = options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var problem = SignatureProblem(http.Request.Headers[SignatureHeader].ToString(), body, secret, clock.GetUtcNow(), options.Value.SignatureWindow);
        if (problem is null)
        {
            return null;
        }

        _failures.Failed(Address(http));
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: problem);
    }

    /// <summary>Why the event time is refused (400 naming <c>ts</c>), or null when it is plausible.</summary>
    public string? EventTimeProblem(double ts)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var o = options.Value;
        return ts < now - o.MaxEventAge.TotalSeconds || ts > now + o.MaxEventAhead.TotalSeconds
            ? $"'ts' is the event's time in Unix seconds, at most {o.MaxEventAge.TotalDays:0.#} days ago and {o.MaxEventAhead.TotalMinutes:0.#} minutes ahead of now ({now:0})."
            : null;
    }

    /// <summary>The value of <see cref="SignatureHeader"/> for a body: what a PBX (or a test) sends.</summary>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, unixSeconds, body))}";

    public static string? SignatureProblem(string header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan window)
    {
        long? t = null;
        byte[]? given = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                t = seconds;
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64)
            {
                try
                {
                    given = Convert.FromHexString(part.AsSpan(3));
                }
                catch (FormatException)
                {
                }
            }
        }

        if (t is null || given is null)
        {
            return $"A {SignatureHeader} header is required: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">.";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - t.Value) > window.TotalSeconds)
        {
            return $"The signed time t={t} is more than {window.TotalSeconds:0} s from now: a replay or a wrong clock.";
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, t.Value, body)) ? null : "The signature does not match the body.";
    }

    public void Dispose() => _failures.Dispose();

    private static byte[] Mac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The configured key's hash, computed once per key (the key can change with the configuration).</summary>
    private byte[] HashOf(string expected)
    {
        var cached = _expectedHash;
        if (cached is null || !ReferenceEquals(cached.Key, expected))
        {
            _expectedHash = cached = new KeyHash(expected, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        }

        return cached.Hash;
    }

    private KeyHash? _expectedHash;

    private sealed record KeyHash(string Key, byte[] Hash);

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
