using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 12: with Deals:ReplyBeforeProjection a deal command is answered once its state, outbox and journal entries
/// are stored (the read model follows right after), and a deal's stored state stays bounded as its history grows
/// while the read model keeps all of it.
/// </summary>
[Trait("Category", "Integration")]
public class DealReplyBeforeProjectionTests
{
    private static readonly ActorInfo Actor = new("system", ["system"]);

    [Fact]
    public async Task Every_reply_is_durable_the_read_model_follows_and_the_stored_state_stays_bounded()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var node = await TestNode.StartAsync(connectionString,
            configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Deals:ReplyBeforeProjection"] = "true" }));
        var process = await node.Services.GetRequiredService<IProcessCatalog>().PublishAsync(Loop(), "test");
        var db = node.Services.GetRequiredService<NpgsqlDataSource>();
        var grain = node.Grains.GetGrain<IDealGrain>(Guid.NewGuid());
        var key = grain.GetGrainId().ToString();

        var view = (await grain.Create(new CreateDealCommand(process.Kind, "Лазерная резка für Müller", "Müller & Söhne GmbH", null, "i.petrov", "industrial", 4200m, "EUR", null, null), Actor)).Deal!;
        for (var n = 0; n < 120; n++)
        {
            var open = view.Tasks.FirstOrDefault(t => t.Status == "Open" && t.Stage == view.Stage);
            view = (open is not null
                ? await grain.CompleteTask(new CompleteTaskCommand(open.Id, n % 2 == 0 ? "erledigt" : "готово"), Actor)
                : await grain.Move(new MoveDealCommand(view.Stage == "a" ? "b" : "a"), Actor)).Deal!;

            // Durable before the reply: the stored state already has this seq.
            Assert.Equal(view.Seq, StoredSeq(await Payload(db, key)));
        }

        // The read model follows: the deal row, every journal entry and every task, though the state keeps only the newest.
        await Eventually(async () => await Scalar(db, "SELECT seq FROM deal WHERE deal_id = $1", view.Id) == view.Seq);
        await Eventually(async () => await Scalar(db, "SELECT count(*) FROM deal_activity WHERE deal_id = $1", view.Id) == view.Seq);
        var tasksEver = await Scalar(db, "SELECT count(*) FROM deal_task WHERE deal_id = $1", view.Id);
        Assert.True(tasksEver > 50, $"{tasksEver} tasks in the read model");

        using var stored = JsonDocument.Parse(await Payload(db, key));
        var deal = stored.RootElement.GetProperty("deal");
        Assert.True(deal.GetProperty("tasks").GetArrayLength() <= DealHistoryBound.KeptClosedTasks + 2);
        Assert.True(deal.GetProperty("stageHistory").GetArrayLength() <= DealHistoryBound.KeptStageVisits + 1);
        Assert.Equal(view.Seq, (await grain.Get())!.Seq);
    }

    private static ProcessDefinition Loop() => new()
    {
        Kind = $"loop-{Guid.NewGuid():N}",
        Name = "Schleife",
        InitialStage = "a",
        LostReasons = ["test"],
        Stages =
        [
            new StageDefinition { Id = "a", Name = "A", Probability = 0.3, Tasks = [Work("work-a")], Gates = [new GateDefinition { Kind = GateKind.TasksDone }], Transitions = [new TransitionDefinition { To = "b" }, new TransitionDefinition { To = "lost" }] },
            new StageDefinition { Id = "b", Name = "B", Probability = 0.6, Tasks = [Work("work-b")], Gates = [new GateDefinition { Kind = GateKind.TasksDone }], Transitions = [new TransitionDefinition { To = "a" }, new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }] },
            new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
            new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
        ],
    };

    private static TaskTemplate Work(string id) => new() { Id = id, Title = $"Aufgabe {id}", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 8 };

    private static long StoredSeq(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.GetProperty("deal").GetProperty("seq").GetInt64();
    }

    private static async Task<byte[]> Payload(NpgsqlDataSource db, string key)
    {
        await using var cmd = db.CreateCommand("SELECT payload FROM grain_state WHERE state_name = 'deal' AND grain_key = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> Scalar(NpgsqlDataSource db, string sql, Guid id)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? -1L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task Eventually(Func<Task<bool>> condition) => Poll.Until(condition, "the read model did not follow within 20 s", 20);
}
