using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 12: a sleeping deal's next deadline is stored with its state (grain_state.wake_at), not as an Orleans
/// reminder, and the node's sweep wakes it when it comes: the overdue task is flagged though no activation held a timer.
/// </summary>
[Trait("Category", "Integration")]
public class DueWakeSweeperTests
{
    private static readonly ActorInfo Actor = new("system", ["system"]);

    [Fact]
    public async Task A_deactivated_deal_is_woken_by_the_sweep_at_its_stored_wake_and_flags_the_overdue_task()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var node = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Deals:ReplyBeforeProjection"] = "true",
            ["Deals:WakeSweepInterval"] = "00:00:01",
        }));
        var process = await node.Services.GetRequiredService<IProcessCatalog>().PublishAsync(new ProcessDefinition
        {
            Kind = $"frist-{Guid.NewGuid():N}",
            Name = "Frist — срок",
            InitialStage = "a",
            LostReasons = ["test"],
            Stages =
            [
                new StageDefinition
                {
                    Id = "a", Name = "Angebot", Probability = 0.5,
                    Tasks = [new TaskTemplate { Id = "call", Title = "Kunden anrufen", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 4.0 / 3600 }],
                    Transitions = [new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }],
                },
                new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
                new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
            ],
        }, "test");
        var db = node.Services.GetRequiredService<NpgsqlDataSource>();
        // The owner works around the clock here: a 4-second working-time deadline must not wait for Monday 09:00 when
        // the suite runs in the evening or at a weekend.
        await using (var around = db.CreateCommand("""
            UPDATE app_user SET work_start = '00:00', work_end = '00:00', work_days = '{1,2,3,4,5,6,7}', calendar_id = NULL WHERE user_name = 'i.petrov';
            UPDATE department SET calendar_id = NULL WHERE department_id = 'industrial'
            """))
        {
            await around.ExecuteNonQueryAsync();
        }

        await node.Services.GetRequiredService<SalesOrleans.ReadModel.UserDirectory>().ReloadAsync();
        var grain = node.Grains.GetGrain<IDealGrain>(Guid.NewGuid());
        var grainId = grain.GetGrainId();
        var deal = (await grain.Create(new CreateDealCommand(process.Kind, "Störungsdienst Ölpumpe", "Газпром нефть", null, "i.petrov", "industrial", 990m, "RUB", null, null), Actor)).Deal!;
        var deadline = deal.Tasks[0].Deadline;

        // Stored with the state, no reminder.
        await using (var cmd = db.CreateCommand("SELECT wake_at FROM grain_state WHERE state_name = 'deal' AND grain_key = $1"))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.ToString() });
            var wake = (DateTime)(await cmd.ExecuteScalarAsync())!;
            Assert.InRange(new DateTimeOffset(wake, TimeSpan.Zero) - deadline, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
        }

        await using (var cmd = db.CreateCommand("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || $1 || '%'"))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deal.Id.ToString("N") });
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
        }

        var management = node.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.DoesNotContain(grainId, await management.GetActiveGrains(grainId.Type));

        var overdueAt = await Poll.Until(async () =>
        {
            await using var cmd = db.CreateCommand("SELECT overdue_at FROM deal_task WHERE deal_id = $1 AND overdue_at IS NOT NULL");
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deal.Id });
            return await cmd.ExecuteScalarAsync() as DateTime?;
        }, "the sleeping deal's overdue task was not flagged within 60 s", 60);

        Assert.InRange(new DateTimeOffset(overdueAt, TimeSpan.Zero) - deadline, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.NotNull((await grain.Get())!.Tasks[0].OverdueAt);
    }
}
