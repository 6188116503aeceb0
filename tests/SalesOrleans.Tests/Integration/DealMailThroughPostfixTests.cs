using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 11 (1C:CRM project): a manager writes to the customer from the deal with a template. Through a real Postfix
/// into a real Dovecot: sent once although the request came twice and SMTP was down at first, the right German text,
/// the proposal PDF attached, a person's mail (no Auto-Submitted) whose reply goes to intake and joins the customer.
/// </summary>
[Trait("Category", "Integration")]
public class DealMailThroughPostfixTests
{
    private const string CustomerDomain = "hansa-print.example";
    private static readonly Guid GermanProposal = Guid.Parse("5a1e0000-0000-4000-8000-000000000003");

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string?> FieldOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await Json(response)).GetProperty("errors").EnumerateObject().Single().Name;
    }

    private static async Task<IReadOnlyList<MimeMessage>> Inbox(DovecotServer dovecot, string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, dovecot.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        for (var i = 0; i < client.Inbox.Count; i++)
        {
            messages.Add(await client.Inbox.GetMessageAsync(i));
        }

        await client.DisconnectAsync(true);
        return messages;
    }

    [Fact]
    public async Task The_customer_gets_one_German_mail_with_the_proposal_although_sent_twice_while_SMTP_was_down_and_their_reply_joins_them()
    {
        await using var dovecot = await DovecotServer.StartAsync("sales", "petra");
        var smtpPort = NodeProcess.FreePort();
        await using var node = await MailNode.StartAsync(await TestDatabase.CreateAsync(), dovecot, new Dictionary<string, string?>
        {
            ["Mail:Address"] = "sales@salesorleans.test",
            ["Smtp:Enabled"] = "true",
            ["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:PollInterval"] = "00:00:00.300",
            ["Smtp:RetryDelay"] = "00:00:00.500",
            ["Smtp:MaxRetryDelay"] = "00:00:02",
            ["DealMail:Phone"] = "+49 40 300 100",
            ["Documents:Seller"] = "SalesOrleans GmbH",
        });
        var weber = await node.ClientAsync("k.weber");
        var tag = Guid.NewGuid().ToString("N")[..6];
        // A fresh database per test: the address is Petra's alone (Dovecot delivers by the local part).
        var address = $"petra@{CustomerDomain}";

        // The customer's records: the company and its contact with an address (delivered to the Dovecot user "petra").
        var company = await Json(await weber.PostAsJsonAsync("/api/companies", new { name = $"Hansa Print {tag}" }));
        var companyId = company.GetProperty("id").GetGuid();
        var contactResponse = await weber.PostAsJsonAsync($"/api/companies/{companyId}/contacts", new { name = "Petra Lange", email = address, position = "Geschäftsführerin" });
        Assert.Equal(HttpStatusCode.Created, contactResponse.StatusCode);
        var contactId = (await Json(contactResponse)).GetProperty("id").GetGuid();
        var created = await weber.PostAsJsonAsync("/api/deals", new
        {
            processKind = "training-sales", title = "Excel-Kurs für die Buchhaltung", companyId, contactId, currency = "EUR",
            lines = new[] { new { sku = "SKU-100", name = "Excel-Kurs", quantity = 2, price = 2_400 } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dealId = (await Json(created)).GetProperty("id").GetGuid();

        // The preview: the German template filled from the deal.
        var preview = await Json(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails/preview", new { templateId = GermanProposal }));
        Assert.Equal(address, preview.GetProperty("to").GetString());
        Assert.Equal("Angebot: Excel-Kurs für die Buchhaltung", preview.GetProperty("subject").GetString());
        var body = preview.GetProperty("body").GetString()!;
        Assert.Contains("Guten Tag Petra Lange,", body);
        Assert.Contains("über 4.800,00 EUR", body);
        Assert.Contains($"Hansa Print {tag}", body);
        Assert.Contains("SalesOrleans GmbH", body);
        Assert.Contains("+49 40 300 100", body);

        // Bad input is refused naming the field, and nothing is queued.
        Assert.Equal("templateId", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails/preview", new { templateId = Guid.NewGuid() })));
        Assert.Equal("templateId", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { mailId = Guid.NewGuid(), templateId = Guid.NewGuid(), subject = "s", body = "b" })));
        Assert.Equal("subject", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { mailId = Guid.NewGuid(), subject = "Angebot\r\nBcc: alle@example.com", body = "b" })));
        Assert.Equal("body", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { mailId = Guid.NewGuid(), subject = "s", body = new string('x', 20_001) })));
        Assert.Equal("mailId", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { subject = "s", body = "b" })));
        Assert.Equal("to", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { mailId = Guid.NewGuid(), to = "someone@else.example", subject = "s", body = "b" })));
        var bare = await Json(await weber.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Ohne Kontakt", company = "Irgendwer" }));
        Assert.Equal("to", await FieldOf(await weber.PostAsJsonAsync($"/api/deals/{bare.GetProperty("id").GetGuid()}/mails", new { mailId = Guid.NewGuid(), subject = "s", body = "b" })));
        // Someone who may not work the deal (another department's manager) cannot write from it.
        var petrov = await node.ClientAsync("i.petrov");
        Assert.Contains((await petrov.PostAsJsonAsync($"/api/deals/{dealId}/mails", new { mailId = Guid.NewGuid(), subject = "s", body = "b" })).StatusCode,
            new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Empty((await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/mails")).EnumerateArray());

        // A double click: the same mail id twice at once. SMTP is not there yet.
        var mailId = Guid.NewGuid();
        var edited = body + "\n\nPS: Termine im März sind noch frei.";
        var send = new { mailId, templateId = GermanProposal, subject = preview.GetProperty("subject").GetString(), body = edited, attachProposal = true };
        var twice = await Task.WhenAll(weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", send), weber.PostAsJsonAsync($"/api/deals/{dealId}/mails", send));
        Assert.All(twice, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Contains(twice, r => r.StatusCode == HttpStatusCode.Accepted);
        // The deal had no proposal: one was made for the mail, once.
        Assert.Single((await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}")).GetProperty("documents").EnumerateArray(),
            d => d.GetProperty("kind").GetString() == "proposal");
        await Poll.Until(async () => (await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/mails")).EnumerateArray()
            .Any(m => m.GetProperty("attempts").GetInt32() >= 1 && m.GetProperty("status").GetString() == "pending"), "a failed first attempt while SMTP is down", 60);

        await using var postfix = await PostfixServer.StartAsync(dovecot.LmtpPort, smtpPort, CustomerDomain);
        await Poll.Until(async () => (await Inbox(dovecot, "petra")).Count > 0, "the customer's mail", 90);
        var listed = Assert.Single((await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/mails")).EnumerateArray());
        Assert.Equal(mailId, listed.GetProperty("id").GetGuid());
        await Poll.Until(async () => (await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/mails")).EnumerateArray().Single().GetProperty("status").GetString() == "sent", "sent", 30);

        var mail = Assert.Single(await Inbox(dovecot, "petra"));
        Assert.Equal("Angebot: Excel-Kurs für die Buchhaltung", mail.Subject);
        Assert.Contains("Guten Tag Petra Lange,", mail.TextBody!);
        Assert.Contains("PS: Termine im März sind noch frei.", mail.TextBody);
        Assert.Null(mail.Headers["Auto-Submitted"]);
        Assert.Equal("sales@salesorleans.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("sales@salesorleans.test", mail.From.Mailboxes.Single().Address);
        Assert.StartsWith("Klaus Weber", mail.From.Mailboxes.Single().Name);
        var pdf = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        Assert.Equal("application/pdf", pdf.ContentType.MimeType);
        using (var content = new MemoryStream())
        {
            await pdf.Content!.DecodeToAsync(content);
            Assert.Equal("%PDF"u8.ToArray(), content.ToArray()[..4]);
        }

        // Journalled on the deal, and in the company's mails.
        await Poll.Until(async () => (await weber.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/journal")).EnumerateArray()
            .Any(e => e.GetProperty("text").GetString()!.StartsWith($"E-mail sent to {address}: Angebot", StringComparison.Ordinal)), "the journal line", 30);
        var dossier = await weber.GetFromJsonAsync<JsonElement>($"/api/companies/{companyId}/dossier");
        Assert.Contains(dossier.GetProperty("mails").EnumerateArray(), m => m.GetProperty("direction").GetString() == "out"
            && m.GetProperty("dealId").GetGuid() == dealId && m.GetProperty("email").GetString() == address);

        // The customer answers to the Reply-To: the reply reaches intake and joins Petra's record (no new contact).
        var reply = new MimeMessage { Subject = "AW: " + mail.Subject, MessageId = $"{Guid.NewGuid():N}@{CustomerDomain}", InReplyTo = mail.MessageId, Date = DateTimeOffset.UtcNow };
        reply.From.Add(new MailboxAddress("Petra Lange", address));
        reply.To.AddRange(mail.ReplyTo);
        reply.Body = new TextPart("plain") { Text = "Guten Tag,\n\ndanke, wir nehmen den Kurs am 12. März. Bitte schicken Sie den Vertrag.\n\nViele Grüße\nPetra Lange\n\n"
            + string.Join("\n", mail.TextBody!.Split('\n').Select(l => "> " + l)) };
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", postfix.Port, SecureSocketOptions.None);
            await smtp.SendAsync(reply);
            await smtp.DisconnectAsync(true);
        }

        await Poll.Until(async () => (await weber.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}")).GetProperty("inquiries").GetInt32() >= 1,
            "the reply joins the customer", 90);
        Assert.Single(await Inbox(dovecot, "petra"));
    }
}
