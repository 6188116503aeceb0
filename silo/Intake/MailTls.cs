using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SalesOrleans.Silo.Intake;

/// <summary>TLS of one mail server connection (IMAP intake or SMTP mailer), from configuration.</summary>
public sealed class MailTlsOptions
{
    /// <summary>
    /// None, Auto, SslOnConnect (IMAPS 993 / SMTPS 465), StartTls (required) or StartTlsWhenAvailable. Unset: the old
    /// UseSsl switch decides (SslOnConnect, else StartTlsWhenAvailable).
    /// </summary>
    public SecureSocketOptions? Security { get; set; }

    /// <summary>SHA-1 or SHA-256 thumbprint (hex) of a server certificate to trust although no CA vouches for it (self-signed).</summary>
    public string? TrustedCertificateThumbprint { get; set; }

    /// <summary>A PEM or DER certificate file: the server's own certificate, or the CA that issued it, to trust.</summary>
    public string? TrustedCertificateFile { get; set; }
}

/// <summary>How MailKit clients connect: the socket option and the certificate check.</summary>
public static class MailTls
{
    public static SecureSocketOptions SocketOptions(MailTlsOptions tls, bool useSsl) =>
        tls.Security ?? (useSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable);

    /// <summary>Null (the system's check) unless a certificate to trust is configured; then a valid chain or that certificate passes.</summary>
    public static RemoteCertificateValidationCallback? Validator(MailTlsOptions tls)
    {
        var thumbprint = Normalize(tls.TrustedCertificateThumbprint);
        X509Certificate2? trusted = null;
        if (!string.IsNullOrWhiteSpace(tls.TrustedCertificateFile))
        {
            trusted = X509CertificateLoader.LoadCertificateFromFile(tls.TrustedCertificateFile);
        }

        if (thumbprint is null && trusted is null)
        {
            return null;
        }

        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var cert = new X509Certificate2(certificate);
            if (thumbprint is not null && (Normalize(cert.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA1)) == thumbprint
                || Normalize(cert.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)) == thumbprint))
            {
                return true;
            }

            if (trusted is null)
            {
                return false;
            }

            if (cert.RawDataMemory.Span.SequenceEqual(trusted.RawDataMemory.Span))
            {
                return true;
            }

            // The configured file as the only root (a private CA): the chain must end in it.
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(trusted);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return custom.Build(cert) && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        };
    }

    private static string? Normalize(string? thumbprint) =>
        string.IsNullOrWhiteSpace(thumbprint) ? null : new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}

/// <summary>Whether the mail intake reaches its server: the watcher reports each connect; readiness reads it.</summary>
public sealed class MailIntakeHealth
{
    private volatile string? _error;
    private volatile bool _enabled;

    public void Enabled() => _enabled = true;

    public void Connected() => _error = null;

    public void Failed(string error) => _error = error;

    public string? Error => _error;

    public bool IsEnabled => _enabled;
}

/// <summary>Readiness: the node works without its mailbox, but is degraded when intake cannot connect (TLS refused, server down).</summary>
public sealed class MailIntakeHealthCheck(MailIntakeHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.IsEnabled && health.Error is { } error
            ? HealthCheckResult.Degraded($"Mail intake cannot connect: {error}")
            : HealthCheckResult.Healthy());
}
