using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans;
using SalesOrleans;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Stock;

namespace SalesOrleans.Benchmarks;

/// <summary>Stock reservations: the stock item grain against SELECT … FOR UPDATE (deploy/bench-stock.sh).</summary>
public static class StockBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        // Stock reservation benchmark: the stock item grain (one node, PostgreSQL storage, every reply durable) against the
        // classic relational way (a transaction with SELECT … FOR UPDATE and UPDATE on a stock row), at the same
        // concurrency, on one hot SKU and spread over many SKUs. Run it through deploy/bench-stock.sh, which starts a
        // PostgreSQL with full durability (fsync and synchronous_commit on).
        //
        // Each worker loops: reserve 1 unit (timed and counted), and once it holds more than --open reservations, release
        // its oldest one (so both sides run the same steady state instead of piling up reservations forever).
        // --only hot|spread runs one scenario; --no-projection and --lz4 are for finding where the time goes; --rows-behind
        // projects the stock read model behind the reply as before issue 12's fourth round (outbox, projector, sweep).

        var options = BenchOptions.Parse(args);
        Console.WriteLine($"concurrency {options.Concurrency}, {options.Seconds} s measured after {options.WarmupSeconds} s warm-up, " +
            $"{options.Skus:N0} SKUs spread, {options.Open} open reservations per worker");

        await using var node = await StockBenchNode.StartAsync(options.Connection, options.NoProjection, options.RowsBehind);
        Console.WriteLine(options.NoProjection ? "Stock read model left out (diagnostic)." : options.RowsBehind
            ? "Stock read model projected behind the reply (outbox and projector, as before)." : "Stock read model rows written in the state's commit.");
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var catalog = node.Services.GetRequiredService<CatalogStore>();
        await using var baselineDb = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.Connection)
        {
            MaxPoolSize = options.Concurrency + 4,
            MaxAutoPrepare = 10,
        }.ConnectionString);

        const string Warehouse = "bench";
        const string HotSku = "BENCH-HOT";
        var spread = Enumerable.Range(0, options.Skus).Select(i => $"BENCH-{i:D5}").ToArray();
        var actor = new ActorInfo("bench", [Roles.System]);

        if (options.Lz4)
        {
            // Diagnostics: lz4 instead of pglz for stored grain state (PostgreSQL 14+ built with lz4).
            await using var lz4 = baselineDb.CreateCommand("ALTER TABLE grain_state ALTER COLUMN payload SET COMPRESSION lz4");
            await lz4.ExecuteNonQueryAsync();
            Console.WriteLine("Grain state compressed with lz4.");
        }

        Console.Write("Setting up catalog, stock items and baseline rows… ");
        var setup = Stopwatch.StartNew();
        await catalog.InsertWarehouseAsync(new WarehouseDefinition(Warehouse, "Benchmark"), "bench");
        await catalog.InsertSkusAsync(spread.Append(HotSku).Select(s => new SkuDefinition(s, s, "pcs", 1, "EUR", SkuKind.Stocked, 0)).ToList(), "bench");
        await ForEachAsync(spread.Append(HotSku), options.Concurrency, async sku =>
        {
            var result = await Item(sku).Receive(new ReceiveStockCommand("B1", 100_000_000, ReceiptId: "bench-stock"), actor);
            if (!result.Ok)
            {
                throw new InvalidOperationException(result.Error!.Message);
            }
        });
        await Baseline.SetUpAsync(baselineDb, spread.Append(HotSku).ToArray());
        Console.WriteLine($"{setup.Elapsed.TotalSeconds:F1} s");

        var results = new List<RunResult>();
        var spreadName = $"{options.Skus:N0} SKUs";
        var grainReserver = new GrainReserver(Item, actor);
        var rowLock = new Baseline(baselineDb);
        var probe = await Probe.StartAsync(baselineDb);
        if (options.Only is null or "hot")
        {
            var writesBefore = await HotWritesAsync();
            results.AddRange(await InTurnsAsync("hot SKU", _ => HotSku, grainReserver, rowLock));
            var (writes, bytes) = await HotStateAsync();
            Console.WriteLine($"  hot stock item: {writes - writesBefore:N0} state writes in warm-up and run (both methods' turns), {bytes / 1024.0:N0} KiB stored state at the end");
        }

        if (options.Only is null or "spread")
        {
            results.AddRange(await InTurnsAsync(spreadName, r => spread[r.Next(spread.Length)], grainReserver, rowLock));
        }

        Console.WriteLine();
        Console.WriteLine($"{"scenario",-14} {"method",-9} {"reservations/s",15} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Scenario,-14} {r.Method,-9} {r.PerSecond,15:N0} {r.P50,8:F1} {r.P99,8:F1} {r.Max,8:F1}");
        }

        Console.WriteLine();
        Console.WriteLine("Per reservation (with its share of the releases), summed over the method's turns:");
        Console.WriteLine($"{"scenario",-14} {"method",-9} {"commits",8} {"WAL B",8} {"node CPU ms",12} {"PG CPU ms",10}  batches per reservation (items per batch, mean wait per item, mean time per batch)");
        foreach (var r in results)
        {
            var d = r.Cost;
            var n = Math.Max(1, d.Reservations);
            var batchers = string.Join("; ", d.Batchers.Where(b => b.Value.Batches > 0).OrderBy(b => b.Key).Select(b =>
                $"{b.Key}: {b.Value.Batches / (double)n:F2} ({b.Value.Items / (double)b.Value.Batches:F1} items, wait {b.Value.WaitMs / Math.Max(1, b.Value.Items):F1} ms, run {b.Value.RunMs / b.Value.Batches:F1} ms)"));
            Console.WriteLine($"{r.Scenario,-14} {r.Method,-9} {d.Commits / (double)n,8:F2} {d.WalBytes / (double)n,8:N0} {d.NodeCpuMs / n,12:F2} {d.PgCpuMs / n,10:F2}  {batchers}");
        }

        Console.WriteLine();
        foreach (var scenario in results.Select(r => r.Scenario).Distinct())
        {
            var grain = results.Single(r => r.Scenario == scenario && r.Method == "grain");
            var locked = results.Single(r => r.Scenario == scenario && r.Method == "row lock");
            Console.WriteLine($"{scenario}: grain / row lock = {grain.PerSecond / locked.PerSecond:F2}x throughput, p99 {grain.P99:F1} vs {locked.P99:F1} ms (in turns of a second)");
        }

        await node.StopAsync();
        return;

        // Diagnostics only: how often the hot stock item wrote its state, and how big that state is.
        async Task<long> HotWritesAsync() => (await HotStateAsync()).Writes;

        async Task<(long Writes, long Bytes)> HotStateAsync()
        {
            // Stock items store in grain_state (GroupCommitGrainStorage), keyed by grain id ("stockitem/<sku>@<warehouse>").
            await using var cmd = baselineDb.CreateCommand("SELECT version, length(payload) FROM grain_state WHERE state_name = 'stockItem' AND grain_key = 'stockitem/' || $1");
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StockKeys.Of(HotSku, Warehouse) });
            await using var r = await cmd.ExecuteReaderAsync();
            return await r.ReadAsync() ? (r.GetInt64(0), r.GetInt32(1)) : (0, 0);
        }

        IStockItemGrain Item(string sku) => grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku, Warehouse));

        // The grain and the row lock take turns of a second (grain, row lock, grain …) after one uncounted turn each, so
        // both see the same machine load; each worker keeps its open reservations from turn to turn.
        async Task<RunResult[]> InTurnsAsync(string scenario, Func<Random, string> pickSku, IReserver grain, IReserver locked)
        {
            Console.Write($"{scenario}, in turns… ");
            var run = Guid.NewGuid().ToString("N")[..8];
            var methods = new[] { ("grain", grain), ("row lock", locked) };
            var workers = methods.Select((m, i) => Enumerable.Range(0, options.Concurrency)
                .Select(w => new Worker(new Random(w + 1000 * i), new Queue<(string, string)>())).ToArray()).ToArray();
            var latencies = methods.Select(_ => new List<double>()).ToArray();
            var seconds = new double[methods.Length];
            var costs = methods.Select(_ => Cost.Zero).ToArray();
            var turns = options.WarmupSeconds + options.Seconds;
            for (var t = 0; t < turns; t++)
            {
                var counted = t >= options.WarmupSeconds;
                for (var m = 0; m < methods.Length; m++)
                {
                    var before = await probe.TakeAsync();
                    var clock = Stopwatch.StartNew();
                    var (method, reserver) = methods[m];
                    var lists = await Task.WhenAll(workers[m].Select((worker, w) => Task.Run(async () =>
                    {
                        var mine = new List<double>();
                        while (clock.Elapsed.TotalSeconds < 1)
                        {
                            var sku = pickSku(worker.Random);
                            var id = $"{run}-{m}-{w}-{worker.N++}";
                            var started = Stopwatch.GetTimestamp();
                            await reserver.ReserveAsync(sku, id, $"BENCH-ORDER-{w}");
                            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            worker.Open.Enqueue((sku, id));
                            if (worker.Open.Count > options.Open)
                            {
                                var (oldSku, oldId) = worker.Open.Dequeue();
                                await reserver.ReleaseAsync(oldSku, oldId);
                            }
                        }

                        return mine;
                    })));
                    var elapsed = clock.Elapsed.TotalSeconds;
                    var after = await probe.TakeAsync();
                    if (counted)
                    {
                        var all = lists.SelectMany(l => l).ToList();
                        latencies[m].AddRange(all);
                        seconds[m] += elapsed;
                        costs[m] = costs[m].Add(after.Minus(before), all.Count);
                    }
                }
            }

            var results = methods.Select((method, m) =>
            {
                var all = latencies[m].Order().ToArray();
                return new RunResult(scenario, method.Item1, all.Length / seconds[m], Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1], costs[m]);
            }).ToArray();
            Console.WriteLine(string.Join(", ", results.Select(r => $"{r.Method} {r.PerSecond:N0}/s p99 {r.P99:F1} ms")));
            return results;
        }

        static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

        static async Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> body) =>
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, _) => await body(item));
    }
}

