using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The deal card, the lead inbox, the new-lead form and "My tasks" on a phone (390×844): nothing wider than the screen,
/// the main actions on screen and working; a Russian user reads the process's task titles in Russian.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class PhoneWorkTests(UiFixture fixture)
{
    private const int Width = 390;
    private const int Height = 844;

    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    /// <summary>
    /// Nothing is cut off sideways: the page is no wider than the phone, nothing inside it hides content behind a
    /// sideways scroll (a table squeezed into a scroll box), and no table column is squeezed so narrow that its text
    /// runs down more than three lines.
    /// </summary>
    private static async Task AssertNoHorizontalScroll(IPage page)
    {
        await AssertPageWidth(page);
        var scrolled = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('main *')]
              .filter(e => !['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) && e.getClientRects().length && e.scrollWidth > e.clientWidth + 1
                && ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX))
              .slice(0, 6).map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} ${e.scrollWidth}>${e.clientWidth}`).join(', ')
            """);
        Assert.True(scrolled == "", $"content hidden behind a sideways scroll: {scrolled}");
        var squeezed = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('main td, main th')]
              .filter(e => e.getClientRects().length && e.textContent.trim().length > 3 && e.getBoundingClientRect().width < 60
                && e.getBoundingClientRect().height > 3 * (parseFloat(getComputedStyle(e).lineHeight) || 20))
              .slice(0, 6).map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 20)}" ${Math.round(e.getBoundingClientRect().width)} px`).join(', ')
            """);
        Assert.True(squeezed == "", $"table cells squeezed to a few letters a line: {squeezed}");
    }

    private static async Task AssertPageWidth(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>($"() => document.documentElement.scrollWidth <= {Width}"),
            $"the page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide on a {Width} px phone; too wide: "
            + await page.EvaluateAsync<string>($$"""
                () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {{Width}} + 0.5)
                  .slice(0, 6).map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`).join(', ')
                """));

    /// <summary>Scrolled to, the control lies wholly within the screen's width and can be pressed.</summary>
    private static async Task AssertReachable(ILocator control, string what)
    {
        await control.ScrollIntoViewIfNeededAsync();
        var box = await control.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= Width + 0.5, $"{what} is off the screen: {box?.X}+{box?.Width}");
        Assert.True(await control.IsEnabledAsync(), $"{what} cannot be pressed");
    }

    [Fact]
    public async Task On_a_phone_the_deal_card_fits_its_actions_work_and_a_Russian_user_reads_the_task_titles_in_Russian()
    {
        var api = await fixture.Node.ClientAsync("l.braun");
        Assert.True((await api.PutAsJsonAsync("/api/account/language", new { language = "ru" })).IsSuccessStatusCode);
        try
        {
            var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Обучение переговорам", company = "ООО «Волга-Полимер»", amount = 8400 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

            var page = await fixture.LoginAsync("l.braun", $"/deal.html?id={id}", Width, Height);
            var task = page.Locator("#tasks form.task").First;
            await task.WaitForAsync(Soon);
            Assert.Equal("Зафиксировать запрос клиента", await task.Locator("strong").First.InnerTextAsync());
            await AssertNoHorizontalScroll(page);

            // The note: typed and added with the thumb.
            await AssertReachable(page.Locator("#note"), "the note input");
            await AssertReachable(page.Locator("#noteForm button[type=submit]"), "Add note");
            await page.FillAsync("#note", "Звонил Сергей Иванов: нужен курс для 8 человек");
            await page.ClickAsync("#noteForm button[type=submit]");
            await page.Locator("#journal", new() { HasTextString = "нужен курс для 8 человек" }).WaitForAsync(Soon);

            // The task's result and Done.
            await AssertReachable(task.Locator("input[name=result]"), "the task result");
            await AssertReachable(task.Locator("button[type=submit]"), "Done");
            await AssertNoHorizontalScroll(page);
            await UiFixture.Screenshot(page, "deal-phone-ru");
        }
        finally
        {
            await api.PutAsJsonAsync("/api/account/language", new { language = "" });
        }
    }

    [Fact]
    public async Task On_a_phone_the_lead_inbox_fits_and_every_action_on_a_lead_is_on_the_screen()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var anonymous = await fixture.Node.ClientAsync();
        var form = await anonymous.PostAsJsonAsync("/api/leads/webform", new
        {
            submissionId = $"form-{Guid.NewGuid():N}", name = $"Jürgen Weiß {tag}", email = $"j.weiss.{tag}@hafen-logistik.example", company = "Hafen Logistik GmbH",
            message = "Wir brauchen eine Excel-Schulung für 6 Personen", topic = "training",
        });
        Assert.True(form.IsSuccessStatusCode, await form.Content.ReadAsStringAsync());

        var page = await fixture.LoginAsync("e.keller", "/leads.html", Width, Height);
        var row = page.Locator("#leads tbody tr", new() { HasTextString = tag });
        await row.WaitForAsync(Soon);
        await AssertNoHorizontalScroll(page);
        // Every action the supervisor has on the lead (assign, and whatever else the role allows) is on the screen.
        var actions = row.Locator(".actions button:visible");
        Assert.True(await actions.CountAsync() > 0, "no action on the lead");
        for (var i = 0; i < await actions.CountAsync(); i++)
        {
            await AssertReachable(actions.Nth(i), $"the action '{await actions.Nth(i).InnerTextAsync()}'");
        }

        await AssertNoHorizontalScroll(page);
        await UiFixture.Screenshot(page, "leads-phone");
    }

    [Fact]
    public async Task On_a_phone_a_new_lead_is_added_with_the_thumb_and_every_field_of_the_form_is_on_the_screen()
    {
        var digits = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = $"Ханс-Jürgen Möller-Лебедев {digits}";
        var page = await fixture.LoginAsync("l.braun", "/leads.html", Width, Height);
        await UiFixture.WaitLive(page);
        await AssertReachable(page.Locator("#newLead"), "New lead");
        await page.ClickAsync("#newLead");
        var dialog = page.Locator("#newLeadDialog");
        await dialog.WaitForAsync(Soon);
        foreach (var field in new[] { "#newLead_name", "#newLead_phone", "#newLead_email", "#newLead_company", "#newLead_need" })
        {
            await AssertReachable(page.Locator(field), field);
        }

        await AssertReachable(dialog.Locator("button[type=submit]"), "Add lead");
        await AssertNoHorizontalScroll(page);
        await page.FillAsync("#newLead_name", name);
        await page.FillAsync("#newLead_phone", $"+49 171 {digits}");
        await page.FillAsync("#newLead_company", "Möller & Lebedev Seminarhaus Gesellschaft mit beschränkter Haftung");
        await page.FillAsync("#newLead_need", "Messe Hannover: Seminar Verhandlungsführung für 14 Personen im Vertriebsinnendienst, Termin vor Ostern");
        await AssertNoHorizontalScroll(page);
        await dialog.Locator("button[type=submit]").ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 20_000 });
        await page.Locator("#newLeadStatus .notice[data-outcome='NewLead']").WaitForAsync(Soon);
        await page.Locator("#leads tbody tr", new() { HasTextString = name }).WaitForAsync(Soon);
        await AssertNoHorizontalScroll(page);
    }

    [Fact]
    public async Task On_a_phone_my_tasks_fit_and_a_task_is_completed_and_a_document_attached_on_the_screen()
    {
        var api = await fixture.Node.ClientAsync("l.braun");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Zeitmanagement für Schichtleiter", company = "Ostsee-Fähren Rostock GmbH & Co. KG", amount = 3900 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var page = await fixture.LoginAsync("l.braun", "/tasks.html", Width, Height);
        await page.Locator($"#tasks tbody tr[data-task^='{id}/']").First.WaitForAsync(Soon);
        var key = await page.Locator($"#tasks tbody tr[data-task^='{id}/']").First.GetAttributeAsync("data-task");
        var row = page.Locator($"#tasks tbody tr[data-task='{key}']");
        await AssertNoHorizontalScroll(page);
        await AssertReachable(row.Locator("a[href^='/deal.html']"), "the deal link");
        await AssertReachable(row.Locator("input[name=result]"), "the task result");
        await AssertReachable(row.Locator("form.complete button[type=submit]"), "Done");
        await AssertReachable(row.Locator("input[name=kind]"), "the document kind");
        await AssertReachable(row.Locator("input[type=file]"), "the file");
        await AssertReachable(row.Locator("form.attach button[type=submit]"), "Attach");

        await row.Locator("input[name=kind]").FillAsync("request");
        await row.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "Anfrage Ostsee-Fähren.txt", MimeType = "text/plain", Buffer = "14 Schichtleiter, zwei Tage"u8.ToArray() });
        await row.Locator("form.attach button[type=submit]").ClickAsync();
        await row.Locator("form.attach .muted").WaitForAsync(Soon);
        await row.Locator("input[name=result]").FillAsync("Anfrage aufgenommen, 14 Personen");
        await row.Locator("form.complete button[type=submit]").ClickAsync();
        await row.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 20_000 });
        await AssertNoHorizontalScroll(page);
        await UiFixture.Screenshot(page, "tasks-phone");
    }
}
