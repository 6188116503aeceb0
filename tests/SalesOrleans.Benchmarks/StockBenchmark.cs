using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
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
        // --only hot|spread runs one scenario; --no-projection and --lz4 are for finding where the time goes.

        var options = BenchOptions.Parse(args);
        Console.WriteLine($"concurrency {options.Concurrency}, {options.Seconds} s measured after {options.WarmupSeconds} s warm-up, " +
            $"{options.Skus:N0} SKUs spread, {options.Open} open reservations per worker");

        await using var node = await StockBenchNode.StartAsync(options.Connection, options.NoProjection);
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

        Console.Write("Setting up catalogue, stock items and baseline rows… ");
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
        if (options.Only is null or "hot")
        {
            var writesBefore = await HotWritesAsync();
            results.Add(await RunAsync("hot SKU", "grain", _ => HotSku, new GrainReserver(Item, actor)));
            var (writes, bytes) = await HotStateAsync();
            Console.WriteLine($"  hot stock item: {writes - writesBefore:N0} state writes in warm-up and run, {bytes / 1024.0:N0} KiB stored state at the end");
            results.Add(await RunAsync("hot SKU", "row lock", _ => HotSku, new Baseline(baselineDb)));
        }

        if (options.Only is null or "spread")
        {
            results.Add(await RunAsync(spreadName, "grain", r => spread[r.Next(spread.Length)], new GrainReserver(Item, actor)));
            results.Add(await RunAsync(spreadName, "row lock", r => spread[r.Next(spread.Length)], new Baseline(baselineDb)));
        }

        Console.WriteLine();
        Console.WriteLine($"{"scenario",-14} {"method",-9} {"reservations/s",15} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Scenario,-14} {r.Method,-9} {r.PerSecond,15:N0} {r.P50,8:F1} {r.P99,8:F1} {r.Max,8:F1}");
        }

        foreach (var scenario in results.Select(r => r.Scenario).Distinct())
        {
            var grain = results.Single(r => r.Scenario == scenario && r.Method == "grain");
            var rowLock = results.Single(r => r.Scenario == scenario && r.Method == "row lock");
            Console.WriteLine($"{scenario}: grain / row lock = {grain.PerSecond / rowLock.PerSecond:F2}x throughput, p99 {grain.P99:F1} vs {rowLock.P99:F1} ms");
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

        async Task<RunResult> RunAsync(string scenario, string method, Func<Random, string> pickSku, IReserver reserver)
        {
            Console.Write($"{scenario} / {method}… ");
            var run = Guid.NewGuid().ToString("N")[..8];
            var measuring = false;
            var stop = false;
            var latencies = new List<double>[options.Concurrency];
            var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                var open = new Queue<(string Sku, string Id)>();
                var mine = latencies[w] = new List<double>(100_000);
                for (var n = 0; !Volatile.Read(ref stop); n++)
                {
                    var sku = pickSku(random);
                    var id = $"{run}-{w}-{n}";
                    var started = Stopwatch.GetTimestamp();
                    await reserver.ReserveAsync(sku, id, $"BENCH-ORDER-{w}");
                    if (Volatile.Read(ref measuring))
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    open.Enqueue((sku, id));
                    if (open.Count > options.Open)
                    {
                        var (oldSku, oldId) = open.Dequeue();
                        await reserver.ReleaseAsync(oldSku, oldId);
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));
            Volatile.Write(ref measuring, true);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
            Volatile.Write(ref measuring, false);
            var elapsed = clock.Elapsed.TotalSeconds;
            Volatile.Write(ref stop, true);
            await Task.WhenAll(workers);

            var all = latencies.SelectMany(l => l).Order().ToArray();
            var result = new RunResult(scenario, method, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1]);
            Console.WriteLine($"{result.PerSecond:N0}/s, p99 {result.P99:F1} ms");
            return result;
        }

        static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

        static async Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> body) =>
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, _) => await body(item));
    }
}

internal sealed record RunResult(string Scenario, string Method, double PerSecond, double P50, double P99, double Max);

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
    public static async Task<WebApplication> StartAsync(string connection, bool noProjection)
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
        var app = await NodeHost.BuildAsync(args, noProjection ? b => b.Services.AddSingleton<IStockEventSink, NoSink>() : null);
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

internal sealed record BenchOptions(string Connection, int Concurrency, int Seconds, int WarmupSeconds, int Skus, int Open, string? Only, bool NoProjection, bool Lz4)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var connection = Value("--connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Sales")
            ?? throw new ArgumentException("Give --connection \"Host=…\" (deploy/bench-stock.sh does).");
        return new BenchOptions(connection, Int("--concurrency", 64), Int("--seconds", 10), Int("--warmup", 3), Int("--skus", 10_000), Int("--open", 16), Value("--only"), args.Contains("--no-projection"), args.Contains("--lz4"));
    }
}