internal sealed record RunResult(string Scenario, string Method, double PerSecond, double P50, double P99, double Max, Cost Cost);

internal sealed class Worker(Random random, Queue<(string Sku, string Id)> open)
{
    public Random Random { get; } = random;

    public Queue<(string Sku, string Id)> Open { get; } = open;

    public int N { get; set; }
}

/// <summary>What the database and the node spent over some turns, and how many reservations that was.</summary>
internal sealed record Cost(long Reservations, long Commits, long WalBytes, double NodeCpuMs, double PgCpuMs, IReadOnlyDictionary<string, BatchStat> Batchers)
{
    public static Cost Zero { get; } = new(0, 0, 0, 0, 0, new Dictionary<string, BatchStat>());

    public Cost Minus(Cost before) => new(Reservations - before.Reservations, Commits - before.Commits, WalBytes - before.WalBytes,
        NodeCpuMs - before.NodeCpuMs, PgCpuMs - before.PgCpuMs, Batchers.ToDictionary(b => b.Key, b =>
        {
            var a = before.Batchers.GetValueOrDefault(b.Key) ?? BatchStat.Zero;
            return b.Value.Minus(a);
        }));

    public Cost Add(Cost d, long reservations) => new(Reservations + reservations, Commits + d.Commits, WalBytes + d.WalBytes, NodeCpuMs + d.NodeCpuMs, PgCpuMs + d.PgCpuMs,
        Batchers.Keys.Union(d.Batchers.Keys).ToDictionary(k => k, k =>
        {
            var a = Batchers.GetValueOrDefault(k) ?? BatchStat.Zero;
            var b = d.Batchers.GetValueOrDefault(k) ?? BatchStat.Zero;
            return a.Plus(b);
        }));
}

