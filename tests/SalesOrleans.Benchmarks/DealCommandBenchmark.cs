using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// Durable deal commands (task completions and stage moves) through the deal grains of a real node, against the
/// ceiling of the same PostgreSQL: one single-row upsert per command through Npgsql. Both at 1, 8 and 32 clients.
/// --no-projection (diagnosis only): the read model is replaced by a no-op, to see what the grain and its state write cost alone.
/// </summary>
public static class DealCommandBenchmark
{
    public static async Task RunAsync(string connectionString, string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 10;
        var noProjection = args.Contains("--no-projection");
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(3, seconds / 3));
        int[] clientCounts = [1, 8, 32];

        var node = await BenchNode.StartAsync(connectionString, builder =>
        {
            if (noProjection)
            {
                builder.Services.AddSingleton<SalesOrleans.Deals.IDealEventSink, NoProjection>();
            }
        });
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var catalog = node.Services.GetRequiredService<IProcessCatalog>();
        var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();

        // A two-stage loop: each visit fans out one task; completing it and moving on are two durable commands.
        var process = await catalog.PublishAsync(new ProcessDefinition
        {
            Kind = "bench-loop",
            Name = "Benchmark loop",
            InitialStage = "a",
            LostReasons = ["benchmark"],
            Stages =
            [
                new StageDefinition { Id = "a", Name = "A", Probability = 0.3, Tasks = [Work("work-a")], Gates = [new GateDefinition { Kind = GateKind.TasksDone }], Transitions = [new TransitionDefinition { To = "b" }, new TransitionDefinition { To = "lost" }] },
                new StageDefinition { Id = "b", Name = "B", Probability = 0.6, Tasks = [Work("work-b")], Gates = [new GateDefinition { Kind = GateKind.TasksDone }], Transitions = [new TransitionDefinition { To = "a" }, new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }] },
                new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
                new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
            ],
        }, "benchmark");

        await using (var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, version int NOT NULL, payload text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var owners = new[] { "i.petrov", "m.sokolova", "k.weber", "l.braun", "a.ivanova", "d.orlov" };
        var actor = new ActorInfo("system", ["system"]);
        var payload = new string('x', 1024);
        var results = new List<(Figures Deal, Figures Ceiling)>();

        foreach (var clients in clientCounts)
        {
            var deal = await Measure.RunAsync("deal commands", clients, warmup, duration, i => DealClient(i));
            var ceiling = await Measure.RunAsync("upsert ceiling", clients, warmup, duration, _ => CeilingClient());
            results.Add((deal, ceiling));
            Console.WriteLine($"  {clients,2} clients done");
        }

        Console.WriteLine();
        Console.WriteLine($"Durable deal commands vs. the single-row upsert ceiling (same PostgreSQL, same run){(noProjection ? " — DIAGNOSTIC: no read-model projection" : "")}");
        Console.WriteLine($"{"clients",7} | {"deal cmd/s",10} {"p50 ms",7} {"p99 ms",7} | {"upsert/s",9} {"p50 ms",7} {"p99 ms",7} | {"ratio",6}");
        foreach (var (d, c) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Clients,7} | {d.PerSecond,10:0} {d.P50Ms,7:0.00} {d.P99Ms,7:0.00} | {c.PerSecond,9:0} {c.P50Ms,7:0.00} {c.P99Ms,7:0.00} | {d.PerSecond / c.PerSecond,6:0.00}"));
        }

        await node.StopAsync();

        // Each client drives its own deals: complete the open task, move on, and start a fresh deal every 40 commands
        // so state stays the size of a real deal's.
        Func<Task> DealClient(int client)
        {
            IDealGrain? grain = null;
            DealView? view = null;
            var commands = 0;
            return async () =>
            {
                if (grain is null || commands++ % 40 == 0)
                {
                    grain = grains.GetGrain<IDealGrain>(Guid.NewGuid());
                    view = Ok(await grain.Create(new CreateDealCommand(process.Kind, $"Benchmark deal {client}", "Bench AG", null, owners[client % owners.Length], "industrial", 1000m, "EUR", null, null), actor));
                    return;
                }

                var open = view!.Tasks.FirstOrDefault(t => t.Status == "Open" && t.Stage == view.Stage);
                view = open is not null
                    ? Ok(await grain.CompleteTask(new CompleteTaskCommand(open.Id, "done"), actor))
                    : Ok(await grain.Move(new MoveDealCommand(view.Stage == "a" ? "b" : "a"), actor));
            };
        }

        Func<Task> CeilingClient()
        {
            var id = Guid.NewGuid();
            return async () =>
            {
                await using var cmd = dataSource.CreateCommand("""
                    INSERT INTO bench_ceiling (id, version, payload) VALUES ($1, 1, $2)
                    ON CONFLICT (id) DO UPDATE SET version = bench_ceiling.version + 1, payload = EXCLUDED.payload
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
                await cmd.ExecuteNonQueryAsync();
            };
        }

        static DealView Ok(DealResult result) => result.Deal ?? throw new InvalidOperationException(result.Error!.Message);

        static TaskTemplate Work(string id) => new() { Id = id, Title = $"Work {id}", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 8 };
    }
}

/// <summary>Diagnosis only: drops publications instead of projecting them.</summary>
internal sealed class NoProjection : SalesOrleans.Deals.IDealEventSink
{
    public Task PublishAsync(SalesOrleans.Deals.DealPublication publication, CancellationToken ct = default) => Task.CompletedTask;
}
