using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Infrastructure;
using SalesOrleans.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// One in-process silo with in-memory storage and reminders: for the grains' own logic (timers, reminders,
/// publishing). Persistence on PostgreSQL is covered by the integration tests.
/// </summary>
public sealed class GrainClusterFixture : SiloFixture
{
    // Tiny deadlines so overdue handling is observable in seconds: 2 s to the deadline, 2 s of grace.
    public const double DeadlineHours = 2.0 / 3600;

    public static readonly RecordingSink Sink = new();

    protected override void Configure(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Store, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
        silo.AddMemoryGrainStorage(StorageNames.GroupCommit, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
        silo.UseInMemoryReminderService();
        silo.Services.AddSingleton<IProcessCatalog>(new InMemoryProcessCatalog(
            TestProcesses.Manual(DeadlineHours, DeadlineHours),
            TestProcesses.Automatic(DeadlineHours, DeadlineHours)));
        silo.Services.AddSingleton<IDealDirectory, TestDirectory>();
        silo.Services.AddSingleton<IDealEventSink>(Sink);
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
