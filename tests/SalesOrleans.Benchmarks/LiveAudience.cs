using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SalesOrleans.Benchmarks;

/// <summary>What a row of the live benchmark saw arrive: pushes matched to their change, messages, latency percentiles.</summary>
public sealed record LiveReceipts(long Pushes, long Messages, double P50, double P99);

/// <summary>
/// The 1,000 browsers of the live benchmark: SignalR clients of the supervisor's department that time each change from
/// its command being sent (<see cref="Issued"/>) to their having it. Times are <see cref="Stopwatch"/> timestamps, the
/// machine's monotonic clock, so they compare across processes.
/// </summary>
public interface ILiveAudience : IAsyncDisposable
{
    void Issued(string id, long timestamp);

    /// <summary>Ends a row: its receipts, and a clean slate for the next.</summary>
    Task<LiveReceipts> EndRow();
}

/// <summary>
/// The clients, their connections and their latencies. In the node's process (the old layout) or in a process of their own
/// (<c>live-clients</c>), so that the node's collections do not pause them and theirs do not pause the node, as with
/// browsers on their own devices.
/// </summary>
public sealed class LiveClients : ILiveAudience
{
    private readonly ConcurrentDictionary<string, long> _issued = new(StringComparer.Ordinal);
    // A push that arrives before its issue line (the other process reads its input later): matched when the line comes.
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _early = new(StringComparer.Ordinal);
    private readonly List<Watcher> _watchers = [];
    private readonly List<double> _late = [];

    /// <summary>Connects the clients spread evenly over the nodes' addresses, each node's with its own sign-in.</summary>
    public static async Task<LiveClients> ConnectAsync(IReadOnlyList<Uri> addresses, int clients, string user)
    {
        var signedIn = new List<CookieContainer>();
        foreach (var address in addresses)
        {
            var cookies = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = address };
            (await http.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "demo" })).EnsureSuccessStatusCode();
            signedIn.Add(cookies);
        }

        var audience = new LiveClients();
        for (var batch = 0; batch < clients; batch += 50)
        {
            var watchers = await Task.WhenAll(Enumerable.Range(batch, Math.Min(50, clients - batch)).Select(async n =>
            {
                var (address, cookies) = (addresses[n % addresses.Count], signedIn[n % addresses.Count]);
                var connection = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/live"), o => o.Cookies = cookies).Build();
                var watcher = new Watcher(connection);
                connection.On<List<Push>>("changes", pushes => audience.Received(watcher, pushes));
                await connection.StartAsync();
                return watcher;
            }));
            audience._watchers.AddRange(watchers);
        }

        return audience;
    }

    public void Issued(string id, long timestamp)
    {
        _issued[id] = timestamp;
        if (_early.TryRemove(id, out var early))
        {
            foreach (var at in early)
            {
                Record(Stopwatch.GetElapsedTime(timestamp, at).TotalMilliseconds);
            }
        }
    }

    public Task<LiveReceipts> EndRow()
    {
        var all = new List<double>();
        long messages = 0;
        foreach (var w in _watchers)
        {
            lock (w)
            {
                all.AddRange(w.Latencies);
                messages += w.Messages;
                w.Latencies.Clear();
                w.Seen.Clear();
                w.Messages = 0;
            }
        }

        lock (_late)
        {
            all.AddRange(_late);
            _late.Clear();
        }

        _early.Clear();
        var sorted = all.Order().ToArray();
        return Task.FromResult(new LiveReceipts(sorted.Length, messages, Percentile(sorted, 0.5), Percentile(sorted, 0.99)));
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_watchers.Select(w => w.Connection.DisposeAsync().AsTask()));

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    private void Record(double latency)
    {
        lock (_late)
        {
            _late.Add(latency);
        }
    }

    private void Received(Watcher watcher, List<Push> pushes)
    {
        var now = Stopwatch.GetTimestamp();
        lock (watcher)
        {
            watcher.Messages++;
            foreach (var push in pushes)
            {
                if (!watcher.Seen.Add(push.Id))
                {
                    continue;
                }

                if (_issued.TryGetValue(push.Id, out var sentAt))
                {
                    watcher.Latencies.Add(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
                }
                else
                {
                    _early.GetOrAdd(push.Id, _ => []).Add(now);
                }
            }
        }
    }

    /// <summary>
    /// <c>live-clients &lt;address[,address…]&gt; &lt;clients&gt; &lt;user&gt;</c>: the clients in a process of their own, driven over stdin
    /// ("I id timestamp" for each change, "R" to end a row, answered by one line of receipts) until stdin closes.
    /// </summary>
    public static async Task RunProcessAsync(string[] args)
    {
        await using var audience = await ConnectAsync(args[0].Split(',').Select(a => new Uri(a)).ToList(), int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0] == "I")
            {
                audience.Issued(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture));
            }
            else if (parts[0] == "R")
            {
                var r = await audience.EndRow();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Pushes} {r.Messages} {r.P50:R} {r.P99:R}"));
            }
        }
    }

    private sealed class Watcher(HubConnection connection)
    {
        public HubConnection Connection { get; } = connection;

        public HashSet<string> Seen { get; } = [];

        public List<double> Latencies { get; } = [];

        public long Messages { get; set; }
    }

    // The card's JSON is read as a browser's page would parse it, though nothing here uses it.
    private sealed record Push(string Kind, string Id, long Seq, string Json);
}

/// <summary>The clients in a child process of this benchmark (<c>live-clients</c>), driven through its stdin.</summary>
public sealed class LiveClientProcess : ILiveAudience
{
    private readonly Process _process;

    private LiveClientProcess(Process process) => _process = process;

    public static async Task<LiveClientProcess> StartAsync(IReadOnlyList<Uri> addresses, int clients, string user)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Run as "dotnet SalesOrleans.Benchmarks.dll" (deploy/bench.sh) or as the apphost.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(LiveClientProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "live-clients", string.Join(',', addresses), clients.ToString(CultureInfo.InvariantCulture), user })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.StandardInput.AutoFlush = true;
        var first = await process.StandardOutput.ReadLineAsync();
        if (first != "ready")
        {
            throw new InvalidOperationException($"The client process did not start: {first}");
        }

        return new LiveClientProcess(process);
    }

    public void Issued(string id, long timestamp)
    {
        lock (_process)
        {
            _process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"I {id} {timestamp}"));
        }
    }

    public async Task<LiveReceipts> EndRow()
    {
        lock (_process)
        {
            _process.StandardInput.WriteLine("R");
        }

        var parts = (await _process.StandardOutput.ReadLineAsync())!.Split(' ');
        return new LiveReceipts(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
