using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Web;

/// <summary>Configuration section "WebForm": limits of the public lead form.</summary>
public sealed class WebFormOptions
{
    public const string Section = "WebForm";

    /// <summary>Submissions per client address per minute.</summary>
    public int PermitsPerMinute { get; set; } = 10;

    /// <summary>Largest accepted request body.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024;
}

/// <summary>The web side of leads: the public form's rate limit and the lead, contact, queue and telephony endpoints.</summary>
public static class LeadWebSetup
{
    public const string WebFormPolicy = "webform";

    public static IServiceCollection AddSalesLeadsWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebFormOptions>(configuration.GetSection(WebFormOptions.Section));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client address: one noisy sender cannot starve the others.
            o.AddPolicy(WebFormPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, http.RequestServices.GetRequiredService<IOptions<WebFormOptions>>().Value.PermitsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    public static WebApplication UseSalesLeads(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapLeadEndpoints();
        app.MapTelephonyEndpoints();
        app.MapMailEndpoints();
        app.MapWorkflowEndpoints();
        return app;
    }
}
