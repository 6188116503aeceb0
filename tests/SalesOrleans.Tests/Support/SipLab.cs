using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// A real SIP path for the telephony tests (STACK.md): a Kamailio stateful proxy that posts call events to the
/// node's webhook, and three SIPp callees picked by the called number's last digit (1 answers, 2 is busy, 3 rings
/// until cancelled). Callers are SIPp runs with a CSV of "caller;called;name". Everything on loopback UDP.
/// </summary>
public sealed partial class SipLab : IAsyncDisposable
{
    private readonly string _dir;
    private readonly List<int> _pids = [];

    private SipLab(string dir, int proxyPort)
    {
        _dir = dir;
        ProxyPort = proxyPort;
    }

    public int ProxyPort { get; }

    private static string Scenarios => Path.Combine(AppContext.BaseDirectory, "Sip");

    public static async Task<SipLab> StartAsync(Uri webhook, string apiKey)
    {
        foreach (var binary in new[] { "/usr/sbin/kamailio", "/usr/bin/sipp" })
        {
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException($"{binary} is missing: apt-get install kamailio kamailio-utils-modules kamailio-extra-modules sip-tester (deploy/test.sh does).");
            }
        }

        var dir = Path.Combine(Path.GetTempPath(), $"siplab-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        var lab = new SipLab(dir, FreeUdpPort());
        try
        {
            var callees = new Dictionary<string, int> { ["answer"] = FreeUdpPort(), ["busy"] = FreeUdpPort(), ["ring"] = FreeUdpPort() };
            foreach (var (behaviour, port) in callees)
            {
                // In background mode the launcher exits with 99 once the daemon runs; the PID is what counts.
                var output = await Run("/usr/bin/sipp", $"-sf {Scenarios}/uas-{behaviour}.xml -i 127.0.0.1 -p {port} -bg -trace_err -error_file {dir}/uas-{behaviour}.err", 0, 99);
                lab._pids.Add(int.Parse(BackgroundPid().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            var config = (await File.ReadAllTextAsync(Path.Combine(Scenarios, "kamailio.cfg")))
                .Replace("@LISTEN@", $"127.0.0.1:{lab.ProxyPort}")
                .Replace("@CALLEE@", $"127.0.0.1:{callees["answer"]}")
                .Replace("@CALLEE_BUSY@", $"127.0.0.1:{callees["busy"]}")
                .Replace("@CALLEE_RING@", $"127.0.0.1:{callees["ring"]}")
                .Replace("@WEBHOOK@", new Uri(webhook, "/api/telephony/calls").ToString())
                .Replace("@APIKEY@", apiKey)
                .Replace("@RUNDIR@", $"{dir}/run");
            await File.WriteAllTextAsync(Path.Combine(dir, "kamailio.cfg"), config);
            // Absolute paths: the daemon changes directory to /.
            // Its log (webhook deliveries that failed) stays in the lab's folder for ProxyLogAsync.
            await Run("/usr/sbin/kamailio", $"-f {dir}/kamailio.cfg -Y {dir}/run -m 64 -M 8 -P {dir}/run/kamailio.pid", log: Path.Combine(dir, "kamailio.log"));
            for (var i = 0; i < 50 && !File.Exists($"{dir}/run/kamailio.pid"); i++)
            {
                await Task.Delay(50);
            }

            lab._pids.Add(int.Parse((await File.ReadAllTextAsync($"{dir}/run/kamailio.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Places the calls (one SIPp run of the scenario, one call per row, one after the other); fails if any call fails.</summary>
    public async Task CallAsync(string scenario, params (string Caller, string Called, string Name)[] calls)
    {
        var csv = Path.Combine(_dir, $"calls-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, new[] { "SEQUENTIAL" }.Concat(calls.Select(c => $"{c.Caller};{c.Called};{c.Name};")));
        var errors = Path.Combine(_dir, $"{scenario}-{Guid.NewGuid():N}.err");
        try
        {
            await Run("/usr/bin/sipp", $"127.0.0.1:{ProxyPort} -sf {Scenarios}/{scenario}.xml -inf {csv} -m {calls.Length} -l 1 -i 127.0.0.1 -p {FreeUdpPort()} -nostdin -timeout 30s -trace_err -error_file {errors}");
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{(File.Exists(errors) ? await File.ReadAllTextAsync(errors) : "")}", ex);
        }
    }

    /// <summary>
    /// A burst: one SIPp run placing the calls at <paramref name="callsPerSecond"/>, many at once (a real PBX's load,
    /// not one after the other). Calls the proxy could not complete are the PBX's business, not the webhook's: only a
    /// run that cannot start fails.
    /// </summary>
    public async Task BurstAsync(string scenario, double callsPerSecond, params (string Caller, string Called, string Name)[] calls)
    {
        var csv = Path.Combine(_dir, $"burst-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, new[] { "SEQUENTIAL" }.Concat(calls.Select(c => $"{c.Caller};{c.Called};{c.Name};")));
        var errors = Path.Combine(_dir, $"{scenario}-{Guid.NewGuid():N}.err");
        var rate = (int)Math.Round(callsPerSecond * 10);
        await Run("/usr/bin/sipp", $"127.0.0.1:{ProxyPort} -sf {Scenarios}/{scenario}.xml -inf {csv} -m {calls.Length} -r {rate} -rp 10000 -l 100 -i 127.0.0.1 -p {FreeUdpPort()} -nostdin -timeout 120s -trace_err -error_file {errors}", 0, 1);
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM, not SIGKILL: Kamailio's main process then stops its children too.
        foreach (var pid in _pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                using (var kill = Process.Start(new ProcessStartInfo("/bin/kill", $"-TERM {pid}") { UseShellExecute = false })!)
                {
                    await kill.WaitForExitAsync();
                }

                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await process.WaitForExitAsync(wait.Token);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (OperationCanceledException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Runs a wait; if it times out, the timeout says what the test saw (<paramref name="seen"/>) and what the proxy
    /// logged, so a failure on a busy CI machine tells a lost webhook delivery from a call that did not settle.
    /// </summary>
    public async Task<T> Explained<T>(Func<Task<T>> wait, Func<string> seen)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nseen:\n{seen()}\nproxy log:\n{await ProxyLogAsync()}", ex);
        }
    }

    /// <summary>What the proxy logged (a webhook delivery it gave up on, for one): for a failing test's message.</summary>
    public async Task<string> ProxyLogAsync()
    {
        var log = Path.Combine(_dir, "kamailio.log");
        return File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
    }

    private static Task<string> Run(string file, string args, params int[] okExitCodes) => Run(file, args, null, okExitCodes);

    /// <param name="log">Where the output goes and stays (a daemon's log); otherwise a temporary file read and deleted.</param>
    private static async Task<string> Run(string file, string args, string? log, params int[] okExitCodes)
    {
        var output = log ?? Path.Combine(Path.GetTempPath(), $"sip-{Guid.NewGuid():N}.out");
        // Output through a file: SIPp's and Kamailio's background children would hold a pipe open forever.
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", $"-c \"exec {file} {args} > {output} 2>&1\"") { UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await process.WaitForExitAsync(timeout.Token);
        var text = File.Exists(output) ? await File.ReadAllTextAsync(output) : "";
        if (log is null)
        {
            File.Delete(output);
        }
        if (!(okExitCodes.Length == 0 ? [0] : okExitCodes).Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {text[..Math.Min(text.Length, 2000)]}");
        }

        return text;
    }

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    [GeneratedRegex(@"PID=\[(\d+)\]")]
    private static partial Regex BackgroundPid();
}
