using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// The quarantine in the app, against a real Dovecot and PostgreSQL: the head of sales sees quarantined and filed mail
/// with sender, subject, date, reason and first lines, is told when mail lands in quarantine, and makes a lead of it
/// (once, through the intake's path), attaches it to a customer, or discards it, each recorded with who and when.
/// </summary>
[Trait("Category", "Integration")]
public class MailQuarantineTests
{
    internal static MimeMessage Mail(string fromName, string from, string subject, string text) =>
        MailNode.Mail(fromName, from, subject, text, DateTimeOffset.UtcNow.AddMinutes(-5));

    internal static Task Append(DovecotServer dovecot, params MimeMessage[] messages) => MailNode.AppendAsync(dovecot, messages);

    internal static Task<TestNode> Start(string db, DovecotServer dovecot) =>
        MailNode.StartAsync(db, dovecot, new Dictionary<string, string?> { ["Leads:HeadOfSales"] = "s.volkov" });

    internal static async Task<List<JsonElement>> Quarantine(HttpClient client, int count)
    {
        var items = new List<JsonElement>();
        try
        {
            await Poll.Until(async () => (items = (await client.GetFromJsonAsync<List<JsonElement>>("/api/mail/quarantine"))!).Count >= count, "the quarantine", 30);
        }
        catch (TimeoutException)
        {
            // Fall through to the count below, which names what was there.
        }

        Assert.Equal(count, items.Count);
        return items;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task The_head_of_sales_sees_quarantined_mail_is_told_and_makes_a_lead_attaches_or_discards_each_once()
    {
        await using var dovecot = await DovecotServer.StartAsync("sales");
        var db = await TestDatabase.CreateAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        // A form plugin's robot mail with no way to reach the visitor; a chat without contact data but a file; a mail of nothing; an auto-reply.
        var form = Mail("Website", "noreply@maschinen-blog.de", $"Anfrage {tag}", $"Name: Klaus Berger\nNachricht: Wir brauchen einen Schraubenkompressor, 10 bar.\nBitte um Rückruf.");
        var chat = Mail("JivoSite", "robot@jivosite.example", $"Chat transcript {tag}", "[10:02] Visitor: Do you repair pumps?\n[10:03] Operator: Yes, which model?\n[10:04] Visitor: KP-40, my colleague will write.");
        var body = new BodyBuilder { TextBody = chat.TextBody };
        var drawing = System.Text.Encoding.UTF8.GetBytes($"%PDF-1.4 pump {tag}");
        body.Attachments.Add("pump.pdf", drawing, ContentType.Parse("application/pdf"));
        chat.Body = body.ToMessageBody();
        var spam = Mail("Tilda", "no-reply@tilda.ws", $"Заявка {tag}", "Имя: тест\nСообщение: тест");
        var away = Mail("Petra Hoffmann", $"p.hoffmann.{tag}@mueller-verpackung.de", $"Abwesenheitsnotiz {tag}", "Ich bin bis 20.03. nicht im Büro.");
        away.Headers.Add("Auto-Submitted", "auto-replied");
        await Append(dovecot, form, chat, spam, away);

        await using var node = await Start(db, dovecot);
        var head = await node.ClientAsync("s.volkov");
        var items = await Quarantine(head, 4);
        JsonElement Item(string subject) => items.Single(i => i.GetProperty("subject").GetString() == subject);
        var formItem = Item($"Anfrage {tag}");
        Assert.Equal("noreply@maschinen-blog.de", formItem.GetProperty("sender").GetString());
        Assert.Contains("without a phone number or an e-mail address", formItem.GetProperty("reason").GetString());
        Assert.Contains("Schraubenkompressor", formItem.GetProperty("excerpt").GetString());
        Assert.Equal(form.Date.ToUnixTimeSeconds(), formItem.GetProperty("sentAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(("open", false), (formItem.GetProperty("state").GetString(), formItem.GetProperty("filed").GetBoolean()));
        Assert.True(Item($"Abwesenheitsnotiz {tag}").GetProperty("filed").GetBoolean());

        // Told in the notifications (and so by mail) for each quarantined mail, not for the filed auto-reply.
        var told = (await head.GetFromJsonAsync<List<JsonElement>>("/api/notifications"))!
            .Where(n => n.GetProperty("source").GetString() == "mail").Select(n => n.GetProperty("text").GetString()!).ToList();
        Assert.Equal(3, told.Count);
        Assert.Contains(told, t => t.StartsWith("Mail quarantined from noreply@maschinen-blog.de", StringComparison.Ordinal) && t.Contains("Schraubenkompressor"));

        // Only the head of sales and admins: a manager is refused naming the capability, an admin sees the same.
        var manager = await node.ClientAsync("k.weber");
        var refused = await manager.GetAsync("/api/mail/quarantine");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("mail.quarantine", (await Json(refused)).GetProperty("capability").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync($"/api/mail/quarantine/{formItem.GetProperty("id")}/discard", new { })).StatusCode);
        Assert.Equal(4, (await (await node.ClientAsync("admin")).GetFromJsonAsync<List<JsonElement>>("/api/mail/quarantine"))!.Count);

        // Make a lead: without a phone or address it is refused naming the field; with one it is the intake's lead, once.
        var formId = formItem.GetProperty("id").GetGuid();
        var noContact = await head.PostAsJsonAsync($"/api/mail/quarantine/{formId}/lead", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noContact.StatusCode);
        Assert.True((await Json(noContact)).GetProperty("errors").TryGetProperty("phone", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await head.PostAsJsonAsync($"/api/mail/quarantine/{formId}/lead", new { phone = "12" })).StatusCode);
        var made = await head.PostAsJsonAsync($"/api/mail/quarantine/{formId}/lead", new { phone = "+49 711 1234567", department = "industrial" });
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var madeItem = await Json(made);
        Assert.Equal(("lead", "s.volkov"), (madeItem.GetProperty("state").GetString(), madeItem.GetProperty("decidedBy").GetString()));
        var leadId = madeItem.GetProperty("leadId").GetGuid();
        var again = await Json(await head.PostAsJsonAsync($"/api/mail/quarantine/{formId}/lead", new { phone = "+49 711 7654321" }));
        Assert.Equal(leadId, again.GetProperty("leadId").GetGuid());
        var lead = await head.GetFromJsonAsync<JsonElement>($"/api/leads/{leadId}");
        var leadText = lead.ToString();
        Assert.Contains("Klaus Berger", leadText);
        Assert.Contains("+497111234567", leadText);
        Assert.Contains("Schraubenkompressor", leadText);
        Assert.Contains("industrial", leadText);
        Assert.DoesNotContain("noreply@maschinen-blog.de", leadText);
        // Decided: another action on it is a conflict naming who decided.
        var conflict = await head.PostAsJsonAsync($"/api/mail/quarantine/{formId}/discard", new { });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("s.volkov", (await Json(conflict)).GetProperty("detail").GetString());

        // Attach to a customer: the mail joins the contact's history and its file becomes the customer's document.
        var admin = await node.ClientAsync("admin");
        var customer = await Json(await admin.PostAsJsonAsync("/api/leads", new { name = $"Ole Jensen {tag}", phone = $"+49 40 {Random.Shared.Next(1000000, 9999999)}", department = "industrial" }));
        var contactId = customer.GetProperty("outcome").GetProperty("contactId").GetGuid();
        var customerLead = customer.GetProperty("outcome").GetProperty("leadId").GetGuid();
        var chatId = Item($"Chat transcript {tag}").GetProperty("id").GetGuid();
        var noTarget = await head.PostAsJsonAsync($"/api/mail/quarantine/{chatId}/attach", new { });
        Assert.True((await Json(noTarget)).GetProperty("errors").TryGetProperty("contactId", out _));
        Assert.True((await Json(await head.PostAsJsonAsync($"/api/mail/quarantine/{chatId}/attach", new { contactId = Guid.NewGuid() }))).GetProperty("errors").TryGetProperty("contactId", out _));
        var attached = await head.PostAsJsonAsync($"/api/mail/quarantine/{chatId}/attach", new { contactId });
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        var attachedItem = await Json(attached);
        Assert.Equal(("attached", contactId), (attachedItem.GetProperty("state").GetString(), attachedItem.GetProperty("contactId").GetGuid()));
        Assert.Equal(HttpStatusCode.OK, (await head.PostAsJsonAsync($"/api/mail/quarantine/{chatId}/attach", new { contactId })).StatusCode);
        var contact = await head.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}");
        Assert.Equal(2, contact.GetProperty("inquiries").GetInt32());
        var documents = await head.GetFromJsonAsync<List<JsonElement>>($"/api/leads/{customerLead}/documents");
        Assert.Equal("pump.pdf", Assert.Single(documents!).GetProperty("fileName").GetString());
        Assert.Equal(drawing, await head.GetByteArrayAsync($"/api/leads/{customerLead}/documents/{documents![0].GetProperty("id")}"));
        // The robot's address never became the customer's.
        Assert.DoesNotContain("robot@jivosite.example", contact.GetProperty("emails").EnumerateArray().Select(e => e.GetString()));

        // Discard: recorded with who and when, repeatable, and gone from the open list.
        var spamId = Item($"Заявка {tag}").GetProperty("id").GetGuid();
        var discarded = await Json(await head.PostAsJsonAsync($"/api/mail/quarantine/{spamId}/discard", new { }));
        Assert.Equal(("discarded", "s.volkov"), (discarded.GetProperty("state").GetString(), discarded.GetProperty("decidedBy").GetString()));
        Assert.True(DateTimeOffset.UtcNow - discarded.GetProperty("decidedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await head.PostAsJsonAsync($"/api/mail/quarantine/{spamId}/discard", new { })).StatusCode);
        var open = (await head.GetFromJsonAsync<List<JsonElement>>("/api/mail/quarantine?open=true"))!;
        Assert.Equal([$"Abwesenheitsnotiz {tag}"], open.Select(i => i.GetProperty("subject").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await head.PostAsJsonAsync($"/api/mail/quarantine/{Guid.NewGuid()}/discard", new { })).StatusCode);
    }
}
