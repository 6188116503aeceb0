using System.Net.Http.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>Notification e-mails through a real Postfix into real Dovecot mailboxes, with a retry while the SMTP server is down.</summary>
[Trait("Category", "Integration")]
public class NotificationMailTests
{
    private static async Task<IReadOnlyList<string>> Subjects(DovecotServer dovecot, string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, dovecot.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var subjects = new List<string>();
        for (var i = 0; i < client.Inbox.Count; i++)
        {
            // Only a mail marked as sent by a program counts (RFC 3834: auto-responders and our intake leave it alone).
            var message = await client.Inbox.GetMessageAsync(i);
            subjects.Add((message.Headers["Auto-Submitted"] == "auto-generated" ? "" : "(not Auto-Submitted) ") + (message.Subject ?? ""));
        }

        await client.DisconnectAsync(true);
        return subjects;
    }

    private static Task Until(Func<Task<bool>> probe, string what, int seconds = 30) => Poll.Until(probe, what, seconds);

    [Fact]
    public async Task A_new_lead_mails_the_supervisor_and_the_assignee_and_a_failed_send_is_retried()
    {
        await using var dovecot = await DovecotServer.StartAsync("e.keller", "k.weber", "l.braun");
        var smtpPort = NodeProcess.FreePort();
        var settings = new Dictionary<string, string?>(LeadNodeFixture.Settings())
        {
            ["Smtp:Enabled"] = "true",
            ["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:PollInterval"] = "00:00:00.200",
            ["Smtp:RetryDelay"] = "00:00:00.500",
        };
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(settings));
        var store = node.Services.GetRequiredService<NotificationStore>();

        // The SMTP server is not there yet: the mailer fails, keeps the notification and tries again later.
        var anonymous = await node.ClientAsync();
        await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", name = "Petra Lang", email = $"petra.{Guid.NewGuid():N}@hansaprint.example", message = "An Excel course", topic = "training" });
        await Until(async () => (await store.ListMailStatusAsync("e.keller")).Any(n => n.Attempts >= 1 && n.Status is null), "a failed first attempt");

        await using var postfix = await PostfixServer.StartAsync(dovecot.LmtpPort, smtpPort);
        var lead = (await (await node.ClientAsync("e.keller")).GetFromJsonAsync<List<LeadListItem>>("/api/leads?department=training&status=all"))!.Single();
        await Until(async () => (await Subjects(dovecot, "e.keller")).Contains("[SalesOrleans] New lead"), "the supervisor's mail");
        await Until(async () => (await Subjects(dovecot, lead.Assignee!)).Contains("[SalesOrleans] Lead assigned to you"), "the assignee's mail");
        Assert.All(await store.ListMailStatusAsync("e.keller"), n => Assert.Equal("sent", n.Status));
    }

    [Fact]
    public async Task A_deal_task_mails_its_executor_once_in_their_language_unless_they_switched_mail_off()
    {
        await using var dovecot = await DovecotServer.StartAsync("k.weber", "l.braun");
        var smtpPort = NodeProcess.FreePort();
        var settings = new Dictionary<string, string?>(LeadNodeFixture.Settings())
        {
            ["Smtp:Enabled"] = "true",
            ["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:PollInterval"] = "00:00:00.200",
        };
        await using var postfix = await PostfixServer.StartAsync(dovecot.LmtpPort, smtpPort);
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(settings));
        var store = node.Services.GetRequiredService<NotificationStore>();

        // k.weber reads German; l.braun wants notifications in the app only.
        Assert.True((await (await node.ClientAsync("k.weber")).PutAsJsonAsync("/api/account/language", new { language = "de" })).IsSuccessStatusCode);
        var braun = await node.ClientAsync("l.braun");
        Assert.True((await braun.PutAsJsonAsync("/api/account/mail-preference", new { notifyByMail = false })).IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await braun.PutAsJsonAsync("/api/account/mail-preference", new { })).StatusCode);

        // The supervisor opens a deal for each: its first task is the owner's.
        var supervisor = await node.ClientAsync("e.keller");
        foreach (var owner in new[] { "l.braun", "k.weber" })
        {
            var created = await supervisor.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = $"Course for {owner}", company = "Hansa Print", owner });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        await Until(async () => (await Subjects(dovecot, "k.weber")).Contains("[SalesOrleans] Neue Aufgabe"), "the executor's mail, in German");
        await Until(async () => (await store.ListMailStatusAsync("l.braun")).Any(n => n.Status == "off"), "l.braun's mail switched off");
        // Proving no second mail: give a duplicate a second to arrive before counting.
        await Task.Delay(1000);
        Assert.Single(await Subjects(dovecot, "k.weber"), s => s == "[SalesOrleans] Neue Aufgabe");
        Assert.Empty(await Subjects(dovecot, "l.braun"));
        Assert.Contains(await store.ListMailStatusAsync("k.weber"), n => n.Text.StartsWith("New task: ", StringComparison.Ordinal) && n.Status == "sent");
        // In the app both have it.
        var inApp = await braun.GetFromJsonAsync<List<NotificationItem>>("/api/notifications?unread=true");
        Assert.Contains(inApp!, n => n.Source == "deal" && n.Text.Contains("Course for l.braun", StringComparison.Ordinal));
    }
}
