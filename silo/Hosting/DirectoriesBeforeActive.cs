using System.Diagnostics;
using Orleans.Runtime;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Hosting;

/// <summary>
/// Loads the people directory (users, departments, roles, working calendars) while the silo is still joining, before
/// it becomes an active member: until then no grain is placed on it and the node is not ready, so no grain on a
/// joining node judges a command against an empty directory ("Unknown user 'l.braun'", wrong executors or deadlines).
/// Process definitions and routing need nothing loaded here (read from PostgreSQL on use, built from configuration).
/// </summary>
public sealed class DirectoriesBeforeActive(UserDirectory directory, ILogger<DirectoriesBeforeActive> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DirectoriesBeforeActive), ServiceLifecycleStage.ApplicationServices, LoadAsync);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await directory.ReloadAsync(cancellationToken);
        logger.LogInformation("Loaded {Users} users in {Departments} departments in {Ms} ms, before taking grains",
            directory.Users.Count, directory.Departments.Count, watch.ElapsedMilliseconds);
    }
}
