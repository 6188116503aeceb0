using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The departments page's routing keywords (a head edits their own department's, in three languages; a bad list is
/// refused naming the field) and the calendar page's short days (shown, set by hand), in Debian's Chromium.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class RoutingKeywordAndShortDayPageTests(UiFixture fixture)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    // Submitted as the button would, without a pointer click: other tests' live notifications may pop up over the page.
    private static Task Submit(IPage page, string form) =>
        page.Locator(form).EvaluateAsync("f => f.requestSubmit(f.querySelector('button[type=submit]'))");

    [Fact]
    public async Task A_head_edits_their_departments_routing_keywords_and_a_duplicate_is_refused_naming_the_field()
    {
        var page = await fixture.LoginAsync("e.keller", "/admin.html?tab=departments");
        await page.WaitForSelectorAsync("body[data-ready=on]");
        var training = page.Locator("#departmentTable tr[data-department='training']");
        await Assertions.Expect(training).ToContainTextAsync("Schulung");
        // The head of training edits training's keywords only.
        await Assertions.Expect(page.Locator("#departmentTable tr[data-department='industrial'] button.edit-keywords")).ToHaveCountAsync(0);

        await training.Locator("button.edit-keywords").ClickAsync();
        var form = page.Locator("#keywordForm");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("textarea[name=de]")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Schulung"));

        // A duplicate after folding (Ü and UE) is refused with the field named; nothing is saved.
        await form.Locator("textarea[name=de]").FillAsync("Schulung\nSeminar\nKurs\nÜbungsleiter\nUEBUNGSLEITER");
        await Submit(page, "#keywordForm");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("keywords.de[4]");

        await form.Locator("textarea[name=de]").FillAsync("Schulung\nSeminar\nKurs\nÜbungsleiter");
        await form.Locator("textarea[name=ru]").FillAsync("обучени\nкурс\nсеминар\nтренинг");
        await Submit(page, "#keywordForm");
        await Assertions.Expect(page.Locator("#message .ok")).ToBeVisibleAsync();
        await Assertions.Expect(training).ToContainTextAsync("Übungsleiter");
        await Assertions.Expect(training).ToContainTextAsync("тренинг");

        var api = await fixture.Node.ClientAsync("admin");
        var saved = await Json(await api.GetAsync("/api/admin/departments/training/keywords"));
        Assert.Equal(["Schulung", "Seminar", "Kurs", "Übungsleiter"], saved.GetProperty("keywords").GetProperty("de").EnumerateArray().Select(k => k.GetString()));
        Assert.Contains("тренинг", saved.GetProperty("keywords").GetProperty("ru").EnumerateArray().Select(k => k.GetString()));
        await UiFixture.Screenshot(page, "routing-keywords");
    }

    [Fact]
    public async Task The_calendar_page_shows_the_russian_pre_holiday_short_days_and_sets_one_by_hand()
    {
        var page = await fixture.LoginAsync("admin", "/admin.html?tab=calendars");
        await page.WaitForSelectorAsync("body[data-ready=on]");
        await Assertions.Expect(page.Locator("#calendarTable tr[data-calendar='RU']")).ToBeVisibleAsync();
        await page.Locator("#calendarTable tr[data-calendar='RU'] button").ClickAsync();
        var shipped = page.Locator("#dayTable tr[data-date='2026-04-30']");
        await Assertions.Expect(shipped).ToContainTextAsync("60");
        await Assertions.Expect(shipped).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bshort\\b"));

        // A short day of its own year (the other browser tests count deadlines in the shipped years).
        var form = page.Locator("#dayForm");
        await form.Locator("input[name=date]").FillAsync("2031-12-30");
        await form.Locator("select[name=kind]").SelectOptionAsync("short");
        await form.Locator("input[name=minutes]").FillAsync("120");
        await form.Locator("input[name=name]").FillAsync("Betriebsfeier: zwei Stunden kürzer");
        await Submit(page, "#dayForm");
        var set = page.Locator("#dayTable tr[data-date='2031-12-30']");
        await Assertions.Expect(set).ToContainTextAsync("120");
        await Assertions.Expect(set).ToContainTextAsync("Betriebsfeier");

        // Minutes out of range are refused naming the field.
        await form.Locator("input[name=date]").FillAsync("2031-12-29");
        await form.Locator("input[name=name]").FillAsync("Zu kurz");
        await form.Locator("input[name=minutes]").EvaluateAsync("i => { i.removeAttribute('max'); i.value = '600'; }");
        await Submit(page, "#dayForm");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("'minutes'");

        var api = await fixture.Node.ClientAsync("admin");
        var days = await Json(await api.GetAsync("/api/calendars/RU?year=2031"));
        var day = Assert.Single(days.GetProperty("days").EnumerateArray());
        Assert.Equal(("short", 120), (day.GetProperty("kind").GetString(), day.GetProperty("minutes").GetInt32()));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await api.DeleteAsync("/api/calendars/RU/days/2031-12-30")).StatusCode);
    }
}
