namespace SalesOrleans.Web;

/// <summary>Configuration section "WebForm": limits of the public lead form (registered by the silo's LeadsSetup).</summary>
public sealed class WebFormOptions
{
    public const string Section = "WebForm";

    /// <summary>The rate-limit policy of the form's endpoint: <see cref="PermitsPerMinute"/> per client address.</summary>
    public const string RateLimitPolicy = "webform";

    /// <summary>Submissions per client address per minute.</summary>
    public int PermitsPerMinute { get; set; } = 10;

    /// <summary>Largest accepted request body.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024;
}
