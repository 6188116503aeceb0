using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Infrastructure;
using SalesOrleans.Managers;
using SalesOrleans.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// One in-process silo with in-memory storage and reminders: for the grains' own logic (timers, reminders,
/// publishing). Persistence on PostgreSQL is covered by the integration tests.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    // Tiny deadlines so overdue handling is observable in seconds: 2 s to the deadline, 2 s of grace.
    public const double DeadlineHours = 2.0 / 3600;

    public static readonly RecordingSink Sink = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The silo's clock: real time, moved ahead by a test that needs a lease or deadline to run out.</summary>
    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var clock = Clock;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Store, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
            silo.AddMemoryGrainStorage(StorageNames.GroupCommit, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IProcessCatalog>(new InMemoryProcessCatalog(
                TestProcesses.Manual(DeadlineHours, DeadlineHours),
                TestProcesses.Automatic(DeadlineHours, DeadlineHours)));
            silo.Services.AddSingleton<IDealDirectory, TestDirectory>();
            silo.Services.AddSingleton<IDealEventSink>(Sink);
            silo.Services.AddSingleton<IWorkloadSource, NoShares>();
            silo.Services.AddSingleton<TimeProvider>(clock);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class NoShares : IWorkloadSource
    {
        public Task<IReadOnlyList<WorkloadShareReport>> LoadSharesAsync(string user, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<WorkloadShareReport>>([]);
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
