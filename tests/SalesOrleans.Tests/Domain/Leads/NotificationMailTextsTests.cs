using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class NotificationMailTextsTests
{
    [Theory]
    [InlineData("ru", "[SalesOrleans] Новая задача", "Здравствуйте, Ольга Смирнова!", "Открыть: http://crm.example/deal.html?id=")]
    [InlineData("de-DE", "[SalesOrleans] Neue Aufgabe", "Hallo Ольга Смирнова,", "Öffnen: http://crm.example/deal.html?id=")]
    [InlineData(null, "[SalesOrleans] New task", "Hello Ольга Смирнова,", "Open: http://crm.example/deal.html?id=")]
    [InlineData("fr", "[SalesOrleans] New task", "Hello Ольга Смирнова,", "Open: http://crm.example/deal.html?id=")]
    public void A_notification_mail_is_framed_in_the_recipients_language(string? language, string subject, string greeting, string link)
    {
        var text = "New task: Prepare the offer für Müller (due 2026-12-07 09:00:00Z)";
        var (s, body) = NotificationTemplates.Render("Ольга Смирнова", text, "deal", Guid.NewGuid(), "http://crm.example/", language);

        Assert.Equal(subject, s);
        Assert.StartsWith(greeting, body);
        Assert.Contains(text, body);
        Assert.Contains(link, body);
    }

    [Fact]
    public void Every_language_has_a_subject_for_every_kind()
    {
        foreach (var texts in new[] { NotificationMailTexts.English, NotificationMailTexts.Russian, NotificationMailTexts.German })
        {
            var subjects = Enum.GetValues<NotificationKind>().Select(texts.Subject).ToList();
            Assert.All(subjects, s => Assert.False(string.IsNullOrWhiteSpace(s)));
            Assert.Equal(subjects.Count, subjects.Distinct().Count());
        }
    }
}
