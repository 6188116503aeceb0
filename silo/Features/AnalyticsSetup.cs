using Microsoft.AspNetCore.Routing;
using SalesOrleans.Analytics;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Silo.Features;

public sealed class AnalyticsOptions
{
    /// <summary>How often open deals are rescored with the win-probability model; 0 turns the refresh off.</summary>
    public double RefreshMinutes { get; set; } = 10;
}

/// <summary>
/// Analytics: the funnel, lost reasons, bottlenecks, managers, forecast, BCG matrix and the win-probability model with its
/// periodic refresh. The tables are kept by the projectors (<c>AnalyticsProjection</c>); receivables are
/// <see cref="StockAndOrdersSetup"/>'s, loyalty and satisfaction <see cref="CustomersSetup"/>'s.
/// </summary>
public static class AnalyticsSetup
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AnalyticsQueries>();
        services.AddSingleton<AnalyticsService>();
        services.AddSingleton<SalesOrleans.Analytics.IAnalyticsService>(sp => sp.GetRequiredService<AnalyticsService>());
        // Bound from the node's configuration when first read (section "Analytics").
        services.AddOptions<AnalyticsOptions>().BindConfiguration("Analytics");
        services.AddHostedService<ProbabilityRefresher>();
        return services;
    }

    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapAnalyticsEndpoints();
        return app;
    }
}

/// <summary>
/// Rescores open deals from the latest closed-deal history. Counts and durations are incremental (projector);
/// only the model is relearned, because every closed deal shifts every open deal's estimate.
/// </summary>
public sealed class ProbabilityRefresher(AnalyticsService analytics, Microsoft.Extensions.Options.IOptions<AnalyticsOptions> options,
    ILogger<ProbabilityRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RefreshMinutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.RefreshMinutes));
        do
        {
            try
            {
                // With several nodes, whichever takes the lock refreshes; the others skip this period.
                await using var lease = await analytics.Queries.TryLockRefreshAsync(stoppingToken);
                if (lease is null)
                {
                    continue;
                }

                var r = await analytics.RefreshProbabilitiesAsync(stoppingToken);
                logger.LogInformation("Win probability: {Open} open deals scored from {Visits} closed visits; Brier {Model:0.000} vs stage {Baseline:0.000}",
                    r.OpenDeals, r.TrainingVisits, r.Brier.Model, r.Brier.StageBaseline);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Refreshing win probabilities failed; trying again at the next period");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
