using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;

namespace SalesOrleans.Web.Auth;

/// <summary>
/// Encrypts the Data Protection key ring at rest (the keys behind login cookies and antiforgery tokens sit in
/// PostgreSQL): AES-256-GCM with a key derived from DataProtection:KeyEncryptionKey, plugged in as ASP.NET Core's
/// <see cref="IXmlEncryptor"/>/<see cref="IXmlDecryptor"/>. Every node must be given the same secret. Keys written
/// before a secret was set stay readable; new keys are written encrypted.
/// </summary>
public static class KeyRingProtection
{
    public const string SettingName = "DataProtection:KeyEncryptionKey";
    public const int MinSecretLength = 32;
    private const string ElementName = "aesGcmEncryptedKey";

    /// <summary>The configured secret, or null when none is set; throws when one is set but too short to be a key.</summary>
    public static string? SecretFrom(IConfiguration configuration)
    {
        var secret = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        return secret.Length >= MinSecretLength
            ? secret
            : throw new InvalidOperationException($"{SettingName} must be at least {MinSecretLength} characters (e.g. `openssl rand -base64 32`).");
    }

    internal static byte[] KeyFrom(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Encoding.UTF8.GetBytes("SalesOrleans data protection key ring"));

    /// <summary>A short public fingerprint of the key, kept beside the ciphertext so a wrong secret is named as such.</summary>
    internal static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..12];

    public sealed class Encryptor(string secret) : IXmlEncryptor
    {
        private readonly byte[] _key = KeyFrom(secret);

        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
            var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
            var tag = new byte[AesGcm.TagByteSizes.MaxSize];
            var cipher = new byte[plain.Length];
            using (var aes = new AesGcm(_key, tag.Length))
            {
                aes.Encrypt(nonce, plain, cipher, tag);
            }

            var element = new XElement(ElementName,
                new XAttribute("key", Fingerprint(_key)),
                new XComment(" Encrypted with DataProtection:KeyEncryptionKey (AES-256-GCM) "),
                new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
            return new EncryptedXmlInfo(element, typeof(Decryptor));
        }
    }

    /// <summary>Made by Data Protection from the type name stored with each key (hence the service provider constructor).</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var secret = SecretFrom(services.GetRequiredService<IConfiguration>())
                ?? throw new InvalidOperationException($"The key ring is encrypted but {SettingName} is not set on this node.");
            var key = KeyFrom(secret);
            if ((string?)encryptedElement.Attribute("key") is { } expected && expected != Fingerprint(key))
            {
                throw new InvalidOperationException($"The key ring was encrypted with another {SettingName} (fingerprint {expected}); give every node the same secret.");
            }

            var data = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
            var nonceSize = AesGcm.NonceByteSizes.MaxSize;
            var tagSize = AesGcm.TagByteSizes.MaxSize;
            var plain = new byte[data.Length - nonceSize - tagSize];
            using (var aes = new AesGcm(key, tagSize))
            {
                aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plain);
            }

            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}
