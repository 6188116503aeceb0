using System.Diagnostics;
using System.Net.Http.Json;
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

/// <summary>IMAP intake against a real Dovecot: the three templates, quarantine, IDLE, exactly-once across restarts.</summary>
public class MailIntakeTests(ITestOutputHelper output)
{
    private static MimeMessage Mail(string fromName, string from, string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@test.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress(fromName, from));
        message.To.Add(new MailboxAddress("Sales", "sales@salesorleans.test"));
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private static MimeMessage WithAttachment(MimeMessage message, string fileName, byte[] content)
    {
        var body = new BodyBuilder { TextBody = message.TextBody };
        body.Attachments.Add(fileName, content, ContentType.Parse("application/pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static async Task Append(DovecotServer dovecot, params MimeMessage[] messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("sales", dovecot.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        foreach (var m in messages)
        {
            await client.Inbox.AppendAsync(m);
        }

        await client.DisconnectAsync(true);
    }

    private static async Task<(int Inbox, int Quarantine)> Folders(DovecotServer dovecot) => await Folders(dovecot, "Quarantine");

    private static async Task<(int Inbox, int Other)> Folders(DovecotServer dovecot, string name)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("sales", dovecot.Password);
        var inbox = await client.Inbox.StatusAsync(StatusItems.Count).ContinueWith(_ => client.Inbox.Count);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var quarantine = (await root.GetSubfoldersAsync()).FirstOrDefault(f => f.Name == name);
        var count = 0;
        if (quarantine is not null)
        {
            await quarantine.StatusAsync(StatusItems.Count);
            count = quarantine.Count;
        }

        await client.DisconnectAsync(true);
        return (inbox, count);
    }

    private static async Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(what);
    }

