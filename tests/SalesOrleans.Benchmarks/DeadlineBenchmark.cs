using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// N open deals with deadlines on one node. The deals are loaded by SQL (INSERT … SELECT generate_series, as a COPY
/// would: state rows only, cloned from one deal made through its grain, each with its own id, task deadline and stored
/// wake), not through grains. A sample of them falls due during the run — most asleep, some kept active — the rest
/// weeks ahead. Prints: the due-work scan (wake index size, the claim query's time over all N rows, Orleans reminder
/// rows), overdue flagged latency for sleeping and active deals, node memory and activations against the active set,
/// and a node's start time with the N deals stored.
/// Usage: deadlines [deals=20000] [due=1000] [active=100] [window seconds=60] [--nodes N]. With --nodes, N nodes in this
/// process share the wakes (each claims due rows with SKIP LOCKED) and the deal activations are counted per node.
/// </summary>
public static class DeadlineBenchmark
{
    public static async Task RunAsync(string connectionString, string[] args)
    {
        (var nodeCount, args) = BenchNode.NodesOption(args);
        int Arg(int i, int fallback) => args.Length > i && int.TryParse(args[i], CultureInfo.InvariantCulture, out var v) ? v : fallback;
        var total = Arg(0, 20_000);
        var dueCount = Math.Min(total, Arg(1, 1_000));
        var activeCount = Math.Min(dueCount, Arg(2, 100));
        var window = TimeSpan.FromSeconds(Arg(3, 60));
        var lead = TimeSpan.FromSeconds(20);

        var clock = Stopwatch.StartNew();
        var node = await BenchNode.StartAsync(connectionString, ReplyBeforeProjection);
        var firstStart = clock.Elapsed;
        var nodes = (await BenchNode.StartClusterAsync(connectionString, nodeCount - 1, ReplyBeforeProjection)).Prepend(node).ToList();
        var factories = nodes.Select(n => n.Services.GetRequiredService<IGrainFactory>()).ToArray();
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var db = node.Services.GetRequiredService<NpgsqlDataSource>();
        var (heap0, ws0) = Memory();

        var process = await node.Services.GetRequiredService<IProcessCatalog>().PublishAsync(new ProcessDefinition
        {
            Kind = "bench-deadline",
            Name = "Deadline benchmark",
            InitialStage = "a",
            LostReasons = ["benchmark"],
            Stages =
            [
                new StageDefinition
                {
                    Id = "a", Name = "Angebot", Probability = 0.4,
                    Tasks = [new TaskTemplate { Id = "call", Title = "Kunden anrufen / позвонить", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 1000 }],
                    Transitions = [new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }],
                },
                new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
                new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
            ],
        }, "benchmark");
        var template = grains.GetGrain<IDealGrain>(Guid.NewGuid());
        await template.Create(new CreateDealCommand(process.Kind, "Vorlage Frist", "Müller Pumpen GmbH", null, "i.petrov", "industrial", 1000m, "EUR", null, null), new ActorInfo("system", ["system"]));
        var templateKey = template.GetGrainId().ToString();

        // The N deals, all due weeks ahead at first; once they are stored, the first `dueCount` are moved to fall due over
        // the window, starting `lead` from then (a million take minutes to load: deadlines set before would be long past).
        Console.WriteLine($"  loading {total:N0} deals by SQL …");
        clock.Restart();
        await using (var load = db.CreateCommand("""
            INSERT INTO grain_state (service_id, state_name, grain_key, version, payload, modified_at, work_due, wake_at)
            SELECT t.service_id, 'deal', 'deal/' || replace(g.id::text, '-', ''), 1,
                   convert_to(jsonb_set(jsonb_set(jsonb_set(convert_from(t.payload, 'UTF8')::jsonb,
                       '{deal,id}', to_jsonb(g.id)), '{deal,tasks,0,deadline}', to_jsonb(g.deadline)), '{reminderDueAt}', to_jsonb(g.deadline))::text, 'UTF8'),
                   now(), false, g.deadline
            FROM grain_state t,
                 LATERAL (SELECT gen_random_uuid() AS id, i, now() + interval '30 days' + i * interval '1 second' AS deadline
                          FROM generate_series(1, $1) i) g
            WHERE t.state_name = 'deal' AND t.grain_key = $2
            """))
        {
            load.Parameters.Add(new NpgsqlParameter<int> { TypedValue = total });
            load.Parameters.Add(new NpgsqlParameter<string> { TypedValue = templateKey });
            load.CommandTimeout = 3600;
            await load.ExecuteNonQueryAsync();
        }

