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
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<RoutingKeywordStore>();
        services.AddSingleton<UserAdminStore>();
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
        services.AddSingleton<SalesOrleans.Deals.IDealDocuments>(sp => sp.GetRequiredService<SalesOrleans.Deals.DealDocuments>());
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<DealProjector>();
        services.AddSingleton<SalesOrleans.Live.LiveFanOut>();
        services.AddSingleton<IDealEventSink, DealPublisher>();
        services.AddHostedService<DirectoryRefresher>();
        return services;
    }
}

/// <summary>
/// Keeps this node's people snapshot fresh: reloads at once when any node announces a change (PostgreSQL NOTIFY on
/// <see cref="CalendarStore.DirectoryChannel"/>, sent by the administration endpoints), and every 30 s in case a
/// notice was missed (a dropped connection) or someone changed the tables with SQL.
/// </summary>
public sealed class DirectoryRefresher(UserDirectory directory, NpgsqlDataSource db, ILogger<DirectoryRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), PollAsync(stoppingToken));

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ReloadAsync(stoppingToken);
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                var changed = 0;
                connection.Notification += (_, _) => Interlocked.Exchange(ref changed, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {CalendarStore.DirectoryChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    // Several notices in a row (a bulk import) cost one reload.
                    if (Interlocked.Exchange(ref changed, 0) == 1)
                    {
                        await ReloadAsync(stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Listening for directory changes failed; retrying in 5 s (the 30 s reload still runs)");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReloadAsync(CancellationToken stoppingToken)
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
