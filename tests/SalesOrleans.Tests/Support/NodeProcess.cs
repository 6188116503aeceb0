using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// A node as its own operating-system process (the silo executable built next to the tests or the benchmarks), so a
/// test can <c>kill -9</c> it or send it SIGTERM the way an operator or Kubernetes would, and the soak can watch it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeProcess(Process process, Uri address, string name)
    {
        _process = process;
        Address = address;
        Name = name;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static Task<NodeProcess> StartAsync(string connectionString, string name, params string[] extraArgs) =>
        StartAsync(connectionString, name, TimeSpan.FromSeconds(120), extraArgs);

    /// <param name="readyWithin">How long the node may take to be ready (a node joining a cluster under load on a busy machine takes longer).</param>
    public static async Task<NodeProcess> StartAsync(string connectionString, string name, TimeSpan readyWithin, params string[] extraArgs)
    {
        // A port free when picked can be taken before the node binds it (an outgoing connection's local port comes from
        // the same range): such a start is tried again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(connectionString, name, readyWithin, extraArgs);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<NodeProcess> StartOnceAsync(string connectionString, string name, TimeSpan readyWithin, string[] extraArgs)
    {
        var http = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "SalesOrleans.Silo.dll"),
                     $"--urls=http://127.0.0.1:{http}",
                     $"--ConnectionStrings:Sales={connectionString}",
                     $"--Node:SiloPort={FreePort()}",
                     $"--Node:GatewayPort={FreePort()}",
                     "--environment=Demo",
                     "--Demo:Enabled=true",
                     "--Seed:DemoData=true",
                     "--Seed:DemoDeals=false",
                     "--Logging:LogLevel:Default=Warning",
                     "--Logging:LogLevel:Orleans=Error",
                 }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        var node = new NodeProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{http}"), name);
        try
        {
            await node.WaitReadyAsync(readyWithin);
        }
        catch
        {
            // A node that never got ready is nobody's to stop later: it must not outlive the test.
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the redirected output is drained; this wait returns at its end of stream.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"Node {Name} exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Node {Name} was not ready within {timeout}:\n{Log}");
    }

    /// <summary>An HTTP client with its own cookies, logged in as a demo user.</summary>
    public async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        await LoginAsync(client, user);
        return client;
    }

    /// <summary>Logs a client with a cookie jar in as a demo user and, as the UI does, sends the CSRF token with its writes.</summary>
    public static async Task LoginAsync(HttpClient client, string user)
    {
        (await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "demo" })).EnsureSuccessStatusCode();
        var csrf = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/auth/csrf");
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf.GetProperty("token").GetString());
    }

    /// <summary>The process's resident set (from /proc), in MB: what the machine actually spends on the node.</summary>
    public double ResidentMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>SIGKILL: no chance to finish anything.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an operator's stop or a Kubernetes rolling update sends it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            if (!await WaitExitAsync(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            // Enough to diagnose a failed start without holding a long run's whole output.
            if (_log.Length < 200_000)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    // Below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768–60999 on Debian): a port handed out from
    // that range (binding port 0) could be taken as the local port of any outgoing connection (to PostgreSQL, between
    // silos, the browser) before the node binds it, and was, once, beside two CPU hogs: "Address already in use".
    private const int FirstPort = 20000;
    private static readonly int PortSpan = EphemeralStart() - FirstPort;
    private static int _nextPort = FirstPort + Random.Shared.Next(PortSpan);

    /// <summary>
    /// A loopback port nobody listens on now (for a node's HTTP, silo and gateway ports, and the test mail servers), below
    /// the ephemeral range so no outgoing connection takes it in the meantime, and never one this process handed out
    /// before: nodes starting together would otherwise be given the same port before either binds it. The start is
    /// random, so two test processes on one machine rarely probe the same ports.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < PortSpan; tries++)
        {
            int port;
            lock (HandedOut)
            {
                port = FirstPort + (_nextPort++ - FirstPort) % PortSpan;
                if (!HandedOut.Add(port))
                {
                    continue;
                }
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Someone listens there: the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port between {FirstPort} and {FirstPort + PortSpan}");
    }

    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(FirstPort + 1000, int.Parse(range[0]));
        }
        catch (Exception)
        {
            return 32768;
        }
    }
}
