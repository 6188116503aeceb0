using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Tests.Ui;

/// <summary>The mail quarantine page under the Content-Security-Policy: the head of sales makes a lead of a quarantined mail and discards another.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public sealed class MailQuarantinePageTests(UiFixture fixture)
{
    private static async Task<Guid> Quarantine(MailboxStore store, string from, string subject, string text, string reason, bool filed = false)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@test.example", Date = DateTimeOffset.UtcNow.AddHours(-1) };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("vertrieb@salesorleans.test"));
        message.Body = new TextPart("plain") { Text = text };
        using var raw = new MemoryStream();
        await message.WriteToAsync(raw);
        var id = Guid.NewGuid();
        await store.QuarantineAsync(new QuarantinedMail("ui-test", 1, Random.Shared.NextInt64(1, long.MaxValue), message.MessageId, from, subject,
            (filed ? "filed: " : "") + reason, DateTimeOffset.UtcNow, id, SalesOrleans.Domain.Leads.Mail.MailReader.Excerpt(message), message.Date), raw.ToArray());
        return id;
    }

    [Fact]
    public async Task The_head_of_sales_makes_a_lead_of_a_quarantined_mail_and_discards_another_and_a_manager_has_no_link()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var store = fixture.Node.Services.GetRequiredService<MailboxStore>();
        var formId = await Quarantine(store, "wordpress@maschinen-blog.de", $"Anfrage {tag}",
            "Name: Greta <b>Holm</b>\nNachricht: Wir suchen eine Tauchpumpe für 20 m³/h.\n-- \nThis e-mail was sent from a contact form",
            "A form without a phone number or an e-mail address of the sender.");
        var spamId = await Quarantine(store, "no-reply@tilda.ws", $"Тест {tag}", "Имя: тест\nСообщение: тест", "A form without a phone number or an e-mail address of the sender.");
        var violations = new List<string>();

        var page = await fixture.LoginAsync("s.volkov", "/mail.html");
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        await page.WaitForSelectorAsync("body[data-ready=on]");
        await Assertions.Expect(page.Locator("header a[href='/mail.html']")).ToHaveClassAsync("active");
        var form = page.Locator($"[data-mail='{formId}']");
        await Assertions.Expect(form.Locator(".subject")).ToHaveTextAsync($"Anfrage {tag}");
        await Assertions.Expect(form).ToContainTextAsync("wordpress@maschinen-blog.de");
        await Assertions.Expect(form.Locator(".reason")).ToContainTextAsync("without a phone number");
        // The mail's text is text: its markup is shown, never rendered.
        await Assertions.Expect(form.Locator("pre.excerpt")).ToContainTextAsync("Greta <b>Holm</b>");
        Assert.Equal(0, await form.Locator("pre.excerpt b").CountAsync());

        await form.Locator("button.make-lead").ClickAsync();
        await form.Locator("input[name=phone]").FillAsync("12");
        await form.Locator(".lead-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#mail-message")).ToContainTextAsync("phone");
        await form.Locator("input[name=phone]").FillAsync("+49 40 5556677");
        await form.Locator("input[name=department]").FillAsync("industrial");
        await form.Locator(".lead-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#mail-message")).ToContainTextAsync($"A lead was made of \"Anfrage {tag}\"");
        await Assertions.Expect(form).ToHaveCountAsync(0);

        await page.Locator($"[data-mail='{spamId}'] button.discard").ClickAsync();
        await Assertions.Expect(page.Locator("#mail-message")).ToContainTextAsync("discarded");
        await page.Locator("#show-decided").CheckAsync();
        await Assertions.Expect(page.Locator($"[data-mail='{spamId}'] .decided")).ToContainTextAsync("Discarded by s.volkov");
        await Assertions.Expect(page.Locator($"[data-mail='{formId}'] .decided a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/leads.html\\?id="));

        var manager = await fixture.LoginAsync("k.weber", "/board.html");
        await manager.WaitForSelectorAsync("header.top");
        Assert.Equal(0, await manager.Locator("header a[href='/mail.html']").CountAsync());
        Assert.Empty(violations);
    }
}
