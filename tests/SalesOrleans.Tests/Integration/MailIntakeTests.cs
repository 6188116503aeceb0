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
[Trait("Category", "Integration")]
public class MailIntakeTests(ITestOutputHelper output)
{
    private static MimeMessage Mail(string fromName, string from, string subject, string text) => MailNode.Mail(fromName, from, subject, text);

    private static MimeMessage WithAttachment(MimeMessage message, string fileName, byte[] content)
    {
        var body = new BodyBuilder { TextBody = message.TextBody };
        body.Attachments.Add(fileName, content, ContentType.Parse("application/pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static Task Append(DovecotServer dovecot, params MimeMessage[] messages) => MailNode.AppendAsync(dovecot, messages);

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

    private static Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : class => Poll.Until(probe, what, seconds);

    private static Task<TestNode> Start(string db, DovecotServer dovecot, Dictionary<string, string?>? extra = null) => MailNode.StartAsync(db, dovecot, extra);

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

        // The node polls only every ten minutes: a mail read within the wait below can only have come through IDLE.
        await using (var node = await Start(db, dovecot, new() { ["Mail:PollInterval"] = "00:10:00" }))
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
            }, "the second mail of a known sender to join its lead", 60);
            output.WriteLine($"IDLE: new mail became an inquiry after {watch.ElapsedMilliseconds} ms");

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
            // Another department's manager may not read them: to them the lead does not exist.
            var stranger = await node.ClientAsync("k.weber");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/leads/{jonasLead.Id}/documents")).StatusCode);
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

    private sealed record ContactDto(Guid Id, string? Name, List<string> Phones, List<string> Emails);

    private static MimeMessage Raw(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));

