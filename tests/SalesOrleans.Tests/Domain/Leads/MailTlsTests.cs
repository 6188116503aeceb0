using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SalesOrleans.Silo.Intake;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class MailTlsTests
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    [Fact]
    public void The_socket_option_comes_from_security_else_from_use_ssl()
    {
        Assert.Equal(SecureSocketOptions.StartTls, MailTls.SocketOptions(new MailTlsOptions { Security = SecureSocketOptions.StartTls }, useSsl: true));
        Assert.Equal(SecureSocketOptions.None, MailTls.SocketOptions(new MailTlsOptions { Security = SecureSocketOptions.None }, useSsl: false));
        Assert.Equal(SecureSocketOptions.SslOnConnect, MailTls.SocketOptions(new MailTlsOptions(), useSsl: true));
        Assert.Equal(SecureSocketOptions.StartTlsWhenAvailable, MailTls.SocketOptions(new MailTlsOptions(), useSsl: false));
    }

    [Fact]
    public void A_self_signed_certificate_passes_only_when_its_thumbprint_or_file_is_trusted()
    {
        using var server = SelfSigned("imap.example.de");
        using var other = SelfSigned("imap.example.de");
        var chainErrors = SslPolicyErrors.RemoteCertificateChainErrors;

        Assert.Null(MailTls.Validator(new MailTlsOptions()));
        var byThumbprint = MailTls.Validator(new MailTlsOptions { TrustedCertificateThumbprint = string.Join(":", server.Thumbprint.Chunk(2).Select(c => new string(c))).ToLowerInvariant() })!;
        Assert.True(byThumbprint(this, server, null, chainErrors));
        Assert.False(byThumbprint(this, other, null, chainErrors));
        Assert.False(byThumbprint(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        var sha256 = MailTls.Validator(new MailTlsOptions { TrustedCertificateThumbprint = server.GetCertHashString(HashAlgorithmName.SHA256) })!;
        Assert.True(sha256(this, server, null, chainErrors));

        var file = Path.Combine(Path.GetTempPath(), $"trusted-{Guid.NewGuid():N}.pem");
        File.WriteAllText(file, server.ExportCertificatePem());
        try
        {
            var byFile = MailTls.Validator(new MailTlsOptions { TrustedCertificateFile = file })!;
            Assert.True(byFile(this, server, null, chainErrors));
            Assert.False(byFile(this, other, null, chainErrors));
            Assert.True(byFile(this, other, null, SslPolicyErrors.None));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Readiness_is_degraded_while_the_intake_cannot_connect()
    {
        var health = new MailIntakeHealth();
        var check = new MailIntakeHealthCheck(health);
        health.Failed("sales@imap:993/INBOX: The remote certificate is invalid");
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        health.Enabled();
        var degraded = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("certificate", degraded.Description);

        health.Connected();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}
