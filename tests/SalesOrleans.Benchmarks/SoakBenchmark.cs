using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// The soak (issue 6): a node as its own process under mixed load — deal notes, reserve-and-release pairs, PBX calls
/// from known and new numbers. First the maximum (closed loop, 16 clients), then open-loop load at 70 % of it for the
/// given minutes, printing each window's throughput, p50/p99, the node's resident memory and its managed heap after the
/// last GC, and at the end the last windows against the first (memory and p99 ratios: flat is close to 1).
/// </summary>
public static class SoakBenchmark
{
    private const int Deals = 200;
    private const int Skus = 50;
    private const int KnownCallers = 500;

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var window = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30);
        await using var node = await NodeProcess.StartAsync(connectionString, "soak");
        var load = await Load.PrepareAsync(node.Address);
        Console.WriteLine($"soak: node pid {node.Pid} on {node.Address}; {Deals} deals, {Skus} SKUs, {KnownCallers} known callers ready; RSS {node.ResidentMb():0} MB");

        var max = await load.ClosedLoopAsync(16, TimeSpan.FromSeconds(20));
        var rate = max * 0.7;
        Console.WriteLine($"soak: maximum {max:0} requests/s (closed loop, 16 clients, 20 s); soaking at 70 % = {rate:0} requests/s for {minutes} min");

        var windows = new List<(double PerSecond, double P50, double P99, double RssMb, double HeapMb, int Errors)>();
        var until = DateTime.UtcNow.AddMinutes(minutes);
        while (DateTime.UtcNow < until)
        {
            var w = await load.OpenLoopAsync(rate, window);
            var rss = node.ResidentMb();
            var heap = await load.HeapAfterLastGcMbAsync();
            windows.Add((w.PerSecond, w.P50, w.P99, rss, heap, w.Errors));
            Console.WriteLine($"soak: window {windows.Count,3}: {w.PerSecond,6:0} requests/s  p50 {w.P50,7:0.0} ms  p99 {w.P99,7:0.0} ms  errors {w.Errors}  node RSS {rss,6:0} MB  GC heap {heap,6:0} MB");
        }

        var take = Math.Max(1, windows.Count / 4);
        var first = windows.Skip(1).Take(take).DefaultIfEmpty(windows[0]).ToList();
        var last = windows.TakeLast(take).ToList();
        // Idle grains leave after their collection age (5 min for customers' grains), so memory settles in the second half.
        var secondHalf = windows.Skip(windows.Count / 2).ToList();
        var p99s = windows.Select(w => w.P99).Order().ToList();
        Console.WriteLine($"soak: {windows.Count} windows of {window.TotalSeconds:0} s at {rate:0} requests/s offered, {windows.Sum(x => x.Errors)} errors; "
            + $"RSS {first.Average(x => x.RssMb):0} → {last.Average(x => x.RssMb):0} MB (×{last.Average(x => x.RssMb) / first.Average(x => x.RssMb):0.00}), "
            + $"second half {secondHalf.Min(x => x.RssMb):0}–{secondHalf.Max(x => x.RssMb):0} MB (GC heap after the last collection {secondHalf.Min(x => x.HeapMb):0}–{secondHalf.Max(x => x.HeapMb):0} MB); "
            + $"p99 {first.Average(x => x.P99):0.0} → {last.Average(x => x.P99):0.0} ms (×{last.Average(x => x.P99) / first.Average(x => x.P99):0.00}), "
            + $"median window p99 {p99s[p99s.Count / 2]:0.0} ms, worst {p99s[^1]:0.0} ms");
    }

    private sealed record Window(double PerSecond, double P50, double P99, int Errors);

    /// <summary>The mixed requests: one of each kind in turn, each against random deals, SKUs and numbers.</summary>
    private sealed class Load(HttpClient seller, HttpClient pbx, HttpClient admin, IReadOnlyList<Guid> deals)
    {
        private long _sequence;

        /// <summary>The managed heap as the last garbage collection left it (the runtime's metric on /metrics): what is really kept.</summary>
        public async Task<double> HeapAfterLastGcMbAsync()
        {
            var text = await admin.GetStringAsync("/metrics");
            return text.Split('\n')
                .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)) / (1024 * 1024);
        }

        public static async Task<Load> PrepareAsync(Uri address)
        {
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, CookieContainer = new CookieContainer() };
            var seller = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            await NodeProcess.LoginAsync(seller, "k.weber");
            var keeper = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
            await NodeProcess.LoginAsync(keeper, "w.lager");
            var pbx = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            var admin = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
            await NodeProcess.LoginAsync(admin, "admin");
            pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");

            for (var i = 0; i < Skus; i++)
            {
                (await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = $"SOAK-{i}", name = $"Soak item {i}", unit = "pcs", price = 10, kind = "Stocked" })).EnsureSuccessStatusCode();
                (await keeper.PostAsJsonAsync($"/api/stock/SOAK-{i}/receipts", new { warehouse = "main", quantity = 1_000_000, batch = "S-1" })).EnsureSuccessStatusCode();
            }

            var ids = new List<Guid>();
            for (var i = 0; i < Deals; i++)
            {
                var id = Guid.NewGuid();
                (await seller.PostAsJsonAsync("/api/deals", new { id, processKind = "training-sales", title = $"Soak deal {i}", company = "Hansa Print", amount = 1000 })).EnsureSuccessStatusCode();
                ids.Add(id);
            }

            return new Load(seller, pbx, admin, ids);
        }

        /// <summary>One request of the mix; answers whether it succeeded.</summary>
        private async Task<bool> OneAsync()
        {
            var n = Interlocked.Increment(ref _sequence);
            var random = Random.Shared;
            HttpResponseMessage response;
            switch (n % 4)
            {
                case 0:
                    response = await seller.PostAsJsonAsync($"/api/deals/{deals[random.Next(deals.Count)]}/notes", new { text = $"soak note {n}" });
                    break;
                case 1:
                {
                    // Reserve then release: stock items stay busy without filling up.
                    var sku = $"SOAK-{random.Next(Skus)}";
                    response = await seller.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse = "main", quantity = 1, order = $"SOAK-{n}", line = 1, reservationId = $"soak-{n}" });
                    if (response.IsSuccessStatusCode)
                    {
                        response.Dispose();
                        response = await seller.DeleteAsync($"/api/stock/{sku}/reservations/soak-{n}?warehouse=main");
                    }

                    break;
                }

                default:
                {
                    // A call: mostly known customers, one in five a new number.
                    var caller = n % 5 == 0 ? $"+7918{n % 10_000_000:D7}" : $"+7919{random.Next(KnownCallers):D7}";
                    var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                    var name = (n / 4 % 4) switch { 0 => "incoming", 1 => "ringing", 2 => "answered", _ => "hangup" };
                    response = await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = name, call_id = $"soak-{n / 16}", caller, called = "+74952233211", ts });
                    break;
                }
            }

            using (response)
            {
                return response.IsSuccessStatusCode;
            }
        }

        public async Task<double> ClosedLoopAsync(int clients, TimeSpan duration)
        {
            var done = 0L;
            var until = DateTime.UtcNow + duration;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (DateTime.UtcNow < until)
                {
                    await OneAsync();
                    Interlocked.Increment(ref done);
                }
            })));
            return done / duration.TotalSeconds;
        }

        /// <summary>Requests start on schedule whatever the latency (open loop), so a slowing node shows in p99.</summary>
        public async Task<Window> OpenLoopAsync(double rate, TimeSpan duration)
        {
            var latencies = new ConcurrentBag<double>();
            var errors = 0;
            var running = new List<Task>();
            var clock = Stopwatch.StartNew();
            var total = (int)(rate * duration.TotalSeconds);
            for (var i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                running.Add(Task.Run(async () =>
                {
                    var start = clock.Elapsed.TotalMilliseconds;
                    bool ok;
                    try
                    {
                        ok = await OneAsync();
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        ok = false;
                    }

                    latencies.Add(clock.Elapsed.TotalMilliseconds - start);
                    if (!ok)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }));
            }

            await Task.WhenAll(running);
            var sorted = latencies.Order().ToArray();
            double P(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            return new Window(sorted.Length / clock.Elapsed.TotalSeconds, P(0.5), P(0.99), errors);
        }
    }
}