    private static MimeMessage Eml(string text) => Raw(System.Text.Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n").Replace("\n", "\r\n")));

    /// <summary>
    /// Issue 15's categories of real mail through Postfix-free IMAP delivery into a real Dovecot: quoted replies to our
    /// offer (the seller's signature in the quote is ours), Contact Form 7 from wordpress@, koi8-r, an HTML-only table form,
    /// a forward as attachment, a long mail with a long Message-ID; and automatic mail (out-of-office, bounce, newsletter,
    /// our own notification) filed, not leads.
    /// </summary>
    [Fact]
    public async Task Real_mail_categories_become_the_right_leads_with_no_identity_of_ours_and_automatic_mail_is_filed()
    {
        SalesOrleans.Domain.Leads.Mail.MailReader.RegisterLegacyCharsets();
        await using var dovecot = await DovecotServer.StartAsync("sales");
        var db = await TestDatabase.CreateAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ourSignature = "> Mit freundlichen Grüßen\n> Anna Keller\n> Vertrieb, SalesOrleans GmbH\n> Tel.: +49 30 9876543\n> E-Mail: vertrieb@salesorleans.test";

        Func<string, string, string, MimeMessage> reply = (from, subject, text) =>
        {
            var m = Mail("", "placeholder@example.org", subject, text);
            m.From.Clear();
            m.From.Add(MailboxAddress.Parse(from));
            m.To.Clear();
            m.To.Add(MailboxAddress.Parse("vertrieb@salesorleans.test"));
            return m;
        };
        var petra = reply($"Petra Hoffmann <p.hoffmann.{tag}@mueller-verpackung.de>", "Re: Angebot Klimaprüfschrank",
            $"Hallo Frau Keller,\n\nwir hätten gern eine Variante mit 400 Litern.\n\nMit freundlichen Grüßen\nPetra Hoffmann\nMüller Verpackung GmbH\nTel.: 030 4455667\nFax: 030 4455668\n\nAm 11.03.2026 um 14:02 schrieb Anna Keller <vertrieb@salesorleans.test>:\n{ourSignature}");
        var jana = reply($"Jana Wolf <jana.wolf.{tag}@wolf-kunststoff.de>", "AW: Angebot Kompressor",
            $"Guten Tag,\nbitte rufen Sie mich zurück: 0341 2233445.\nGruß\nJana Wolf\n\n-----Ursprüngliche Nachricht-----\nVon: Anna Keller <vertrieb@salesorleans.test>\nGesendet: Dienstag, 10. März 2026 09:12\nAn: Jana Wolf\nBetreff: Angebot Kompressor\n\n{ourSignature}");
        MimeMessage Cf7(string name, string email, string message, string? messageId = null)
        {
            var m = Mail("Maschinenbau Blog", "wordpress@maschinen-blog.de", "Maschinenbau Blog \"Anfrage\"",
                $"From: {name} <{email}>\nSubject: Anfrage\n\nMessage Body:\n{message}\n\n-- \nThis e-mail was sent from a contact form on Maschinenbau Blog (https://maschinen-blog.de)");
            m.ReplyTo.Add(MailboxAddress.Parse(email));
            m.To.Clear();
            m.To.Add(MailboxAddress.Parse("vertrieb@salesorleans.test"));
            if (messageId is not null)
            {
                m.MessageId = messageId;
            }

            return m;
        }

        var sabine = Cf7("Sabine Krüger", $"sabine.{tag}@gartenbau-krueger.de", "Wir brauchen eine Tauchpumpe.\nRückruf unter 0221 5566778.");
        var longId = $"CAF{tag}" + new string('q', 340) + "@mail.gmail.com";
        var tim = Cf7("Tim Becker", $"t.becker.{tag}@web.de", "Preis für eine Pumpe KP-40?", longId);
        var koi8 = System.Text.Encoding.GetEncoding("koi8-r");
        var ivanov = Raw(System.Text.Encoding.ASCII.GetBytes(
                "From: =?koi8-r?B?" + Convert.ToBase64String(koi8.GetBytes("Пётр Иванов")) + $"?= <p.ivanov.{tag}@kama-zavod.ru>\r\nTo: sales@salesorleans.test\r\n"
                + "Subject: =?koi8-r?B?" + Convert.ToBase64String(koi8.GetBytes("Запрос")) + $"?=\r\nMessage-ID: <koi8.{tag}@kama-zavod.ru>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Concat(koi8.GetBytes("Добрый день!\r\nНужен насос для воды.\r\nТел. 8 (843) 555-12-34\r\n")).ToArray());
        var tilda = Mail("Tilda", "no-reply@tilda.ws", "Заявка с сайта", "");
        tilda.Body = new TextPart("html") { Text = $$"""
            <html><head><style>td { color: #333 }</style></head><body><table>
            <tr><td>Имя</td><td>Сергей Волков</td></tr><tr><td>Телефон</td><td>+7 (922) 111-22-33</td></tr>
            <tr><td>Email</td><td>volkov.{{tag}}@mail.ru</td></tr><tr><td>Сообщение</td><td>Нужен винтовой компрессор на 10 бар</td></tr>
            </table></body></html>
            """ };
        var original = Mail("Hans Weber", $"h.weber.{tag}@weber-logistik.de", "Anfrage Schulung Lagerverwaltung",
            "Guten Tag,\nwir möchten 6 Mitarbeiter schulen lassen.\nHans Weber, Tel. 0421 223344");
        var forward = Mail("Empfang", "empfang@salesorleans.test", "WG: Anfrage Schulung Lagerverwaltung", "");
        forward.To.Clear();
        forward.To.Add(MailboxAddress.Parse("vertrieb@salesorleans.test"));
        var outer = new BodyBuilder { TextBody = "Bitte übernehmen.\n--\nEmpfang, Tel. +49 30 9876543" };
        outer.Attachments.Add(new MessagePart { Message = original, ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "Anfrage.eml" } });
        forward.Body = outer.ToMessageBody();
        var paragraph = "Wir betreiben drei Produktionslinien und benötigen für jede eine Druckluftversorgung mit Trocknung und Filterung. ";
        var longText = string.Concat(Enumerable.Repeat(paragraph, 56)) + "\nGrüße\nUwe Lang\nTel. 0351 4433221";
        var uwe = reply($"Uwe Lang <u.lang.{tag}@elbe-kunststoff.de>", "Ausschreibung Kompressor", longText);
        var outOfOffice = Eml($"""
            From: Petra Hoffmann <p.hoffmann.{tag}@mueller-verpackung.de>
            To: vertrieb@salesorleans.test
            Subject: Abwesenheitsnotiz: Re: Angebot
            Message-ID: <ooo.{tag}@mueller-verpackung.de>
            Auto-Submitted: auto-replied
            Content-Type: text/plain; charset=utf-8

            Ich bin bis 20.03. nicht im Büro. Vertretung: Herr Lange, Tel. 030 4455669.
            """);
        var bounce = Eml($"""
            From: Mail Delivery System <MAILER-DAEMON@mx.hansaprint.de>
            To: vertrieb@salesorleans.test
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <bounce.{tag}@mx.hansaprint.de>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

            --B1
            Content-Type: text/plain

            Your message could not be delivered to j.richter@hansaprint.de.
            --B1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.hansaprint.de
            Final-Recipient: rfc822; j.richter@hansaprint.de
            Action: failed
            Status: 5.1.1
            --B1--
            """);
        var newsletter = Mail("Industrie News", $"news.{tag}@industrie-news.de", "Newsletter März: Pumpen und Kompressoren", "Die Neuheiten des Monats. Tel. 0800 1234567");
        newsletter.Headers.Add("List-Unsubscribe", "<mailto:unsubscribe@industrie-news.de>");
        newsletter.Headers.Add("Precedence", "bulk");
        var loop = Mail("SalesOrleans", "noreply@salesorleans.test", "[SalesOrleans] New lead", $"New lead from +7 916 {Random.Shared.Next(100, 999)}-00-00");

        await Append(dovecot, petra, jana, sabine, tim, ivanov, tilda, forward, uwe, outOfOffice, bounce, newsletter, loop);
        var watch = Stopwatch.StartNew();
        await using var node = await Start(db, dovecot, new()
        {
            ["Mail:MailboxRegions:vertrieb@salesorleans.test"] = "DE",
            ["Mail:OwnIdentities:Phones:3"] = "+49 30 9876543",
        });
        var store = node.Services.GetRequiredService<MailboxStore>();
        var mailbox = $"sales@127.0.0.1:{dovecot.Port}/INBOX";
        await Until(async () => await store.GetMarkAsync(mailbox) is { LastUid: 12 } m ? m : null, "all twelve mails read", 60);
        output.WriteLine($"12 mails read in {watch.ElapsedMilliseconds} ms");
        var queries = node.Services.GetRequiredService<LeadQueries>();
        var leads = await Until(async () =>
        {
            var found = await queries.ListLeadsAsync(new LeadFilter(Search: tag));
            return found.Count >= 8 ? found : null;
        }, "eight leads");
        foreach (var l in leads)
        {
            output.WriteLine($"{l.Channel} {l.Department} {l.Name} | {l.Phone} | {l.Email} | {l.Need?[..Math.Min(l.Need.Length, 80)]}");
        }

        LeadListItem Lead(string email) => leads.Single(l => l.Email == email);
        Assert.Equal(8, leads.Count);
        Assert.Equal(("Email", "industrial", "Petra Hoffmann", "+49304455667"), (Lead($"p.hoffmann.{tag}@mueller-verpackung.de") is var p ? (p.Channel, p.Department, p.Name, p.Phone) : default));
        Assert.Equal("Re: Angebot Klimaprüfschrank Hallo Frau Keller, wir hätten gern eine Variante mit 400 Litern.", Lead($"p.hoffmann.{tag}@mueller-verpackung.de").Need);
        Assert.Equal(("Jana Wolf", "+493412233445", "industrial"), (Lead($"jana.wolf.{tag}@wolf-kunststoff.de") is var j ? (j.Name, j.Phone, j.Department) : default));
        Assert.Equal(("WebForm", "Sabine Krüger", "+492215566778", "industrial"), (Lead($"sabine.{tag}@gartenbau-krueger.de") is var s ? (s.Channel, s.Name, s.Phone, s.Department) : default));
        Assert.Equal(("WebForm", "Tim Becker", "Preis für eine Pumpe KP-40?"), (Lead($"t.becker.{tag}@web.de") is var t ? (t.Channel, t.Name, t.Need) : default));
        Assert.Equal(("Пётр Иванов", "+78435551234", "industrial", "Запрос Добрый день! Нужен насос для воды. Тел. 8 (843) 555-12-34"),
            (Lead($"p.ivanov.{tag}@kama-zavod.ru") is var i ? (i.Name, i.Phone, i.Department, i.Need) : default));
        Assert.Equal(("WebForm", "Сергей Волков", "+79221112233", "industrial", "Нужен винтовой компрессор на 10 бар"),
            (Lead($"volkov.{tag}@mail.ru") is var v ? (v.Channel, v.Name, v.Phone, v.Department, v.Need) : default));
        Assert.Equal(("Hans Weber", "+49421223344", "training"), (Lead($"h.weber.{tag}@weber-logistik.de") is var h ? (h.Name, h.Phone, h.Department) : default));
        var uweLead = Lead($"u.lang.{tag}@elbe-kunststoff.de");
        Assert.Contains("the whole mail is attached", uweLead.Need);

        // No customer holds an identity of ours (the seller's phone and address were in the quotes), and each is their own.
        var admin = await node.ClientAsync("admin");
        foreach (var l in leads)
        {
            var contact = (await admin.GetFromJsonAsync<ContactDto>($"/api/contacts/{l.ContactId}"))!;
            Assert.DoesNotContain("+49309876543", contact.Phones);
            Assert.DoesNotContain(contact.Emails, e => e.EndsWith("@salesorleans.test", StringComparison.Ordinal) || e.StartsWith("wordpress@", StringComparison.Ordinal));
            Assert.Equal([l.Email!], contact.Emails);
        }

        Assert.Equal(8, leads.Select(l => l.ContactId).Distinct().Count());

        // The forward's .eml and its file, and the long mail's whole text, are documents of their leads.
        var documents = node.Services.GetRequiredService<DocumentStore>();
        var hansFiles = await Until(async () => (await documents.ListAsync(Lead($"h.weber.{tag}@weber-logistik.de").Id, null)) is { Count: 1 } d ? d : null, "the forwarded mail as a document");
        Assert.Equal("Anfrage.eml", hansFiles.Single().FileName);
        var uweFiles = await Until(async () => (await documents.ListAsync(uweLead.Id, null)) is { Count: 1 } d ? d : null, "the long mail's text as a document");
        Assert.Equal(("mail-text.txt", "text/plain"), (uweFiles.Single().FileName, uweFiles.Single().ContentType));

        // Automatic mail and our own notification: filed, recorded, no lead.
        var filed = (await store.ListQuarantineAsync(50)).Where(q => q.Mailbox == mailbox).ToList();
        Assert.Equal(4, filed.Count);
        Assert.All(filed, q => Assert.StartsWith("filed: ", q.Reason));
        Assert.Contains(filed, q => q.Reason.Contains("Auto-Submitted"));
        Assert.Contains(filed, q => q.Reason.Contains("delivery report"));
        Assert.Contains(filed, q => q.Reason.Contains("Precedence: bulk") || q.Reason.Contains("List-Unsubscribe"));
        Assert.Contains(filed, q => q.Reason.Contains("mail loop"));
        Assert.Equal((8, 4), await Folders(dovecot, "Automatic"));
        Assert.Equal((8, 0), await Folders(dovecot, "Quarantine"));
    }
}
