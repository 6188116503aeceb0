using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SalesOrleans.Managers;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// One in-process silo for grain tests, on the <see cref="TestClock"/> and with no workload shares to rebuild managers
/// from; each fixture adds its grains' storage and services in <see cref="Configure"/>.
/// </summary>
public abstract class SiloFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The silo's clock: real time, moved ahead by a test that needs a lease or deadline to run out.</summary>
    public TestClock Clock { get; } = new();

    /// <summary>The storage, sinks and services this fixture's grains need.</summary>
    protected abstract void Configure(ISiloBuilder silo);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddSingleton<IWorkloadSource, NoShares>();
            Configure(silo);
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
