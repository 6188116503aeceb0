using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SalesOrleans.Infrastructure;
using SalesOrleans.Web;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Hosting;

/// <summary>
/// OpenTelemetry metrics: Orleans' meter, ASP.NET Core, the .NET runtime and our own (<see cref="SalesMetrics"/>),
/// scraped by Prometheus at /metrics (admins, or the networks in Metrics:AllowedNetworks) and pushed by OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard OTEL_* variables itself). Logs stay on the
/// console; Logging:Console:FormatterName=json makes them structured JSON, one object a line.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>The meter Orleans 10 records its own instruments on (grains, messaging, membership, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplicationBuilder AddSalesTelemetry(this WebApplicationBuilder builder, NodeOptions node)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("salesorleans", serviceInstanceId: $"{Environment.MachineName}:{node.SiloPort}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansMeter, SalesMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapSalesMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequiresPolicy(WebSetup.MetricsPolicy, "the Prometheus scrape: an admin, or a caller from Metrics:AllowedNetworks");
        return app;
    }
}
