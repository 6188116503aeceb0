using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;

namespace SalesOrleans.Web;

/// <summary>
/// Response headers that shut doors the browser would otherwise leave open: a Content-Security-Policy without inline
/// scripts (every page's script is a .js file of its own), no MIME sniffing, no framing, no referrer to other sites.
/// The Orleans dashboard is a third-party page with inline code: it gets a relaxed policy of its own (admin only).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public const string DashboardPath = "/dashboard";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // Set when the response starts, so an error page written by the exception handler gets them too.
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(DashboardPath) ? DashboardPolicy : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(http);
    });

    /// <summary>
    /// Web:TrustedProxies (IP addresses or CIDR networks): only requests from these may say, in X-Forwarded-For and
    /// X-Forwarded-Proto, who the client is. With none configured the headers are ignored (anyone could forge them),
    /// so behind a proxy list it, or every client shares the proxy's address in the per-address limits.
    /// </summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var entry in TrustedProxies(configuration))
            {
                if (entry.Contains('/'))
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                }
                else
                {
                    o.KnownProxies.Add(System.Net.IPAddress.Parse(entry));
                }
            }
        });

    /// <summary>A list (Web:TrustedProxies:0, :1, …) or one comma-separated value.</summary>
    public static string[] TrustedProxies(IConfiguration configuration)
    {
        var section = configuration.GetSection("Web:TrustedProxies");
        var entries = section.Value is { } single ? single.Split(',') : section.Get<string[]>() ?? [];
        return entries.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToArray();
    }
}
