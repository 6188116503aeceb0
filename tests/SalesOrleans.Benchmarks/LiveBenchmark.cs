using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// Live pushes and the board query at scale: a department with 10,000 open deals, 1,000 SignalR clients watching it
/// (as its supervisor's browsers would), and durable changes at rising rates. Reports pushes delivered per second and
/// change→client latency (from the moment the command is sent to the moment a client has the change), and the board
/// query (the list the board page loads) over the 10,000 deals.
/// </summary>
public static class LiveBenchmark
{
    private const int Deals = 10_000;
    private const int Clients = 1_000;
    private static readonly int[] Rates = [20, 100, 200];

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 10;
        var inNode = !args.Contains("--clients-apart");
        // --nodes 3: a cluster of nodes in this process, the deals' commands and the clients spread evenly over them.
        var (nodeCount, _) = BenchNode.NodesOption(args);
        // The machine may be loaded by other work: a slow statement is not a failure here (the node's default is 15 s).
        if (!connectionString.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
        {
            connectionString += ";Command Timeout=120";
        }

        var nodes = await BenchNode.StartClusterAsync(connectionString, nodeCount);
        var node = nodes[0];
        var addresses = nodes.Select(n => n.Address()).ToList();
        var factories = nodes.Select(n => n.Services.GetRequiredService<IGrainFactory>()).ToArray();
        IGrainFactory Through(int i) => factories[i % factories.Length];
        var address = node.Address();
        var clock = Stopwatch.StartNew();

        // 10,000 open deals in one department.
        var ids = Enumerable.Range(0, Deals).Select(_ => Guid.NewGuid()).ToArray();
        var actor = new ActorInfo("system", ["system"]);
        var t0 = clock.Elapsed;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) =>
        {
            var owner = id.GetHashCode() % 2 == 0 ? "i.petrov" : "m.sokolova";
            var r = await Through(id.GetHashCode() & int.MaxValue).GetGrain<IDealGrain>(id).Create(new CreateDealCommand("industrial-equipment", "Press line", $"Customer {id:N}"[..17], null, owner, "industrial", 25_000m, "EUR", null, null), actor);
            if (!r.Ok)
            {
                throw new InvalidOperationException(r.Error!.Message);
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Deals} open deals created in {(clock.Elapsed - t0).TotalSeconds:0.0} s"));

        // The board query, as the supervisor's board page makes it.
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = address };
        (await http.PostAsJsonAsync("/api/auth/login", new { userName = "s.volkov", password = "demo" })).EnsureSuccessStatusCode();
        var board = new List<double>();
        for (var i = 0; i < 60; i++)
        {
            var q0 = clock.Elapsed.TotalMilliseconds;
            var response = await http.GetAsync("/api/deals?process=industrial-equipment&status=all&limit=500");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            if (i >= 10)
            {
                board.Add(clock.Elapsed.TotalMilliseconds - q0);
            }
        }

