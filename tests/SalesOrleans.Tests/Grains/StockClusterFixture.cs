using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Infrastructure;
using SalesOrleans.Orders;
using SalesOrleans.Processes;
using SalesOrleans.Stock;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// One in-process silo for the stock item and order grains, over <see cref="SlowCountingStorage"/> (so batching is visible and
/// off-turn serialization is exercised). Persistence on PostgreSQL is covered by the integration tests.
/// </summary>
public sealed class StockClusterFixture : SiloFixture
{
    public static readonly RecordingStockSink Sink = new();

    public static readonly SlowCountingStorage Storage = new();

    public static readonly RecordingOrderSink Orders = new();

    protected override void Configure(ISiloBuilder silo)
    {
        silo.Services.AddGrainStorage(StorageNames.Store, (_, _) => Storage);
        // Stock items and orders store in the group-commit storage (their work-due mark); here both are the counting one.
        silo.Services.AddGrainStorage(StorageNames.GroupCommit, (_, _) => Storage);
        silo.Services.AddSingleton<IStockCatalog, TestStockCatalog>();
        silo.Services.AddSingleton<IStockEventSink>(Sink);
        silo.Services.AddSingleton<IOrderEventSink>(Orders);
        silo.Services.AddSingleton<IOrderDocuments>(new RecordingOrderDocuments());
        silo.Services.AddSingleton<IDealDirectory, TestDirectory>();
        // Deals too, so an order that names a deal meets a real deal grain (the link rule is the deal's).
        silo.Services.AddSingleton<IProcessCatalog>(new InMemoryProcessCatalog(TestProcesses.Manual()));
        silo.Services.AddSingleton<IDealEventSink>(new RecordingSink());
        silo.UseInMemoryReminderService();
    }
}

[CollectionDefinition(Name)]
public sealed class StockClusterCollection : ICollectionFixture<StockClusterFixture>
{
    public const string Name = "stock cluster";
}