    private static Task<TestNode> Start(string db, DovecotServer dovecot) =>
        TestNode.StartAsync(db, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(LeadNodeFixture.Settings())
        {
            ["Mail:Enabled"] = "true",
            ["Mail:Host"] = "127.0.0.1",
            ["Mail:Port"] = dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:User"] = "sales",
            ["Mail:Password"] = dovecot.Password,
            ["Mail:PollInterval"] = "00:00:05",
        }));

    [Fact]
    public async Task Each_template_becomes_a_lead_once_a_bounce_goes_to_quarantine_and_a_restart_reads_nothing_twice()
    {
        await using var dovecot = await DovecotServer.StartAsync("sales");
        var db = await TestDatabase.CreateAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var jonas = $"jonas.{tag}@hansaprint.example";
        var spec = System.Text.Encoding.UTF8.GetBytes($"%PDF-1.4 plant layout {tag}");
        var drawing = System.Text.Encoding.UTF8.GetBytes($"%PDF-1.4 drawing {tag}");
        await Append(dovecot,
            Mail("JivoSite", "robot@jivosite.example", "Chat transcript", $"Name: Ivan {tag}\nPhone: 8 (912) {Random.Shared.Next(100, 999)}-11-22\n[10:02] Ivan: We need a screw compressor.\n[10:03] Operator: Which pressure?"),
            Mail("Website", "noreply@site.example", "Website feedback form", $"Name: Olga {tag}\nE-mail: olga.{tag}@volga.example\nCompany: Volga Polymer\nMessage: An Excel course for 12 people"),
            Mail("Mail Delivery System", "MAILER-DAEMON@mx.example", "Undelivered Mail Returned to Sender", "This is the mail system."),
            WithAttachment(Mail("Jonas Richter", jonas, "ERP for three plants", $"Hello,\nwe plan an ERP rollout.\n--\nJonas {tag}\nHansa Print GmbH"), "plants.pdf", spec));

        await using (var node = await Start(db, dovecot))
        {
            var queries = node.Services.GetRequiredService<LeadQueries>();
            var leads = await Until(async () =>
            {
                var found = await queries.ListLeadsAsync(new LeadFilter(Search: tag));
                return found.Count == 3 ? found : null;
            }, "three leads from the mailbox");
            Assert.Equal([("Chat", "industrial"), ("Email", "projects"), ("WebForm", "training")],
                leads.Select(l => (l.Channel, l.Department)).Order());
            var quarantined = Assert.Single(await node.Services.GetRequiredService<MailboxStore>().ListQuarantineAsync(10));
            Assert.StartsWith("filed: delivery report", quarantined.Reason);
            Assert.Equal((3, 1), await Folders(dovecot, "Automatic"));

            // IDLE: a mail arriving now is read within moments, not at the next poll.
            var watch = Stopwatch.StartNew();
            await Append(dovecot, WithAttachment(Mail("Jonas Richter", jonas, "Re: ERP", "Any news on the ERP offer?"), "drawing.pdf", drawing));
            await Until(async () =>
            {
                var lead = (await queries.ListLeadsAsync(new LeadFilter(Search: jonas))).SingleOrDefault();
                return lead is { Inquiries: 2 } ? lead : null;
            }, "the second mail of a known sender to join its lead");
            output.WriteLine($"IDLE: new mail became an inquiry after {watch.ElapsedMilliseconds} ms");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");

            // Both mails' attachments are documents of the lead, byte for byte, and in its journal.
            var jonasLead = (await queries.ListLeadsAsync(new LeadFilter(Search: jonas))).Single();
            var client = await node.ClientAsync("a.ivanova");
            var documents = await Until(async () =>
            {
                var list = await client.GetFromJsonAsync<List<DocumentEntry>>($"/api/leads/{jonasLead.Id}/documents");
                return list is { Count: 2 } ? list : null;
            }, "both attachments as documents of the lead");
            Assert.Equal(["drawing.pdf", "plants.pdf"], documents.Select(d => d.FileName).Order());
            Assert.All(documents, d => Assert.Equal(("correspondence", "application/pdf"), (d.Kind, d.ContentType)));
            Assert.Equal(spec, await client.GetByteArrayAsync($"/api/leads/{jonasLead.Id}/documents/{documents.Single(d => d.FileName == "plants.pdf").Id}"));
            await Until(async () =>
            {
                var journal = await queries.GetLeadJournalAsync(jonasLead.Id);
                return journal.Count(a => a.Text.StartsWith("Document received", StringComparison.Ordinal)) == 2 ? journal : null;
            }, "both documents in the lead's journal");
            // Another department's manager may not read them.
            var stranger = await node.ClientAsync("k.weber");
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/leads/{jonasLead.Id}/documents")).StatusCode);
        }

        // Forget the high-water mark: every mail is read again, and the Message-Ids keep it exactly-once.
        var store = new MailboxStore(Npgsql.NpgsqlDataSource.Create(db));
        var mailbox = $"sales@127.0.0.1:{dovecot.Port}/INBOX";
        var mark = (await store.GetMarkAsync(mailbox))!;
        Assert.Equal(5, mark.LastUid);
        await store.ResetMarkAsync(mailbox);
        await using (var node = await Start(db, dovecot))
        {
            await Until(async () => await store.GetMarkAsync(mailbox) is { LastUid: 5 } m ? m : null, "the mailbox to be read again");
            var queries = node.Services.GetRequiredService<LeadQueries>();
            var leads = await queries.ListLeadsAsync(new LeadFilter(Search: tag));
            Assert.Equal(3, leads.Count);
            Assert.Equal([1, 1, 2], leads.Select(l => l.Inquiries).Order());
            var jonasLead = leads.Single(l => l.Email == jonas);
            Assert.Equal(2, (await node.Services.GetRequiredService<DocumentStore>().ListAsync(jonasLead.Id, null)).Count);
            Assert.Equal(2, (await queries.GetLeadJournalAsync(jonasLead.Id)).Count(a => a.Text.StartsWith("Document received", StringComparison.Ordinal)));
        }
    }
}