/// <summary>A batcher's batches, items, the items' summed wait for their batch and the batches' summed time in the database.</summary>
internal sealed record BatchStat(long Batches, long Items, double WaitMs, double RunMs)
{
    public static BatchStat Zero { get; } = new(0, 0, 0, 0);

    public BatchStat Minus(BatchStat o) => new(Batches - o.Batches, Items - o.Items, WaitMs - o.WaitMs, RunMs - o.RunMs);

    public BatchStat Plus(BatchStat o) => new(Batches + o.Batches, Items + o.Items, WaitMs + o.WaitMs, RunMs + o.RunMs);
}

/// <summary>
/// Reads what has been spent so far: PostgreSQL's commits (pg_stat_database) and WAL position, the CPU time of this
/// process (node and load generator) and of the PostgreSQL server's processes (/proc), and the node's batchers
/// (the salesorleans.batcher.* instruments).
/// </summary>
internal sealed class Probe : IDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly int _postmaster;
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, double[]> _batchers = new();

    private Probe(NpgsqlDataSource db, int postmaster)
    {
        _db = db;
        _postmaster = postmaster;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("salesorleans.batcher.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Add(instrument.Name.EndsWith("batches", StringComparison.Ordinal) ? 0 : 1, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            Add(instrument.Name.EndsWith("wait", StringComparison.Ordinal) ? 2 : 3, value * 1000, tags));
        _listener.Start();
    }

    public static async Task<Probe> StartAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await cmd.ExecuteScalarAsync())!;
        return new Probe(db, ParentOf(backend) ?? 0);
    }

    public async Task<Cost> TakeAsync()
    {
        await using var cmd = _db.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT xact_commit, pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_database WHERE datname = current_database()");
        long commits = 0, wal = 0;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.NextResultAsync();
            if (await r.ReadAsync())
            {
                commits = r.GetInt64(0);
                wal = (long)r.GetDecimal(1);
            }
        }

        return new Cost(0, commits, wal, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds, PgCpuMs(),
            _batchers.ToDictionary(b => b.Key, b =>
            {
                lock (b.Value)
                {
                    return new BatchStat((long)b.Value[0], (long)b.Value[1], b.Value[2], b.Value[3]);
                }
            }));
    }

    public void Dispose() => _listener.Dispose();

    private void Add(int slot, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var what = "";
        foreach (var tag in tags)
        {
            if (tag.Key == "what")
            {
                what = tag.Value?.ToString() ?? "";
            }
        }

        var sums = _batchers.GetOrAdd(what, _ => new double[4]);
        lock (sums)
        {
            sums[slot] += value;
        }
    }

    private double PgCpuMs()
    {
        if (_postmaster == 0)
        {
            return 0;
        }

        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            var stat = Stat(pid);
            if (stat is { } s && (pid == _postmaster || s.Parent == _postmaster))
            {
                ticks += s.Ticks;
            }
        }

        return ticks * 10; // USER_HZ is 100 on Linux
    }

    private static int? ParentOf(int pid) => Stat(pid)?.Parent;

    private static (int Parent, long Ticks)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state ppid … utime is the 12th, stime the 13th field from here.
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