        board.Sort();
        var stuck = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var q0 = clock.Elapsed.TotalMilliseconds;
            (await http.GetAsync("/api/deals?overdue=false&limit=500")).EnsureSuccessStatusCode();
            stuck.Add(clock.Elapsed.TotalMilliseconds - q0);
        }

        stuck.Sort();

        // 1,000 browsers of the department, in the node's process unless asked (--clients-apart: a process of their own,
        // which on two shared cores cannot read what the node sends; see docs/benchmarks.md, 2026-12-05).
        t0 = clock.Elapsed;
        ILiveAudience audience = inNode
            ? await LiveClients.ConnectAsync(addresses, Clients, "s.volkov")
            : await LiveClientProcess.StartAsync(addresses, Clients, "s.volkov");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Clients} SignalR clients connected in {(clock.Elapsed - t0).TotalSeconds:0.0} s, {(inNode ? "in the node's process" : "in a process of their own")}, spread over {nodes.Count} node(s)"));

        var results = new List<string>();
        var next = 0;
        var failed = 0;
        var commandLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        // Where a change's time goes after its command: the node's own push instrument, from the change entering the
        // fan-out (the command is durable and projected) to its send to this node's browsers having been written.
        var fanOutToSent = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var pushes = new System.Diagnostics.Metrics.MeterListener();
        pushes.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "salesorleans.live.push.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        pushes.SetMeasurementEventCallback<double>((_, seconds, _, _) => fanOutToSent.Add(seconds * 1000));
        pushes.Start();
        // Each rate twice in the same run: coalesced, then one message per change (as before coalescing).
        var observers = nodes.Select(n => n.Services.GetRequiredService<SalesOrleans.Web.Live.HubLiveObserver>()).ToList();
        foreach (var (rate, coalesce) in Rates.SelectMany(r => new[] { (r, true), (r, false) }))
        {
            observers.ForEach(o => o.Coalesce = coalesce);

            commandLatencies.Clear();
            fanOutToSent.Clear();
            var changes = (int)(rate * seconds);
            // The node's collections (and the clients', unless --clients-apart): a pause shows in every client's latency.
            var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var start = clock.Elapsed.TotalMilliseconds;
            var inflight = new List<Task>(changes);
            for (var i = 0; i < changes; i++)
            {
                var due = start + i * 1000.0 / rate;
                var wait = due - clock.Elapsed.TotalMilliseconds;
                if (wait > 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait));
                }

                // Each change is a durable command on a different deal, so every push is told apart by its deal.
                var id = ids[next++ % ids.Length];
                audience.Issued(id.ToString(), Stopwatch.GetTimestamp());
                inflight.Add(Command(Through(i).GetGrain<IDealGrain>(id), i));
            }

            await Task.WhenAll(inflight);
            if (Volatile.Read(ref failed) > 0)
            {
                Console.WriteLine($"  {failed} commands failed (timed out on the loaded machine); their changes count as not delivered");
                failed = 0;
            }

            var sent = clock.Elapsed.TotalMilliseconds - start;
            var gcs = string.Create(CultureInfo.InvariantCulture,
                $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms");
            await Task.Delay(TimeSpan.FromSeconds(3));
            var received = await audience.EndRow();
            var expected = (long)changes * Clients;
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"{rate,7} | {(coalesce ? "coalesced" : "per change"),-10} | {changes / (sent / 1000),9:0} | {received.Pushes / (sent / 1000),12:0} | {received.Messages / (sent / 1000),10:0} | {100.0 * received.Pushes / expected,6:0.0}% | {received.P50,7:0.0} | {received.P99,7:0.0} | {Percentile(commandLatencies.Order().ToArray(), 0.5),7:0.0} | {Percentile(commandLatencies.Order().ToArray(), 0.99),7:0.0} | {Percentile(fanOutToSent.Order().ToArray(), 0.5),7:0.0} | {Percentile(fanOutToSent.Order().ToArray(), 0.99),7:0.0} | {gcs}"));
            Console.WriteLine(results[^1]);
        }

        async Task Command(IDealGrain deal, int i)
        {
            try
            {
                var t = clock.Elapsed.TotalMilliseconds;
                await deal.AddNote(new AddNoteCommand($"Live benchmark change {i}"), actor);
                commandLatencies.Add(clock.Elapsed.TotalMilliseconds - t);
            }
            catch (TimeoutException)
            {
                Interlocked.Increment(ref failed);
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Board query, {Deals} open deals in the department (500 shown): p50 {Percentile(board.ToArray(), 0.5):0.0} ms, p99 {Percentile(board.ToArray(), 0.99):0.0} ms; department list p50 {Percentile(stuck.ToArray(), 0.5):0.0} ms"));
        Console.WriteLine($"Live pushes to {Clients} SignalR clients of the department over {nodes.Count} node(s) (change→client = command sent → client has it)");
        Console.WriteLine("changes/s wanted | sending | changes/s sent | pushes/s delivered | messages/s | delivered | p50 ms | p99 ms | command p50 ms | command p99 ms | fan-out→sent p50 ms | p99 ms | collections gen0/1/2, paused (while sending)");
        results.ForEach(Console.WriteLine);

        await audience.DisposeAsync();
        await BenchNode.StopAllAsync(nodes);
    }

    private static double Percentile(double[] sorted, double p) => LiveClients.Percentile(sorted, p);
}
