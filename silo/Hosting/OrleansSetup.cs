using System.Net;
using Npgsql;
using Orleans.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Silo.Hosting;

public sealed class NodeOptions
{
    public string ClusterId { get; set; } = "salesorleans";

    public string ServiceId { get; set; } = "salesorleans";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other nodes reach this one at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Running as a Kubernetes pod (deploy/k8s): the silo takes its address from POD_IP, its name from POD_NAME and the
    /// cluster and service ids from ORLEANS_CLUSTER_ID / ORLEANS_SERVICE_ID (Microsoft.Orleans.Hosting.Kubernetes),
    /// and removes the membership rows of pods that are gone. Membership itself stays in PostgreSQL.
    /// </summary>
    public bool Kubernetes { get; set; }
}

public static class OrleansSetup
{
    private const string Invariant = "Npgsql";

    /// <summary>How often the Orleans dashboard samples the silo's counters.</summary>
    public const int DashboardCounterIntervalMs = 10_000;

    /// <summary>Clustering, grain storage and reminders, all in the one PostgreSQL, plus the dashboard.</summary>
    public static ISiloBuilder AddSalesSilo(this ISiloBuilder silo, NpgsqlDataSource dataSource, NodeOptions node)
    {
        if (node.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }
        else
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = node.ClusterId;
                o.ServiceId = node.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(node.AdvertisedAddress), node.SiloPort, node.GatewayPort, listenOnAnyHostAddress: false);
        }

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        });
        silo.AddAdoNetGrainStorage(StorageNames.Store, o =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        // Grains whose writes are on a caller's path (the lead path, deals, orders, stock items, claims): their writes share
        // commits. What earlier versions stored for them in Orleans' table is read from there until rewritten.
        // States with a registered IStateProjection (stock items) carry their read-model rows into the same commit.
        silo.Services.AddKeyedSingleton(StorageNames.GroupCommit, (services, name) => new GroupCommitGrainStorage((string)name!,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, dataSource, services.GetRequiredService<ILogger<GroupCommitGrainStorage>>(),
            legacy: services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store), projections: services.GetServices<IStateProjection>()));
        silo.Services.AddGrainStorage(StorageNames.GroupCommit, (services, name) => services.GetRequiredKeyedService<GroupCommitGrainStorage>(name));
        // Sweepers and grains ask for the capabilities by the storage's name, not for the class.
        silo.Services.AddKeyedSingleton<IGrainStateMarks>(StorageNames.GroupCommit, (services, name) => services.GetRequiredKeyedService<GroupCommitGrainStorage>(name));
        silo.Services.AddKeyedSingleton<IProjectingGrainStorage>(StorageNames.GroupCommit, (services, name) => services.GetRequiredKeyedService<GroupCommitGrainStorage>(name));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        });
        // The people directory is loaded before the silo takes grains (a joining node never judges against an empty one).
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DirectoriesBeforeActive>();
        // A database outage leaves every grain call as an exception any node can read (503 on whichever node asked).
        silo.AddIncomingGrainCallFilter<StorageUnavailableFilter>();
        // The dashboard samples every Orleans instrument on its own reader; one of them (the grain directory cache size)
        // walks the whole cache, which holds an entry per call and follow-up grain: once a second that was about an
        // eighth of a node's CPU under one PBX sender (issue 15). Every 10 s is still live enough for the dashboard.
        silo.AddDashboard(o => o.CounterUpdateIntervalMs = DashboardCounterIntervalMs);
        return silo;
    }
}
