using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Mail TLS against a real Dovecot with <c>ssl = required</c> and a self-signed certificate made here: the intake
/// connects with TLS from the first byte and with STARTTLS when told which certificate to trust (thumbprint, file) and
/// ingests; without that trust it refuses the certificate, readiness says the intake is degraded and nothing is read.
/// </summary>
[Trait("Category", "Integration")]
public class MailTlsIntakeTests(ITestOutputHelper output)
{
    private static (string Cert, string Key, X509Certificate2 Certificate) SelfSigned(string dir)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=imap.salesorleans.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var cert = Path.Combine(dir, "imap.crt");
        var keyFile = Path.Combine(dir, "imap.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile, certificate);
    }

    private static Task Append(DovecotServer dovecot, MimeMessage message) => MailNode.AppendAsync(dovecot, SecureSocketOptions.StartTls, message);

    private static MimeMessage Inquiry(string tag, string who)
    {
        var message = new MimeMessage { Subject = $"Anfrage Kompressor {tag}", MessageId = $"{Guid.NewGuid():N}@kunde.example" };
        message.From.Add(new MailboxAddress(who, $"{who.ToLowerInvariant().Replace(' ', '.')}.{tag}@kunde.example"));
        message.To.Add(new MailboxAddress("Vertrieb", "sales@salesorleans.test"));
        message.Body = new TextPart("plain") { Text = $"Guten Tag,\nwir brauchen einen Schraubenkompressor.\nGruß\n{who}" };
        return message;
    }

    private static Task<TestNode> Start(string db, DovecotServer dovecot, int port, Dictionary<string, string?> tls) => MailNode.StartAsync(db, dovecot, tls, port);

    private static Task<LeadListItem> LeadOf(TestNode node, string email)
    {
        var queries = node.Services.GetRequiredService<LeadQueries>();
        return Poll.Until(async () => (await queries.ListLeadsAsync(new LeadFilter(Search: email))).SingleOrDefault(), $"no lead for {email}", 30);
    }

    private static async Task<string> Ready(TestNode node) => await (await node.ClientAsync()).GetStringAsync("/health/ready");

    [Fact]
    public async Task The_intake_reads_over_TLS_and_STARTTLS_with_a_trusted_self_signed_certificate_and_is_degraded_without_trust()
    {
        var dir = Directory.CreateTempSubdirectory("imap-tls-").FullName;
        var (cert, key, certificate) = SelfSigned(dir);
        await using var dovecot = await DovecotServer.StartAsync((cert, key), "sales");
        var tag = Guid.NewGuid().ToString("N")[..8];

        // No trust configured: the self-signed certificate is refused (so TLS is really negotiated; Dovecot would let a
        // loopback client log in without it), readiness degraded, nothing read.
        await Append(dovecot, Inquiry(tag, "Lena Vogt"));
        var untrustedDb = await TestDatabase.CreateAsync();
        await using (var node = await Start(untrustedDb, dovecot, dovecot.ImapsPort, new() { ["Mail:Tls:Security"] = "SslOnConnect" }))
        {
            var ready = "";
            await Poll.Until(async () => (ready = await Ready(node)).Contains("Degraded", StringComparison.Ordinal), "readiness Degraded without trust", 30);
            Assert.Equal("Degraded", ready);
            // Proving nothing is read without trust: give the watcher two seconds to (wrongly) read the mail.
            await Task.Delay(2000);
            Assert.Empty(await node.Services.GetRequiredService<LeadQueries>().ListLeadsAsync(new LeadFilter(Search: tag)));
            Assert.Null(await node.Services.GetRequiredService<MailboxStore>().GetMarkAsync($"sales@127.0.0.1:{dovecot.ImapsPort}/INBOX"));
        }

        // TLS from the first byte (IMAPS), the certificate trusted by its thumbprint: read, and ready.
        var thumbprintDb = await TestDatabase.CreateAsync();
        await using (var node = await Start(thumbprintDb, dovecot, dovecot.ImapsPort, new()
        {
            ["Mail:Tls:Security"] = "SslOnConnect",
            ["Mail:Tls:TrustedCertificateThumbprint"] = string.Join(":", certificate.Thumbprint.Chunk(2).Select(c => new string(c))),
        }))
        {
            var lead = await LeadOf(node, $"lena.vogt.{tag}@kunde.example");
            Assert.Equal(("Lena Vogt", "Email"), (lead.Name, lead.Channel));
            Assert.Equal("Healthy", await Ready(node));
        }

        // STARTTLS on the IMAP port, the certificate trusted as a file: read too.
        await Append(dovecot, Inquiry(tag, "Jens Brandt"));
        var fileDb = await TestDatabase.CreateAsync();
        await using (var node = await Start(fileDb, dovecot, dovecot.Port, new()
        {
            ["Mail:Tls:Security"] = "StartTls",
            ["Mail:Tls:TrustedCertificateFile"] = cert,
        }))
        {
            var lead = await LeadOf(node, $"jens.brandt.{tag}@kunde.example");
            Assert.Equal("Jens Brandt", lead.Name);
            Assert.Equal("Healthy", await Ready(node));
            output.WriteLine($"STARTTLS and IMAPS with a self-signed certificate {certificate.Thumbprint}: both read");
        }

        certificate.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
