using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;
using SalesOrleans.Tests.Integration;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// The mail tests' common ground: a node whose intake reads the "sales" mailbox of a test Dovecot (the lead node's
/// settings, the mailbox, a five-second poll; the test's own settings on top), and the mail they put into it.
/// </summary>
public static class MailNode
{
    /// <summary>A node reading <paramref name="dovecot"/>'s "sales" INBOX at <paramref name="port"/> (default: its IMAP port), with <paramref name="extra"/> settings last.</summary>
    public static Task<TestNode> StartAsync(string db, DovecotServer dovecot, IReadOnlyDictionary<string, string?>? extra = null, int? port = null) =>
        TestNode.StartAsync(db, configure: b => b.Configuration
            .AddInMemoryCollection(LeadNodeFixture.Settings())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mail:Enabled"] = "true",
                ["Mail:Host"] = "127.0.0.1",
                ["Mail:Port"] = (port ?? dovecot.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Mail:User"] = "sales",
                ["Mail:Password"] = dovecot.Password,
                ["Mail:PollInterval"] = "00:00:05",
            })
            .AddInMemoryCollection(extra ?? new Dictionary<string, string?>()));

    /// <summary>A plain-text mail from a person to the sales mailbox.</summary>
    public static MimeMessage Mail(string fromName, string from, string subject, string text, DateTimeOffset? date = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@test.example", Date = date ?? DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress(fromName, from));
        message.To.Add(new MailboxAddress("Sales", "sales@salesorleans.test"));
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>Puts the messages into the "sales" INBOX over IMAP (STARTTLS for a Dovecot that requires TLS; its test certificate is accepted).</summary>
    public static async Task AppendAsync(DovecotServer dovecot, SecureSocketOptions security, params MimeMessage[] messages)
    {
        using var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", dovecot.Port, security);
        await client.AuthenticateAsync("sales", dovecot.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        foreach (var m in messages)
        {
            await client.Inbox.AppendAsync(m);
        }

        await client.DisconnectAsync(true);
    }

    public static Task AppendAsync(DovecotServer dovecot, params MimeMessage[] messages) => AppendAsync(dovecot, SecureSocketOptions.None, messages);
}
