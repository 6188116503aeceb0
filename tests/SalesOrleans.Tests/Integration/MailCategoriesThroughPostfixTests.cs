using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 15's categories of real mail delivered the way real mail arrives: SMTP into a real Postfix, LMTP into a real
/// Dovecot, IMAP IDLE into the intake. The messages not already covered by <see cref="MailIntakeTests"/>: English and
/// Russian replies quoting our signature, a windows-1251 Bitrix form, an English Elementor HTML-only form, a Russian
/// HTML-only chat transcript, a German inline forward from our reception, a German department mailbox reading national
/// numbers as German; and automatic mail in English, Russian and German (X-Autoreply, Precedence, an Exchange report,
/// List-Id). Each lead is asserted with its name, phone, address, department and text, and every contact holds no
/// identity of ours.
/// </summary>
[Trait("Category", "Integration")]
public class MailCategoriesThroughPostfixTests(ITestOutputHelper output)
{
    private static MimeMessage Mail(string from, string to, string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@mail.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private static MimeMessage Html(string from, string to, string subject, string html)
    {
        var message = Mail(from, to, subject, "");
        message.Body = new TextPart("html") { Text = html };
        return message;
    }

    private sealed record ContactDto(Guid Id, string? Name, List<string> Phones, List<string> Emails);

    [Fact]
    public async Task Each_category_of_real_mail_sent_through_Postfix_becomes_the_right_lead_or_is_filed()
    {
        SalesOrleans.Domain.Leads.Mail.MailReader.RegisterLegacyCharsets();
        await using var dovecot = await DovecotServer.StartAsync("sales");
        await using var postfix = await PostfixServer.StartAsync(dovecot.LmtpPort);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ourQuote = "> Best regards\n> Anna Keller\n> Sales, SalesOrleans\n> Phone: +7 495 223-32-11\n> E-mail: sales@salesorleans.test";

        var james = Mail($"James Carter <j.carter.{tag}@northwind-plastics.co.uk>", "sales@salesorleans.test", "RE: Quotation screw compressor SC-15",
            $"Hi Anna,\n\nthanks for the quote. Could you add a dryer and send the revised compressor offer?\n\nBest regards\nJames Carter\nProcurement, Northwind Plastics Ltd\nTel: +44 20 7946 0958\n\n-----Original Message-----\nFrom: Anna Keller <sales@salesorleans.test>\nSent: Tuesday, March 10, 2026 9:12 AM\nTo: James Carter\nSubject: Quotation screw compressor SC-15\n\n{ourQuote}");
        var petrov = Mail($"Иван Петров <i.petrov.{tag}@tehsnab.ru>", "sales@salesorleans.test", "Re: Коммерческое предложение",
            $"Добрый день!\n\nНам нужен ещё один насос для охлаждения, пришлите цену.\n\nС уважением,\nИван Петров\nООО «Техснаб»\nтел. 8 912 345-67-89\n\n10.03.2026, 09:12, \"Анна Келлер\" <sales@salesorleans.test>:\n> Добрый день!\n> Направляем предложение.\n> С уважением, Анна Келлер\n> тел. +7 495 223-32-11\n> sales@salesorleans.test");

        // Bitrix sends its web forms in windows-1251 from a robot address.
        var cp1251 = System.Text.Encoding.GetEncoding("windows-1251");
        var bitrix = new MimeMessage { Subject = $"Заявка с сайта kurs-1c.ru {tag}", MessageId = $"bitrix.{tag}@kurs-1c.ru", Date = DateTimeOffset.UtcNow };
        bitrix.From.Add(new MailboxAddress("Битрикс", "bitrix@kurs-1c.ru"));
        bitrix.To.Add(MailboxAddress.Parse("sales@salesorleans.test"));
        var bitrixBody = new TextPart("plain");
        bitrixBody.SetText(cp1251, $"Информационное сообщение сайта kurs-1c.ru\n------------------------------------------\n\nИмя: Мария Соколова\nТелефон: 8 (343) 210-{Random.Shared.Next(10, 99)}-{Random.Shared.Next(10, 99)}\nE-mail: m.sokolova.{tag}@uralmet.ru\nСообщение: Нужно обучение 1С:Бухгалтерия для 5 сотрудников, курс в марте.\n\nСообщение сгенерировано автоматически.");
        bitrixBody.ContentTransferEncoding = ContentEncoding.EightBit;
        bitrix.Body = bitrixBody;

        var elementor = Html("WordPress <wordpress@pumps-blog.com>", "sales@salesorleans.test", $"New message from \"Pumps Blog\" {tag}", $$"""
            <html><head><style>table { border: 1px solid #ccc }</style><script>var x = 1;</script></head><body>
            <table><tr><td><strong>Name</strong></td><td>Emily Stone</td></tr>
            <tr><td><strong>Email</strong></td><td>emily.stone.{{tag}}@greenfarm.com</td></tr>
            <tr><td><strong>Phone</strong></td><td>+1 (415) 555-0132</td></tr>
            <tr><td><strong>Message</strong></td><td>We need a submersible pump for irrigation, 30 m3/h.</td></tr></table>
            <p>---<br>Date: 10 March 2026<br>Powered by: Elementor</p></body></html>
            """);

        var chat = Html("JivoChat <noreply@jivochat.com>", "sales@salesorleans.test", $"Чат с посетителем сайта {tag}", $$"""
            <html><body><h3>Диалог с посетителем</h3>
            <table><tr><td>Имя</td><td>Ольга Кузнецова</td></tr><tr><td>Телефон</td><td>+7 903 {{Random.Shared.Next(100, 999)}}-22-33</td></tr>
            <tr><td>E-mail</td><td>o.kuznetsova.{{tag}}@mail.ru</td></tr></table>
            <div>[12:01] Ольга Кузнецова: Здравствуйте, нужен климатический шкаф на 500 литров</div>
            <div>[12:02] Оператор Анна: Добрый день! Уточните диапазон температур?</div>
            <div>[12:03] Ольга Кузнецова: от -40 до +80</div></body></html>
            """);

        // Our reception forwards inline to the sales mailbox: the original sender is the customer, not the reception.
        var forward = Mail("Empfang <empfang@salesorleans.test>", "vertrieb@salesorleans.test", "WG: Schulung Lagerlogistik",
            $"Bitte übernehmen.\n\n-------- Weitergeleitete Nachricht --------\nBetreff: Schulung Lagerlogistik\nDatum: Mon, 9 Mar 2026 10:15:00 +0100\nVon: Klaus Meier <k.meier.{tag}@meier-bau.de>\nAn: empfang@salesorleans.test\n\nSehr geehrte Damen und Herren,\nwir möchten 8 Mitarbeiter zur Lagerlogistik schulen lassen.\nRückruf bitte unter 0711 987654.\n\nMit freundlichen Grüßen\nKlaus Meier\nMeier Bau GmbH");

        // A department's own mailbox in Germany: its national numbers are German.
        var schulung = Mail($"Sabine Roth <s.roth.{tag}@roth-logistik.de>", "schulung@salesorleans.test", "Anfrage Seminar",
            "Guten Tag,\nwir interessieren uns für Ihr Seminar Lagerverwaltung.\nErreichbar unter 089 4455667.\n\nViele Grüße\nSabine Roth");

        var autoreply = Mail($"James Carter <j.carter.{tag}@northwind-plastics.co.uk>", "sales@salesorleans.test", "Out of Office: RE: Quotation",
            "I am out of the office until 20 March. For urgent matters call Tom on +44 20 7946 0000.");
        autoreply.Headers.Add("X-Autoreply", "yes");
        var avtootvet = Mail($"Иван Петров <i.petrov.{tag}@tehsnab.ru>", "sales@salesorleans.test", "Автоответ: Re: Коммерческое предложение",
            "Я в отпуске до 20.03. По срочным вопросам: Сидоров, тел. 8 912 000-00-01.");
        avtootvet.Headers.Add("Precedence", "auto_reply");
        var ndr = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"""
            From: Microsoft Outlook <postmaster@meier-bau.de>
            To: vertrieb@salesorleans.test
            Subject: Unzustellbar: Angebot Schulung
            Message-ID: <ndr.{tag}@meier-bau.de>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="NDR"

            --NDR
            Content-Type: text/plain; charset=utf-8

            Ihre Nachricht hat k.meier-alt@meier-bau.de nicht erreicht. Tel. 0711 111111
            --NDR
            Content-Type: message/delivery-status

            Reporting-MTA: dns;mx.meier-bau.de
            Final-Recipient: rfc822;k.meier-alt@meier-bau.de
            Action: failed
            Status: 5.1.10
            --NDR--
            """.Replace("\r\n", "\n").Replace("\n", "\r\n"))));
        var list = Mail($"Промышленный вестник <news.{tag}@promvestnik.ru>", "sales@salesorleans.test", "Новости отрасли: насосы и компрессоры",
            "Главные новости недели. Звоните: 8 800 100-20-30");
        list.Headers.Add("List-Id", "<news.promvestnik.ru>");

        var messages = new[] { james, petrov, bitrix, elementor, chat, forward, schulung, autoreply, avtootvet, ndr, list };
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", postfix.Port, SecureSocketOptions.None);
            foreach (var message in messages)
            {
                // The envelope goes to the watched mailbox whatever the header says (aliases, as a real server has them).
                await smtp.SendAsync(message, MailboxAddress.Parse("bounce@sender.example"), [MailboxAddress.Parse("sales@salesorleans.test")]);
            }

            await smtp.DisconnectAsync(true);
        }

        await using var node = await MailNode.StartAsync(await TestDatabase.CreateAsync(), dovecot, new Dictionary<string, string?>
            {
                ["Mail:MailboxRegions:vertrieb@salesorleans.test"] = "DE",
                ["Mail:DepartmentRegions:training"] = "DE",
                ["Leads:Routing:90:Kind"] = "Mailbox",
                ["Leads:Routing:90:Match"] = "schulung@salesorleans.test",
                ["Leads:Routing:90:Department"] = "training",
            });
        var store = node.Services.GetRequiredService<MailboxStore>();
        var mailbox = $"sales@127.0.0.1:{dovecot.Port}/INBOX";
        await Poll.Until(async () => (await store.GetMarkAsync(mailbox))?.LastUid == messages.Length, "every message read", 90);

        Assert.Equal(messages.Length, (await store.GetMarkAsync(mailbox))?.LastUid);
        var leads = await node.Services.GetRequiredService<LeadQueries>().ListLeadsAsync(new LeadFilter(Search: tag));
        foreach (var l in leads)
        {
            output.WriteLine($"{l.Channel} {l.Department} {l.Name} | {l.Phone} | {l.Email} | {l.Need}");
        }

        foreach (var q in await store.ListQuarantineAsync(50))
        {
            output.WriteLine($"quarantine: {q.Sender} {q.Subject}: {q.Reason}");
        }

        LeadListItem Lead(string email) => Assert.Single(leads, l => l.Email == email);
        var j = Lead($"j.carter.{tag}@northwind-plastics.co.uk");
        Assert.Equal(("Email", "James Carter", "+442079460958", "industrial"), (j.Channel, j.Name, j.Phone, j.Department));
        Assert.Equal("RE: Quotation screw compressor SC-15 Hi Anna, thanks for the quote. Could you add a dryer and send the revised compressor offer?", j.Need);
        var p = Lead($"i.petrov.{tag}@tehsnab.ru");
        Assert.Equal(("Иван Петров", "+79123456789", "industrial"), (p.Name, p.Phone, p.Department));
        Assert.Equal("Re: Коммерческое предложение Добрый день! Нам нужен ещё один насос для охлаждения, пришлите цену.", p.Need);
        Assert.Equal("ООО «Техснаб»", p.Company);
        var m = Lead($"m.sokolova.{tag}@uralmet.ru");
        Assert.Equal(("WebForm", "Мария Соколова", "training", "Нужно обучение 1С:Бухгалтерия для 5 сотрудников, курс в марте."), (m.Channel, m.Name, m.Department, m.Need));
        Assert.StartsWith("+7343210", m.Phone);
        var e = Lead($"emily.stone.{tag}@greenfarm.com");
        Assert.Equal(("WebForm", "Emily Stone", "+14155550132", "industrial", "We need a submersible pump for irrigation, 30 m3/h."), (e.Channel, e.Name, e.Phone, e.Department, e.Need));
        var o = Lead($"o.kuznetsova.{tag}@mail.ru");
        Assert.Equal(("Chat", "Ольга Кузнецова", "industrial"), (o.Channel, o.Name, o.Department));
        Assert.StartsWith("+7903", o.Phone);
        Assert.Contains("климатический шкаф на 500 литров", o.Need);
        Assert.DoesNotContain("Уточните", o.Need);
        var k = Lead($"k.meier.{tag}@meier-bau.de");
        Assert.Equal(("Klaus Meier", "+49711987654", "training"), (k.Name, k.Phone, k.Department));
        Assert.Contains("8 Mitarbeiter zur Lagerlogistik schulen", k.Need);
        var s = Lead($"s.roth.{tag}@roth-logistik.de");
        Assert.Equal(("Sabine Roth", "+49894455667", "training"), (s.Name, s.Phone, s.Department));
        Assert.Equal(7, leads.Count);

        var admin = await node.ClientAsync("admin");
        var ours = new[] { "+74952233211", "+78007759001", "+74952233212" };
        foreach (var l in leads)
        {
            var contact = (await admin.GetFromJsonAsync<ContactDto>($"/api/contacts/{l.ContactId}"))!;
            Assert.Empty(contact.Phones.Intersect(ours));
            Assert.Equal([l.Email!], contact.Emails);
            Assert.Equal([l.Phone!], contact.Phones);
        }

        // Automatic mail in three languages: filed with its reason, no lead, no identity.
        var filed = (await store.ListQuarantineAsync(50)).Where(q => q.Mailbox == mailbox).ToList();
        Assert.Equal(4, filed.Count);
        Assert.All(filed, q => Assert.True(q.Filed, q.Reason));
        Assert.Contains(filed, q => q.Reason.Contains("X-Autoreply"));
        Assert.Contains(filed, q => q.Reason.Contains("Precedence"));
        Assert.Contains(filed, q => q.Reason.Contains("delivery report"));
        Assert.Contains(filed, q => q.Reason.Contains("List-Id"));
    }
}
