using Npgsql;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Managers;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Hosting;

public static class PostgresSetup
{
    /// <summary>The read model, people, process catalog and document store over one NpgsqlDataSource.</summary>
    public static IServiceCollection AddSalesPostgres(this IServiceCollection services, NpgsqlDataSource dataSource)
    {
        // A factory registration, so the container disposes the data source with the node.
        services.AddSingleton(_ => dataSource);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<IDealDirectory>(sp => sp.GetRequiredService<UserDirectory>());
        services.AddSingleton<DealQueries>();
        services.AddSingleton<ClusterQueries>();
        services.AddSingleton<IWorkloadSource>(sp => sp.GetRequiredService<DealQueries>());
        services.AddSingleton<IProcessCatalog, ProcessCatalog>();
        services.AddSingleton<SalesOrleans.Orders.IApprovalRoutes, SalesOrleans.Orders.ApprovalRoutes>();
        services.AddSingleton<ReceivablesQueries>();
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<SalesOrleans.Deals.DealDocuments>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<DealProjector>();
        services.AddSingleton<SalesOrleans.Live.LiveFanOut>();
        services.AddSingleton<IDealEventSink, DealPublisher>();
        services.AddHostedService<DirectoryRefresher>();
        return services;
    }
}

/// <summary>Keeps this node's people snapshot fresh when another node (or an admin with SQL) changed it.</summary>
public sealed class DirectoryRefresher(UserDirectory directory, ILogger<DirectoryRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await directory.ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Reloading the user directory failed; keeping the last snapshot");
            }
        }
    }
}
