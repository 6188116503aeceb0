using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Leads;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// PBX events through the real HTTP path (POST /api/telephony/calls on a node, acknowledged once durable), as a PBX
/// sends them: one sequential sender (Kamailio's HTTP worker posts one event at a time), and 8 senders offered
/// 1,200 events/s between them. Baselines from the same run, measured in turns with them: the single-row upsert ceiling of the same PostgreSQL at
/// 1 and 8 clients. Where the time goes: the call grain's Record without HTTP and the group-commit write alone, each
/// with one sequential caller, and a call's first event (activation) against its later ones. Afterwards: how long until every call is settled in the
/// call log (the work after the acknowledgement).
/// Callers: 80 % known customers (their calls join history), 20 % new numbers (each makes a lead), as on a usual day.
/// </summary>
public static class CallWebhookBenchmark
{
    private const string Called = "+74952233211";

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 10;
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(3, seconds / 3));

        var node = await BenchNode.StartAsync(connectionString);
        var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var address = node.Address();
        await UpsertCeiling.CreateTableAsync(dataSource);

        var calls = new Calls();
        // Known customers: numbers that called before (contacts and leads exist).
        var known = Enumerable.Range(0, 200).Select(_ => calls.NewNumber()).ToArray();
        using (var http = Client(address))
        {
            foreach (var chunk in known.Chunk(25))
            {
                await Task.WhenAll(chunk.Select(async number =>
                {
                    var (callId, bodies) = calls.Next(number);
                    foreach (var body in bodies)
                    {
                        await Post(http, body);
                    }

                    calls.Finished.Add(callId);
                }));
            }
        }

        // A node runs for days: its hot paths are compiled at full optimisation before anything is measured.
        await Measure.RunAsync("warm-up", 8, TimeSpan.Zero, TimeSpan.FromSeconds(Math.Min(10, seconds)), _ => Sender(address, calls, known));

        // The warm-up's calls settle first (3 s after their last event): their work is not the rows' load.
        await Drain(dataSource, calls);

        // The headline rows take turns with their baseline, a second each: on a shared machine both see the same load.
        Console.WriteLine("  measuring 1 sequential sender and the upsert ceiling at 1 client, in turns");
        var (webhook1, ceiling1) = await UpsertCeiling.InTurns(_ => Sender(address, calls, known), _ => CeilingClient(dataSource), 1, duration);
        Console.WriteLine("  measuring 8 senders offered 1,200 events/s and the upsert ceiling at 8 clients, in turns");
        var (webhook8, ceiling8) = await UpsertCeiling.InTurns(Paced(8, 1_200, _ => Sender(address, calls, known)), _ => CeilingClient(dataSource), 8, duration);

        // The work after the acknowledgements: every call settled in the call log.
        var (lag, unsettled) = await Drain(dataSource, calls);
        var made = calls.Finished.Count;

        // Where the time goes: the same path cut shorter, each alone after a pause. (Process CPU per event is not
        // printed: on a machine shared with other work it swung with the other processes' load, even below zero
        // once the node's idle was taken off; dotnet-trace is the tool for that.)
        var diagnosis = duration / 2;
        await Task.Delay(TimeSpan.FromSeconds(5));
        Console.WriteLine("  measuring where the time goes");
        // The process's CPU per event with one sequential sender: the node's acknowledgement and follow-up work plus the
        // sender itself. On a shared machine this moves far less with the other processes' load than events/s does.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long posted = 0;
        var alone1 = await Measure.RunAsync("webhook", 1, warmup, diagnosis, _ =>
        {
            var send = Sender(address, calls, known);
            return async () =>
            {
                await send();
                Interlocked.Increment(ref posted);
            };
        });
        var cpuPerEvent = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, Interlocked.Read(ref posted));
        var grain1 = await Measure.RunAsync("grain", 1, warmup, diagnosis, _ => GrainSender(grains, calls, known));
        var storage1 = await Measure.RunAsync("storage", 1, warmup, diagnosis, _ => StorageWriter(node.Services));

        Console.WriteLine();
        Console.WriteLine("PBX events through POST /api/telephony/calls (durable before the reply) vs. the single-row upsert ceiling (same PostgreSQL, same run)");
        Console.WriteLine($"{"row",-44} | {"events/s",9} {"p50 ms",7} {"p99 ms",7} | {"upsert/s",9} {"p50 ms",7} {"p99 ms",7} | {"ratio",6}");
        Row("1 sequential sender", webhook1, ceiling1);
        Row("8 senders, 1,200 events/s offered", webhook8, ceiling8);
        Console.WriteLine("where the time goes (1 sequential caller each, one after the other; ratio against the interleaved ceiling above):");
        Row("  the webhook alone", alone1, ceiling1);
        Row("  call grain Record, no HTTP", grain1, ceiling1);
        Row("  group-commit write of a call state alone", storage1, ceiling1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  process CPU per event, the webhook alone (node, sender, follow-up work): {cpuPerEvent:0.00} ms"));
        var incoming = GrainLatencies.Where(l => l.Event == "incoming").Select(l => l.Ms).Order().ToArray();
        var later = GrainLatencies.Where(l => l.Event != "incoming").Select(l => l.Ms).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  call grain Record p50: {Percentile(incoming, 0.5):0.00} ms for a call's first event (activation and read), {Percentile(later, 0.5):0.00} ms for the later ones"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{made} calls: {(unsettled == 0 ? "all" : $"{made - unsettled}")} settled in the call log {lag.TotalSeconds:0.0} s after the last event was acknowledged (settle delay 3 s)"));
        await node.StopAsync();
    }

    /// <summary>Waits until every finished call is settled in the call log (at most 3 minutes): how long, and how many are not.</summary>
    private static async Task<(TimeSpan Lag, long Unsettled)> Drain(NpgsqlDataSource dataSource, Calls calls)
    {
        var drain = Stopwatch.StartNew();
        long unsettled;
        do
        {
            await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM call_log WHERE call_id = ANY($1) AND settled");
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = calls.Finished.ToArray() });
            unsettled = calls.Finished.Count - (long)(await cmd.ExecuteScalarAsync())!;
            if (unsettled > 0)
            {
                await Task.Delay(250);
            }
        }
        while (unsettled > 0 && drain.Elapsed < TimeSpan.FromSeconds(180));
        return (drain.Elapsed, unsettled);
    }

    private static void Row(string name, Figures row, Figures ceiling) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-44} | {row.PerSecond,9:0} {row.P50Ms,7:0.00} {row.P99Ms,7:0.00} | {ceiling.PerSecond,9:0} {ceiling.P50Ms,7:0.00} {ceiling.P99Ms,7:0.00} | {row.PerSecond / ceiling.PerSecond,6:0.00}"));

    private static readonly System.Collections.Concurrent.ConcurrentBag<(string Event, double Ms)> GrainLatencies = [];

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>
    /// N senders, each sequential (waits for an answer before its next event), paced so that together they offer
    /// <paramref name="offered"/> events/s. A sender behind its schedule sends at once but builds up no debt (no burst
    /// after a pause). The latency is each request's.
    /// </summary>
    private static Func<int, Func<Task>> Paced(int senders, double offered, Func<int, Func<Task>> clientFactory)
    {
        var interval = TimeSpan.FromSeconds(senders / offered);
        return i =>
        {
            var send = clientFactory(i);
            var clock = Stopwatch.StartNew();
            // Spread the senders over one interval.
            var next = interval * i / senders;
            return async () =>
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                next = TimeSpan.FromTicks(Math.Max(next.Ticks, (clock.Elapsed - interval).Ticks)) + interval;
                await send();
            };
        };
    }

    private static HttpClient Client(Uri address)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
        return http;
    }

    private static async Task Post(HttpClient http, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/telephony/calls", content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>One sender: the events of one call after another, each posted once the previous one is acknowledged.</summary>
    private static Func<Task> Sender(Uri address, Calls calls, string[] known)
    {
        var http = Client(address);
        var pending = new Queue<string>();
        var callId = "";
        return async () =>
        {
            if (pending.Count == 0)
            {
                (callId, var bodies) = calls.Next(Random.Shared.NextDouble() < 0.8 ? known[Random.Shared.Next(known.Length)] : calls.NewNumber());
                foreach (var body in bodies)
                {
                    pending.Enqueue(body);
                }
            }

            await Post(http, pending.Dequeue());
            if (pending.Count == 0)
            {
                // Only calls whose every event was acknowledged are waited for in the call log.
                calls.Finished.Add(callId);
            }
        };
    }

    /// <summary>The same events straight to the call grain (what the endpoint does after parsing), to split off HTTP's share.</summary>
    private static Func<Task> GrainSender(IGrainFactory grains, Calls calls, string[] known)
    {
        var pending = new Queue<CallEvent>();
        return async () =>
        {
            if (pending.Count == 0)
            {
                var callId = Guid.NewGuid().ToString("N");
                var caller = Random.Shared.NextDouble() < 0.8 ? known[Random.Shared.Next(known.Length)] : calls.NewNumber();
                var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                foreach (var (name, offset) in Calls.Stages)
                {
                    pending.Enqueue(new CallEvent(name, callId, caller, Called, ts + offset, null, null, null, null, null));
                }
            }

            var e = pending.Dequeue();
            var watch = Stopwatch.StartNew();
            await grains.GetGrain<ICallGrain>(CallGrain.KeyOf(e.CallId)).Record(e);
            GrainLatencies.Add((e.Event, watch.Elapsed.TotalMilliseconds));
            if (pending.Count == 0)
            {
                calls.Finished.Add(e.CallId);
            }
        };
    }

    /// <summary>A call grain's state written through the group-commit storage, one grain after another, as the call grain does.</summary>
    private static Func<Task> StorageWriter(IServiceProvider services)
    {
        var storage = services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(SalesOrleans.Infrastructure.StorageNames.GroupCommit);
        GrainState<CallState>? state = null;
        GrainId id = default;
        var writes = 0;
        return async () =>
        {
            if (state is null || writes++ % 4 == 0)
            {
                id = GrainId.Create("call", $"bench-storage-{Guid.NewGuid():N}");
                state = new GrainState<CallState>(new CallState { CallId = id.Key.ToString(), Caller = "+79161234567", Called = Called });
            }

            state.State!.Events.Add(new SalesOrleans.Domain.Leads.CallEventRecord("ringing", writes, null, null, null));
            await storage.WriteStateAsync("call", id, state);
        };
    }

    private static Func<Task> CeilingClient(NpgsqlDataSource dataSource) => UpsertCeiling.Client(dataSource, 512);

    /// <summary>Calls as a PBX reports them: incoming, ringing, answered, hangup (or no answer for every fourth).</summary>
    private sealed class Calls
    {
        public static readonly (string Name, double Offset)[] Stages = [("incoming", 0.0), ("ringing", 0.1), ("answered", 2.0), ("hangup", 30.0)];
        private static readonly (string Name, double Offset)[] Missed = [("incoming", 0.0), ("ringing", 0.1), ("no_answer", 25.0)];
        private int _number = Random.Shared.Next(0, 1_000_000);
        private int _count;

        public System.Collections.Concurrent.ConcurrentBag<string> Finished { get; } = [];

        public string NewNumber() => $"+7916{Interlocked.Increment(ref _number) % 10_000_000:D7}";

        public (string CallId, IReadOnlyList<string> Bodies) Next(string caller)
        {
            var callId = Guid.NewGuid().ToString("N");
            var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            var stages = Interlocked.Increment(ref _count) % 4 == 0 ? Missed : Stages;
            return (callId, stages.Select(st => string.Create(CultureInfo.InvariantCulture,
                $$"""{"event":"{{st.Name}}","call_id":"{{callId}}","caller":"{{caller}}","called":"{{Called}}","ts":{{ts + st.Offset:0.000}}}""")).ToList());
        }
    }
}
