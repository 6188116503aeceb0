using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Domain;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Role-based tasks are shared by open-task counts the directory keeps: the read model's counts plus this node's picks
/// the projector has not written yet. A hog run caught a person counted twice (a pick still pending while the counts
/// already held its task, because the two were read at different moments), so the next two tasks went to the other
/// person. The counts and the picks they hold are now read from one snapshot.
/// </summary>
[Trait("Category", "Integration")]
public class RolePickRaceTests
{
    [Fact]
    public async Task A_role_pick_is_counted_once_while_the_projector_and_overlapping_reloads_race_it()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync());
        var directory = node.Services.GetRequiredService<UserDirectory>();
        await using var db = NpgsqlDataSource.Create(node.ConnectionString);
        await directory.ReloadAsync();
        var keepers = directory.Users.Where(u => u.Active && u.Roles.Contains(Roles.Warehouse) && u.Department == "industrial").Select(u => u.UserName).ToList();
        Assert.NotEmpty(keepers);
        int Counted() => keepers.Sum(directory.OpenTasks);
        var before = Counted();

        const int picks = 80;
        for (var n = 1; n <= picks; n++)
        {
            var deal = Guid.NewGuid();
            var keeper = directory.PickByRole(Roles.Warehouse, "industrial", deal)!;
            // The projector writes the task while two reloads (a NOTIFY's and the 30 s poll's) overlap it, in any order;
            // the short random delay only moves the write around inside the reloads.
            await Task.WhenAll(directory.ReloadAsync(), Project(db, deal, keeper, n, Random.Shared.Next(0, 4)), directory.ReloadAsync());
            // Counted once: by the read model or as pending, never both and never neither.
            Assert.Equal(before + n, Counted());
        }

        await directory.ReloadAsync();
        Assert.Equal(before + picks, Counted());
    }

    private static async Task Project(NpgsqlDataSource db, Guid deal, string executor, int n, int delayMs)
    {
        await Task.Delay(delayMs);
        await using var cmd = db.CreateCommand("""
            INSERT INTO deal_task (deal_id, task_id, seq, stage, title, executor, status, created_at, deadline)
            VALUES ($1, '1', 1, 'check', $2, $3, 'Open', now(), now() + interval '8 hours')
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deal });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"Наличие на складе: станок ТВ-{n}" });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = executor });
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>The order of database snapshots the directory installs counts by.</summary>
[Trait("Category", "Unit")]
public class TaskLoadOrderTests
{
    [Theory]
    [InlineData(101, 3, 100, 0, true)] // a transaction started since: later, however many still run
    [InlineData(100, 1, 100, 2, true)] // the same start, one of the running ones has committed since: later
    [InlineData(100, 2, 100, 2, true)] // the same snapshot: installing it again changes nothing
    [InlineData(100, 2, 100, 1, false)] // more still running at the same start: taken before
    [InlineData(99, 0, 100, 5, false)]
    public void A_snapshot_is_newer_when_it_saw_at_least_what_the_other_saw(long xmax, int running, long otherXmax, int otherRunning, bool newer) =>
        Assert.Equal(newer, new TaskLoad([], [], xmax, running).IsNewerThan(new TaskLoad([], [], otherXmax, otherRunning)));
}
