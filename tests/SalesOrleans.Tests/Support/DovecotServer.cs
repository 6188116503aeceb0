using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// A private Dovecot IMAP server on a loopback port (STACK.md): passwd-file users, Maildir under a temp dir, plain
/// login without TLS (loopback only). Needs the Debian packages dovecot-imapd (deploy/test.sh installs them).
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dovecot";

    private readonly string _dir;
    private readonly string _config;

    private DovecotServer(string dir, string config, int port, int lmtpPort, int imapsPort)
    {
        _dir = dir;
        _config = config;
        Port = port;
        LmtpPort = lmtpPort;
        ImapsPort = imapsPort;
    }

    public int Port { get; }

    /// <summary>IMAPS (TLS from the first byte) when started with a certificate; 0 otherwise.</summary>
    public int ImapsPort { get; }

    /// <summary>LMTP on loopback: a private Postfix delivers here.</summary>
    public int LmtpPort { get; }

    public string Password => "secret";

    public static Task<DovecotServer> StartAsync(params string[] users) => StartAsync(null, users);

    /// <summary>
    /// With <paramref name="tls"/> (PEM certificate and key files) Dovecot runs with <c>ssl = required</c>: STARTTLS on
    /// <see cref="Port"/>, TLS from the first byte on <see cref="ImapsPort"/>, no login without TLS.
    /// </summary>
    public static async Task<DovecotServer> StartAsync((string CertFile, string KeyFile)? tls, params string[] users)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install dovecot-imapd (deploy/test.sh does).");
        }

        var dir = Path.Combine(Path.GetTempPath(), $"dovecot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "mail"));
        var port = NodeProcess.FreePort();
        var lmtpPort = NodeProcess.FreePort();
        var imapsPort = tls is null ? 0 : NodeProcess.FreePort();
        var ssl = tls is { } t
            ? $"ssl = required\nssl_cert = <{t.CertFile}\nssl_key = <{t.KeyFile}\ndisable_plaintext_auth = yes"
            : "ssl = no\ndisable_plaintext_auth = no";
        var (uid, gid) = MailUser();
        await File.WriteAllLinesAsync(Path.Combine(dir, "users"), users.Select(u => $"{u}:{{PLAIN}}secret::::::"));
        var config = Path.Combine(dir, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            log_path = {{dir}}/dovecot.log
            protocols = imap lmtp
            postmaster_address = postmaster@salesorleans.test
            listen = 127.0.0.1
            {{ssl}}
            auth_mechanisms = plain login
            first_valid_uid = {{uid}}
            mail_location = maildir:{{dir}}/mail/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{dir}}/users
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{dir}}/mail/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{imapsPort}}
                {{(tls is null ? "" : "ssl = yes")}}
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{lmtpPort}}
              }
            }
            protocol imap {
              mail_max_userip_connections = 50
            }
            protocol lmtp {
              # "k.weber@salesorleans.test" is delivered to the user "k.weber".
              auth_username_format = %Ln
            }
            """);
        Chown(Path.Combine(dir, "mail"), uid, gid);
        await Run(Binary, $"-c {config}");
        var server = new DovecotServer(dir, config, port, lmtpPort, imapsPort);
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

        throw new InvalidOperationException($"Dovecot did not listen on {port}: {await File.ReadAllTextAsync(Path.Combine(dir, "dovecot.log"))}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Run(Binary, $"-c {_config} stop");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await Task.Delay(200);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The Debian "mail" user owns the mailboxes (dovecot refuses root-owned mail).
    private static (int Uid, int Gid) MailUser()
    {
        var line = File.ReadAllLines("/etc/passwd").First(l => l.StartsWith("mail:", StringComparison.Ordinal)).Split(':');
        return (int.Parse(line[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(line[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Chown(string path, int uid, int gid) => Run("/bin/chown", $"-R {uid}:{gid} {path}").GetAwaiter().GetResult();

    // No redirected output: the daemon it starts would inherit the pipes and keep them open forever.
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
