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
/// Commands are answered once durable and published right after (Deals:ReplyBeforeProjection); --await-projection
/// measures the answer waiting for the read model too (the node's default). --no-projection (diagnosis only): the read
/// model is replaced by a no-op, to see what the grain and its state write cost alone. Also prints how far the read
/// model trails the replies, a row at 32 clients against an upsert of a deal's own stored state (its size, its JSON),
/// and a deal's stored write size after 10, 100 and 1,000 commands.
/// </summary>
public static class DealCommandBenchmark
{
    public static async Task RunAsync(string connectionString, string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 10;
        var noProjection = args.Contains("--no-projection");
        var awaitProjection = args.Contains("--await-projection");
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(3, seconds / 3));
        int[] clientCounts = [1, 8, 32];

        var node = await BenchNode.StartAsync(connectionString, builder =>
        {
            builder.Configuration["Deals:ReplyBeforeProjection"] = awaitProjection ? "false" : "true";
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

        await UpsertCeiling.CreateTableAsync(dataSource);

        var owners = new[] { "i.petrov", "m.sokolova", "k.weber", "l.braun", "a.ivanova", "d.orlov" };
        var actor = new ActorInfo("system", ["system"]);
        var results = new List<(Figures Deal, Figures Ceiling, Figures Lag)>();
        var profiles = new List<string>();
        using var meter = await Probe.StartAsync(dataSource);
        SalesOrleans.Deals.DealCommandTimings.Enabled = true;
        // With PG_EXTRA_OPTS="-c shared_preload_libraries=pg_stat_statements": PostgreSQL's time per statement too.
        var statements = await StatementStats.TryStartAsync(dataSource);

        foreach (var clients in clientCounts)
        {
            using var stopProbe = new CancellationTokenSource();
            var probe = noProjection ? Task.FromResult(new List<double>()) : ProbeReadModelLag(stopProbe.Token);
            // In turns of a second with the ceiling, so both see the same load of a shared machine.
            var (deal, ceiling) = await UpsertCeiling.InTurns(DealClient, _ => UpsertCeiling.Client(dataSource, 1024), clients, duration);
            await stopProbe.CancelAsync();
            var lags = (await probe).Order().ToArray();
            results.Add((deal, ceiling, new Figures("read model lag", clients, lags.Length, 1, Pct(lags, 0.5), Pct(lags, 0.99))));
            profiles.Add(await Profile(clients));
            Console.WriteLine($"  {clients,2} clients done");
        }

        // The same 32 clients against a single-row upsert of what a command durably writes before its reply: a deal's
        // own stored state (the median payload of the deals this run made), in the same turns. The ratio to it says how
        // much of the gap to the 1 KB ceiling is the state's size and how much the rest of a command.
        var statePayload = await MedianDealPayload();
        var (dealAgain, sameSize) = await UpsertCeiling.InTurns(DealClient, _ => UpsertCeiling.Client(dataSource, statePayload), 32, duration);
        var sizes = await WriteSizes();

        Console.WriteLine();
        var mode = noProjection ? " — DIAGNOSTIC: no read-model projection" : awaitProjection ? " — replies wait for the read model" : " — replies once durable, read model right after";
        Console.WriteLine($"Durable deal commands vs. the single-row upsert ceiling (same PostgreSQL, same run){mode}");
        Console.WriteLine($"{"clients",7} | {"deal cmd/s",10} {"p50 ms",7} {"p99 ms",7} | {"upsert/s",9} {"p50 ms",7} {"p99 ms",7} | {"ratio",6} | {"read model lag p50/p99 ms",25}");
        foreach (var (d, c, lag) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Clients,7} | {d.PerSecond,10:0} {d.P50Ms,7:0.00} {d.P99Ms,7:0.00} | {c.PerSecond,9:0} {c.P50Ms,7:0.00} {c.P99Ms,7:0.00} | {d.PerSecond / c.PerSecond,6:0.00} | {lag.P50Ms,12:0.0} / {lag.P99Ms,10:0.0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{32,7} | {dealAgain.PerSecond,10:0} {dealAgain.P50Ms,7:0.00} {dealAgain.P99Ms,7:0.00} | {sameSize.PerSecond,9:0} {sameSize.P50Ms,7:0.00} {sameSize.P99Ms,7:0.00} | {dealAgain.PerSecond / sameSize.PerSecond,6:0.00} | against an upsert of a deal's own state ({statePayload.Length:N0} characters of its JSON)"));
        Console.WriteLine();
        Console.WriteLine("Where the time goes (each alone for 2 s after its turns; per command or upsert; in-grain phases summed over commands):");
        profiles.ForEach(Console.WriteLine);

        Console.WriteLine();
        Console.WriteLine("One deal's stored write (grain_state payload) as its history grows:");
        foreach (var (commands, bytes) in sizes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after {commands,5} commands: {bytes,8:N0} bytes"));
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

        // Each side alone for 2 s: CPU of the node process (node and load generator) and of PostgreSQL, commits and WAL
        // per operation, the batchers' wait and batch time, and the deal grain's own phases.
        async Task<string> Profile(int clients)
        {
            var lines = new System.Text.StringBuilder();
            foreach (var (name, make) in new (string, Func<int, Func<Task>>)[] { ("deal", DealClient), ("upsert", _ => UpsertCeiling.Client(dataSource, 1024)) })
            {
                var ops = Enumerable.Range(0, clients).Select(make).ToArray();
                await Alone(ops, TimeSpan.FromMilliseconds(300));
                var phasesBefore = SalesOrleans.Deals.DealCommandTimings.Take();
                if (statements is not null)
                {
                    await statements.ResetAsync();
                }
                var before = await meter.TakeAsync();
                var (count, meanMs) = await Alone(ops, TimeSpan.FromSeconds(2));
                await Task.Delay(300); // the publications behind the last replies
                var cost = (await meter.TakeAsync()).Minus(before);
                var phases = SalesOrleans.Deals.DealCommandTimings.Take();
                var top = statements is not null && name == "deal" ? await statements.TopAsync(count) : null;
                lines.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {clients,2} clients, {name,-6}: {count / 2.0,7:0}/s, mean {meanMs,6:0.00} ms | node CPU {cost.NodeCpuMs / count,5:0.00} ms, PostgreSQL CPU {cost.PgCpuMs / count,5:0.00} ms, commits {(double)cost.Commits / count,4:0.00}, WAL {(double)cost.WalBytes / count,6:0} B"));
                foreach (var (what, b) in cost.Batchers.Where(b => b.Value.Items > 0))
                {
                    lines.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"      {what,-40} {(double)b.Batches / count,5:0.00} batches/op, {(double)b.Items / Math.Max(1, b.Batches),5:0.0} items/batch, wait {b.WaitMs / b.Items,6:0.00} ms/item, batch {b.RunMs / Math.Max(1, b.Batches),6:0.00} ms"));
                }

                if (name == "deal")
                {
                    lines.Append("      in grain, ms per command:");
                    foreach (var (phase, (n, ms)) in phases)
                    {
                        var (n0, ms0) = phasesBefore[phase];
                        lines.Append(string.Create(CultureInfo.InvariantCulture, $" {phase} {(ms - ms0) / Math.Max(1, count):0.000}"));
                        if (phase is SalesOrleans.Deals.DealCommandTimings.Phase.Project or SalesOrleans.Deals.DealCommandTimings.Phase.Shares)
                        {
                            lines.Append(string.Create(CultureInfo.InvariantCulture, $" ({n - n0} runs, {(ms - ms0) / Math.Max(1, n - n0):0.00} ms each)"));
                        }
                    }

                    lines.AppendLine();
                }

                if (top is not null)
                {
                    lines.AppendLine(top);
                    lines.AppendLine(await statements!.WalAsync(count));
                }
            }

            return lines.ToString().TrimEnd();
        }

        static async Task<(long Count, double MeanMs)> Alone(Func<Task>[] ops, TimeSpan length)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var runs = await Task.WhenAll(ops.Select(op => Task.Run(async () =>
            {
                long n = 0;
                double total = 0;
                while (clock.Elapsed < length)
                {
                    var t0 = clock.Elapsed.TotalMilliseconds;
                    await op();
                    total += clock.Elapsed.TotalMilliseconds - t0;
                    n++;
                }

                return (n, total);
            })));
            var count = runs.Sum(r => r.n);
            return (count, runs.Sum(r => r.total) / Math.Max(1, count));
        }

        // How long after a reply the read model shows the command: one probe deal, a command every 20 ms, polled every ms.
        async Task<List<double>> ProbeReadModelLag(CancellationToken stop)
        {
            var lags = new List<double>();
            var grain = grains.GetGrain<IDealGrain>(Guid.NewGuid());
            var view = Ok(await grain.Create(new CreateDealCommand(process.Kind, "Замер задержки", "Lag GmbH", null, owners[0], "industrial", 1m, "EUR", null, null), actor));
            while (!stop.IsCancellationRequested)
            {
                var note = Ok(await grain.AddNote(new AddNoteCommand("Prüfung"), actor));
                var replied = System.Diagnostics.Stopwatch.StartNew();
                while (replied.Elapsed < TimeSpan.FromSeconds(5))
                {
                    await using var cmd = dataSource.CreateCommand("SELECT seq FROM deal WHERE deal_id = $1");
                    cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = view.Id });
                    if (await cmd.ExecuteScalarAsync() is long seq && seq >= note.Seq)
                    {
                        lags.Add(replied.Elapsed.TotalMilliseconds);
                        break;
                    }

                    await Task.Delay(1);
                }

                try
                {
                    await Task.Delay(20, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return lags;
        }

        // The stored JSON of the deal whose state is the median size among those this run made.
        async Task<string> MedianDealPayload()
        {
            await using var cmd = dataSource.CreateCommand("""
                SELECT convert_from(payload, 'UTF8') FROM grain_state WHERE state_name = 'deal'
                ORDER BY octet_length(payload) OFFSET (SELECT count(*) / 2 FROM grain_state WHERE state_name = 'deal') LIMIT 1
                """);
            return (string)(await cmd.ExecuteScalarAsync())!;
        }

        // One deal driven through 1,000 commands by one client: its stored payload after 10, 100 and 1,000.
        async Task<List<(int Commands, long Bytes)>> WriteSizes()
        {
            var grain = grains.GetGrain<IDealGrain>(Guid.NewGuid());
            var view = Ok(await grain.Create(new CreateDealCommand(process.Kind, "Langläufer Größe", "Сибирь ООО", null, owners[1], "industrial", 5000m, "EUR", null, null), actor));
            var sizes = new List<(int, long)>();
            for (var n = 1; n <= 1000; n++)
            {
                var open = view.Tasks.FirstOrDefault(t => t.Status == "Open" && t.Stage == view.Stage);
                view = open is not null
                    ? Ok(await grain.CompleteTask(new CompleteTaskCommand(open.Id, "erledigt"), actor))
                    : Ok(await grain.Move(new MoveDealCommand(view.Stage == "a" ? "b" : "a"), actor));
                if (n is 10 or 100 or 1000)
                {
                    await using var cmd = dataSource.CreateCommand("SELECT octet_length(payload) FROM grain_state WHERE state_name = 'deal' AND grain_key = $1");
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.GetGrainId().ToString() });
                    sizes.Add((n, Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture)));
                }
            }