        await using (var soon = db.CreateCommand("""
            UPDATE grain_state s
            SET payload = convert_to(jsonb_set(jsonb_set(convert_from(s.payload, 'UTF8')::jsonb,
                    '{deal,tasks,0,deadline}', to_jsonb(d.deadline)), '{reminderDueAt}', to_jsonb(d.deadline))::text, 'UTF8'),
                wake_at = d.deadline
            FROM (SELECT grain_key, now() + $3 + $4 * (row_number() OVER (ORDER BY wake_at)::float8 / $1) AS deadline
                  FROM grain_state WHERE state_name = 'deal' AND grain_key <> $2 ORDER BY wake_at LIMIT $1) d
            WHERE s.state_name = 'deal' AND s.grain_key = d.grain_key
            """))
        {
            soon.Parameters.Add(new NpgsqlParameter<int> { TypedValue = dueCount });
            soon.Parameters.Add(new NpgsqlParameter<string> { TypedValue = templateKey });
            soon.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lead });
            soon.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = window });
            soon.CommandTimeout = 600;
            await soon.ExecuteNonQueryAsync();
        }

        await Exec(db, "ANALYZE grain_state");
        var loadSeconds = clock.Elapsed.TotalSeconds;

        // The due sample, earliest first; the first `activeCount` of every (due/active) are activated and stay active.
        var due = new List<(Guid Id, DateTime Deadline)>();
        await using (var cmd = db.CreateCommand("SELECT grain_key, wake_at FROM grain_state WHERE state_name = 'deal' AND wake_at < now() + interval '1 day' AND grain_key <> $1 ORDER BY wake_at"))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = templateKey });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                due.Add((Guid.ParseExact(reader.GetString(0)["deal/".Length..], "N"), reader.GetDateTime(1)));
            }
        }

        var step = Math.Max(1, due.Count / Math.Max(1, activeCount));
        var active = due.Where((_, i) => i % step == 0).Take(activeCount).Select(d => d.Id).ToHashSet();
        await Parallel.ForEachAsync(active, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
            await factories[(id.GetHashCode() & int.MaxValue) % factories.Length].GetGrain<IDealGrain>(id).Get());
        var (heapActive, wsActive) = Memory();

        // The due-work scan: index size, the claim's inner query over all N rows, reminder rows.
        var indexBytes = await Scalar<long>(db, "SELECT pg_relation_size('ix_grain_state_wake_at')");
        var reminders = await Scalar<long>(db, "SELECT count(*) FROM orleansreminderstable");
        var scan = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            await Exec(db, "SELECT grain_key FROM grain_state WHERE service_id = 'salesorleans' AND wake_at <= now() ORDER BY wake_at LIMIT 1000");
        }

        var scanMs = scan.Elapsed.TotalMilliseconds / 20;

        // Wait for the window, then up to 2.5 minutes more, for every due deal's overdue flag in the read model.
        Console.WriteLine($"  {due.Count:N0} deals fall due over {window.TotalSeconds:0} s ({active.Count} kept active); waiting for their overdue flags …");
        var ids = due.Select(d => d.Id).ToArray();
        var flagged = new Dictionary<Guid, double>();
        var giveUp = DateTime.UtcNow + lead + window + TimeSpan.FromMinutes(2.5);
        while (flagged.Count < ids.Length && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(2000);
            await using var cmd = db.CreateCommand("SELECT deal_id, extract(epoch FROM overdue_at - deadline) FROM deal_task WHERE deal_id = ANY($1) AND overdue_at IS NOT NULL");
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                flagged[reader.GetGuid(0)] = reader.GetDouble(1);
            }
        }

        var (heapAfter, wsAfter) = Memory();
        var stats = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var dealStats = stats.Where(s => s.GrainType.Contains("DealGrain", StringComparison.Ordinal)).ToList();
        var dealActivations = dealStats.Sum(s => s.ActivationCount);
        var perNode = string.Join(", ", dealStats.GroupBy(s => s.SiloAddress).OrderBy(g => g.Key.ToString()).Select(g => g.Sum(s => s.ActivationCount).ToString("N0", CultureInfo.InvariantCulture)));
        await BenchNode.StopAllAsync(nodes);

        // One node's start with the N deals stored (nothing of them is loaded at start: no reminders, no scan).
        clock.Restart();
        var again = await BenchNode.StartAsync(connectionString, ReplyBeforeProjection);
        var restart = clock.Elapsed;
        await again.StopAsync();
        await again.DisposeAsync();

        double[] Lat(bool wantActive) => flagged.Where(f => active.Contains(f.Key) == wantActive).Select(f => f.Value).Order().ToArray();
        var sleeping = Lat(false);
        var awake = Lat(true);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total:N0} open deals with deadlines, loaded by SQL in {loadSeconds:0.0} s ({total / loadSeconds:N0}/s); {(nodeCount == 1 ? "one node" : $"{nodeCount} nodes in one process")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  due-work scan: wake index {indexBytes / 1024.0 / 1024:0.0} MiB; claim query (1,000 due of {total:N0}) {scanMs:0.00} ms; Orleans reminder rows {reminders}; timers = active deals only ({active.Count})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  overdue flagged, sleeping deals: {sleeping.Length:N0}/{due.Count - active.Count:N0}  p50 {P(sleeping, 0.5):0.0} s  p99 {P(sleeping, 0.99):0.0} s  max {P(sleeping, 1):0.0} s   (target ≤ 120 s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  overdue flagged, active deals:   {awake.Length:N0}/{active.Count:N0}  p50 {P(awake, 0.5):0.00} s  p99 {P(awake, 0.99):0.00} s  max {P(awake, 1):0.00} s   (target ≤ 2 s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  node memory (GC heap / working set): started {heap0 / 1e6:0} / {ws0 / 1e6:0} MB; {active.Count} active {heapActive / 1e6:0} / {wsActive / 1e6:0} MB; after the wakes {heapAfter / 1e6:0} / {wsAfter / 1e6:0} MB with {dealActivations:N0} deal activations{(nodeCount > 1 ? $" (per node: {perNode}; memory is the one process's)" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  node start: empty database {firstStart.TotalSeconds:0.0} s (schema, seeding); with the {total:N0} deals stored {restart.TotalSeconds:0.0} s   (target ≤ 60 s)"));
    }

    private static void ReplyBeforeProjection(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        builder.Configuration["Deals:ReplyBeforeProjection"] = "true";

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (GC.GetTotalMemory(false), Process.GetCurrentProcess().WorkingSet64);
    }

    private static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    private static async Task Exec(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
