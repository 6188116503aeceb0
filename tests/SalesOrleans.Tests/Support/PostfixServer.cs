using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// A private Postfix instance (STACK.md) on a loopback port that delivers the domain salesorleans.test over LMTP
/// to a Dovecot and bounces every other domain, so nothing can leave the machine. Needs the Debian package postfix.
/// </summary>
public sealed class PostfixServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/postfix";

    private readonly string _dir;

    private PostfixServer(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <param name="customerDomains">More domains delivered to the same Dovecot (a customer's mailbox "petra@hansa-print.example" is the user "petra").</param>
    public static async Task<PostfixServer> StartAsync(int lmtpPort, int? smtpPort = null, params string[] customerDomains)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install postfix (deploy/test.sh does).");
        }

        var dir = Path.Combine(Path.GetTempPath(), $"postfix-{Guid.NewGuid():N}");
        foreach (var sub in new[] { "conf", "queue", "data", "log" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }

        var port = smtpPort ?? NodeProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "conf", "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {dir}/queue
            data_directory = {dir}/data
            mail_owner = postfix
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            myhostname = mx.salesorleans.test
            mydomain = salesorleans.test
            mydestination =
            virtual_mailbox_domains = {string.Join(", ", new[] { "salesorleans.test" }.Concat(customerDomains))}
            virtual_transport = lmtp:inet:127.0.0.1:{lmtpPort}
            default_transport = error:only the test domain is delivered
            relay_transport = error:only the test domain is delivered
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            alias_maps =
            alias_database =
            maillog_file = {dir}/log/postfix.log
            maillog_file_prefixes = {dir}/log
            """);
        // The packaged master.cf with the SMTP listener moved to our port and no chroot (the queue is not set up for one).
        var master = (await File.ReadAllLinesAsync("/etc/postfix/master.cf")).Select(line =>
        {
            if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line.StartsWith('#'))
            {
                return line;
            }

            var f = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
            if (f.Count < 8)
            {
                return line;
            }

            if (f[0] == "smtp" && f[1] == "inet")
            {
                f[0] = $"127.0.0.1:{port}";
            }

            f[4] = "n";
            return string.Join(' ', f);
        });
        await File.WriteAllLinesAsync(Path.Combine(dir, "conf", "master.cf"), master);
        await Run("/bin/chown", $"postfix {dir}/data");
        await Run(Binary, $"-c {dir}/conf start");
        var server = new PostfixServer(dir, port);
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"Postfix did not listen on {port}.");
    }

    public string Log => File.Exists(Path.Combine(_dir, "log", "postfix.log")) ? File.ReadAllText(Path.Combine(_dir, "log", "postfix.log")) : "";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Run(Binary, $"-c {_dir}/conf stop");
        }
        catch (InvalidOperationException)
        {
        }

        await Task.Delay(300);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // No redirected output: the daemon it starts would inherit the pipes and keep them open.
    private static async Task Run(string file, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed with exit code {process.ExitCode}.");
        }
    }
}