            return sizes;
        }

        static double Pct(double[] sorted, double p) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

        static DealView Ok(DealResult result) => result.Deal ?? throw new InvalidOperationException(result.Error!.Message);

        static TaskTemplate Work(string id) => new() { Id = id, Title = $"Work {id}", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 8 };
    }
}

/// <summary>Diagnosis only: drops publications instead of projecting them.</summary>
internal sealed class NoProjection : SalesOrleans.Deals.IDealEventSink
{
    public Task PublishAsync(SalesOrleans.Deals.DealPublication publication, CancellationToken ct = default) => Task.CompletedTask;
}

/// <summary>PostgreSQL's own time per statement (pg_stat_statements), when the server preloads it; diagnosis only.</summary>
internal sealed class StatementStats(NpgsqlDataSource db)
{
    public static async Task<StatementStats?> TryStartAsync(NpgsqlDataSource db)
    {
        try
        {
            await using var cmd = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
            await cmd.ExecuteNonQueryAsync();
            return new StatementStats(db);
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    private string? _fromLsn;
    private Dictionary<string, (long Updates, long Hot)> _tables = [];

    public async Task ResetAsync()
    {
        await using (var cmd = db.CreateCommand("SELECT pg_stat_statements_reset()"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        _tables = await TableUpdates();
        try
        {
            await using var lsn = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_walinspect; SELECT pg_current_wal_flush_lsn()::text");
            _fromLsn = (string?)await lsn.ExecuteScalarAsync();
        }
        catch (PostgresException)
        {
            _fromLsn = null;
        }
    }

    private async Task<Dictionary<string, (long Updates, long Hot)>> TableUpdates()
    {
        await using var cmd = db.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE n_tup_upd > 0");
        var rows = new Dictionary<string, (long, long)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return rows;
    }

    /// <summary>The WAL since the reset by record type (pg_walinspect), and each table's updates and how many were HOT.</summary>
    public async Task<string> WalAsync(long operations)
    {
        var text = new System.Text.StringBuilder();
        // Table statistics reach shared memory within a second of a backend's transaction end.
        await Task.Delay(1100);
        var tables = await TableUpdates();
        text.Append("      updates per command (HOT of them):");
        foreach (var (table, (updates, hot)) in tables.OrderByDescending(t => t.Value.Updates))
        {
            var (u0, h0) = _tables.GetValueOrDefault(table);
            if (updates - u0 > 0)
            {
                text.Append(string.Create(CultureInfo.InvariantCulture, $" {table} {(updates - u0) / (double)operations:0.00} ({(hot - h0) / (double)operations:0.00})"));
            }
        }

        text.AppendLine();
        if (_fromLsn is null)
        {
            return text.ToString().TrimEnd();
        }

        await using var cmd = db.CreateCommand("""
            SELECT "resource_manager/record_type", count, record_size, fpi_size, combined_size
            FROM pg_get_wal_stats($1::pg_lsn, pg_current_wal_flush_lsn(), true) WHERE count > 0 ORDER BY combined_size DESC LIMIT 14
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _fromLsn });
        text.AppendLine("      WAL by record type (pg_walinspect), per command:");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"        {reader.GetString(0),-28} {reader.GetInt64(1) / (double)operations,6:0.00} records {reader.GetInt64(2) / (double)operations,6:0} B {reader.GetInt64(3) / (double)operations,6:0} B FPI"));
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The statements that took most of the server's execution time, per operation.</summary>
    public async Task<string> TopAsync(long operations)
    {
        await using var cmd = db.CreateCommand("""
            SELECT calls, total_exec_time, wal_bytes, wal_fpi, shared_blks_dirtied, rows, regexp_replace(left(query, 90), '\s+', ' ', 'g')
            FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 14;
            SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(wal_bytes), 0), coalesce(sum(wal_fpi), 0), coalesce(sum(shared_blks_dirtied), 0)
            FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%';
            SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter
            """);
        var text = new System.Text.StringBuilder("      PostgreSQL execution time by statement (pg_stat_statements), per command (full-page images and pages dirtied per command too):\n");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"        {reader.GetInt64(0) / (double)operations,5:0.00} calls {reader.GetDouble(1) / operations,6:0.000} ms {(double)reader.GetDecimal(2) / operations,6:0} B WAL {reader.GetInt64(3) / (double)operations,5:0.00} FPI {reader.GetInt64(4) / (double)operations,5:0.00} dirtied {reader.GetInt64(5) / (double)operations,5:0.00} rows  {reader.GetString(6)}"));
        }

        await reader.NextResultAsync();
        if (await reader.ReadAsync())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"        all statements: {reader.GetDouble(0) / operations,6:0.000} ms {(double)reader.GetDecimal(1) / operations,6:0} B WAL {(double)reader.GetDecimal(2) / operations,5:0.00} FPI {(double)reader.GetDecimal(3) / operations,5:0.00} dirtied"));
        }

        await reader.NextResultAsync();
        if (await reader.ReadAsync())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"        checkpoints since the server started: {reader.GetInt64(0)}"));
        }

        await reader.CloseAsync();
        // The same WAL by the relation of each record's first block (a toast table shows as its owner's name + " toast").
        await using var byRelation = db.CreateCommand("""
            WITH r AS (
                SELECT substring(block_ref from 'rel \d+/\d+/(\d+)') AS rel, count(*) AS n, sum(record_length)::bigint AS b, sum(fpi_length)::bigint AS f
                FROM pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn()) GROUP BY 1)
            SELECT coalesce(CASE WHEN c.relkind = 't' THEN t.relname || ' toast' WHEN ti.relname IS NOT NULL THEN ti.relname || ' toast index' ELSE c.relname END,
                            r.rel, '(no block)'), r.n, r.b, r.f
            FROM r
            LEFT JOIN pg_class c ON c.relfilenode::text = r.rel
            LEFT JOIN pg_class t ON c.relkind = 't' AND t.reltoastrelid = c.oid
            LEFT JOIN pg_index i ON c.relkind = 'i' AND c.relnamespace = 'pg_toast'::regnamespace AND i.indexrelid = c.oid
            LEFT JOIN pg_class ti ON ti.reltoastrelid = i.indrelid
            ORDER BY r.b DESC LIMIT 16
            """);
        byRelation.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _fromLsn });
        text.AppendLine("      WAL by relation (first block of each record), per command:");
        await using var rows = await byRelation.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"        {rows.GetString(0),-36} {rows.GetInt64(1) / (double)operations,6:0.00} records {rows.GetInt64(2) / (double)operations,6:0} B {rows.GetInt64(3) / (double)operations,6:0} B FPI"));
        }

        return text.ToString().TrimEnd();
    }
}