internal interface IReserver
{
    Task ReserveAsync(string sku, string id, string order);

    Task ReleaseAsync(string sku, string id);
}

/// <summary>Through the stock item grain: the reply comes once the reservation is in PostgreSQL.</summary>
internal sealed class GrainReserver(Func<string, IStockItemGrain> item, ActorInfo actor) : IReserver
{
    public async Task ReserveAsync(string sku, string id, string order)
    {
        var result = await item(sku).Reserve(new ReserveStockCommand(id, 1, order), actor);
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    public async Task ReleaseAsync(string sku, string id)
    {
        var result = await item(sku).Release(new ReleaseStockCommand(id), actor);
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }
}

/// <summary>
/// The relational baseline, as the issue states it: per reservation a transaction that locks the stock row with
/// SELECT … FOR UPDATE, checks what is available and UPDATEs the reserved quantity; committed (synchronous) before
/// the reply. It keeps no reservation record and no journal, which the grain does.
/// </summary>
internal sealed class Baseline(NpgsqlDataSource db) : IReserver
{
    public static async Task SetUpAsync(NpgsqlDataSource db, string[] skus)
    {
        await using var create = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_row_stock (
                sku       text PRIMARY KEY,
                on_hand   numeric(18,3) NOT NULL,
                reserved  numeric(18,3) NOT NULL,
                CHECK (reserved >= 0 AND reserved <= on_hand)
            );
            TRUNCATE bench_row_stock;
            """);
        await create.ExecuteNonQueryAsync();
        await using var insert = db.CreateCommand("INSERT INTO bench_row_stock SELECT s, 100000000, 0 FROM unnest($1::text[]) AS s");
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus });
        await insert.ExecuteNonQueryAsync();
    }

    public Task ReserveAsync(string sku, string id, string order) => ChangeAsync(sku, 1);

    public Task ReleaseAsync(string sku, string id) => ChangeAsync(sku, -1);

    private async Task ChangeAsync(string sku, decimal quantity)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        decimal onHand, reserved;
        await using (var select = new NpgsqlCommand("SELECT on_hand, reserved FROM bench_row_stock WHERE sku = $1 FOR UPDATE", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
            await using var r = await select.ExecuteReaderAsync();
            await r.ReadAsync();
            (onHand, reserved) = (r.GetDecimal(0), r.GetDecimal(1));
        }

        if (reserved + quantity > onHand || reserved + quantity < 0)
        {
            throw new InvalidOperationException($"{sku}: cannot change reserved {reserved} by {quantity}.");
        }

        await using (var update = new NpgsqlCommand("UPDATE bench_row_stock SET reserved = reserved + $2 WHERE sku = $1", connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
            update.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = quantity });
            await update.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
    }
}

/// <summary>One real node (silo + web, as deploy/run.sh starts it) without demo data, on free ports.</summary>
internal static class StockBenchNode
{
    public static async Task<WebApplication> StartAsync(string connection, bool noProjection, bool rowsBehind)
    {
        string[] args =
        [
            $"--ConnectionStrings:Sales={connection}",
            "--urls=http://127.0.0.1:0",
            $"--Node:SiloPort={FreePort()}",
            $"--Node:GatewayPort={FreePort()}",
            $"--Node:ClusterId=bench-{Guid.NewGuid():N}",
            // A throwaway benchmark node: the demo environment, so the production checks (an encrypted key ring) do not refuse it.
            "--environment=Demo",
            "--Seed:DemoData=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
        ];
        // Diagnostics: --no-projection leaves the stock read model out, to see what the projection costs.
        // --rows-behind: no rows in the state's commit, so stock items publish through the outbox to the projector.
        var app = await NodeHost.BuildAsync(args, b =>
        {
            if (noProjection || rowsBehind)
            {
                b.Services.RemoveAll<SalesOrleans.Infrastructure.IStateProjection>();
            }

            if (noProjection)
            {
                b.Services.AddSingleton<IStockEventSink, NoSink>();
            }
        });
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class NoSink : IStockEventSink
{
    public Task PublishAsync(StockPublication publication, CancellationToken ct = default) => Task.CompletedTask;
}

internal sealed record BenchOptions(string Connection, int Concurrency, int Seconds, int WarmupSeconds, int Skus, int Open, string? Only, bool NoProjection, bool Lz4, bool RowsBehind)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var connection = Value("--connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Sales")
            ?? throw new ArgumentException("Give --connection \"Host=…\" (deploy/bench-stock.sh does).");
        return new BenchOptions(connection, Int("--concurrency", 64), Int("--seconds", 10), Int("--warmup", 3), Int("--skus", 10_000), Int("--open", 16), Value("--only"), args.Contains("--no-projection"), args.Contains("--lz4"), args.Contains("--rows-behind"));
    }
}
