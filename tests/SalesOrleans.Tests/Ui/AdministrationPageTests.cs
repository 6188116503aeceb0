using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Administration without a technician in Debian's Chromium: the process editor (edit a version as a form, see the
/// validator's message on the stage, publish, compare versions; running deals keep their version) and the people and
/// working-calendar pages (create a person, import a holiday list, give the person that calendar), desktop and phone;
/// the same work in Russian on a phone while a colleague adds people.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class AdministrationPageTests(UiFixture fixture)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>On the admin page: a new working calendar, then a CSV of its days imported into it, as an admin does it.</summary>
    private static async Task CreateCalendarAndImportDays(IPage page, string calendar, string name, string country, string fileName, string csv)
    {
        await page.ClickAsync("#tab-calendars");
        var create = page.Locator("#calendarForm");
        await create.Locator("input[name=id]").FillAsync(calendar);
        await create.Locator("input[name=name]").FillAsync(name);
        await create.Locator("input[name=country]").FillAsync(country);
        await create.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator($"#calendarTable tr[data-calendar='{calendar}']")).ToBeVisibleAsync();
        await page.Locator("#importForm select[name=calendar]").SelectOptionAsync(calendar);
        await page.Locator("#importForm input[type=file]").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        // Submitted as the button would, without a pointer click: in the shared UI node other tests' live notifications
        // pop up over the admin's page, and a click landing on one navigated away (seen twice in full runs, never alone).
        var imported = await page.RunAndWaitForResponseAsync(() => page.Locator("#importForm").EvaluateAsync("f => f.requestSubmit(f.querySelector('button[type=submit]'))"),
            r => r.Url.Contains($"/api/calendars/{calendar}/days") && r.Request.Method == "POST");
        Assert.Equal(200, imported.Status);
    }

    [Fact]
    public async Task A_head_edits_a_process_sees_the_validation_message_publishes_and_running_deals_keep_their_version()
    {
        // A kind of its own (the other browser tests use the shipped ones), given to the training department.
        var kind = $"ui-schulung-{Guid.NewGuid():N}"[..20];
        var admin = await fixture.Node.ClientAsync("admin");
        var definition = JsonNode.Parse(await admin.GetStringAsync("/api/processes/training-sales"))!.AsObject();
        definition.Remove("version");
        definition["kind"] = kind;
        definition["name"] = "Schulungsvertrieb Süd";
        await Json(await admin.PostAsync("/api/processes", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")));
        await Json(await admin.PutAsJsonAsync($"/api/admin/processes/{kind}/owner", new { department = "training" }));
        var manager = await fixture.Node.ClientAsync("k.weber");
        var old = await Json(await manager.PostAsJsonAsync("/api/deals", new { processKind = kind, title = "Excel-Kurs für Müller & Söhne", company = "Müller & Söhne KG", amount = 3600, currency = "EUR" }));
        Assert.Equal(1, old.GetProperty("processVersion").GetInt32());

        var page = await fixture.LoginAsync("e.keller", $"/processes.html?kind={kind}");
        await page.WaitForSelectorAsync("body[data-ready=on]");
        var first = page.Locator("fieldset.stage[data-stage=first-contact]");
        await Assertions.Expect(first).ToBeVisibleAsync();

        // A gate on a field the process does not have: the validator's message shows, and the stage is marked.
        await first.Locator("button.add").Nth(1).ClickAsync();
        await first.Locator(".row.gate input[name=field]").Last.FillAsync("budgetFreigabe");
        await page.ClickAsync("#check");
        await Assertions.Expect(page.Locator("#problems")).ToContainTextAsync("unknown field 'budgetFreigabe'");
        await Assertions.Expect(first).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("has-problem"));
        await page.ClickAsync("#publish");
        await Assertions.Expect(page.Locator("#problems")).ToContainTextAsync("budgetFreigabe");
        Assert.Equal(1, JsonNode.Parse(await admin.GetStringAsync($"/api/processes/{kind}"))!["version"]!.GetValue<int>());

        // Fixed, and a shorter deadline for the first task; the raw JSON still holds what the form does not show.
        await first.Locator(".row.gate").Last.Locator("button.remove").ClickAsync();
        await first.Locator(".row.task input[name=deadlineHours]").First.FillAsync("3");
        await page.ClickAsync("#tab-raw");
        await Assertions.Expect(page.Locator("#json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"deadlineHours\": 3"));
        await Assertions.Expect(page.Locator("#json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Первичный контакт"));
        await page.ClickAsync("#tab-form");
        await page.ClickAsync("#publish");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("version 2");
        await Assertions.Expect(page.Locator("#versions tr[data-version='2']")).ToBeVisibleAsync();

        var published = JsonNode.Parse(await admin.GetStringAsync($"/api/processes/{kind}"))!;
        Assert.Equal(2, published["version"]!.GetValue<int>());
        Assert.Equal(3, published["stages"]![0]!["tasks"]![0]!["deadlineHours"]!.GetValue<double>());
        Assert.Equal("Первичный контакт", published["stages"]![0]!["names"]!["ru"]!.GetValue<string>());

        // The running deal keeps version 1; a new one takes version 2.
        Assert.Equal(1, (await Json(await manager.GetAsync($"/api/deals/{old.GetProperty("id").GetGuid()}"))).GetProperty("processVersion").GetInt32());
        var fresh = await Json(await manager.PostAsJsonAsync("/api/deals", new { processKind = kind, title = "Word-Kurs für Bäckerei Groß", company = "Bäckerei Groß", amount = 1200, currency = "EUR" }));
        Assert.Equal(2, fresh.GetProperty("processVersion").GetInt32());

        // The two versions compared line by line.
        await page.CheckAsync("#versions input[name=compare][value='1']");
        await page.CheckAsync("#versions input[name=compare][value='2']");
        await page.ClickAsync("#diff");
        await Assertions.Expect(page.Locator("#diffOut .add")).ToContainTextAsync("\"deadlineHours\": 3");
        await UiFixture.Screenshot(page, "process-editor");

        // The head of another department sees the editor but may not publish training's process.
        var stranger = await fixture.LoginAsync("s.volkov", $"/processes.html?kind={kind}");
        await stranger.WaitForSelectorAsync("body[data-ready=on]");
        await stranger.ClickAsync("#publish");
        await Assertions.Expect(stranger.Locator("#message")).ToContainTextAsync("process.publish");
    }

    [Fact]
    public async Task An_admin_creates_a_person_imports_a_holiday_list_and_gives_the_person_that_calendar()
    {
        var login = $"b.kaefer{Guid.NewGuid():N}"[..14];
        var calendar = $"DE-BY-{Guid.NewGuid():N}"[..10];
        var page = await fixture.LoginAsync("admin", "/admin.html");
        await page.WaitForSelectorAsync("body[data-ready=on]");

        await page.ClickAsync("#newPerson");
        var form = page.Locator("#personForm");
        await form.Locator("input[name=userName]").FillAsync(login);
        await form.Locator("input[name=password]").FillAsync("Bäckerstraße-42!");
        await form.Locator("input[name=displayName]").FillAsync("Björn Käfer");
        await form.Locator("input[name=email]").FillAsync("b.kaefer@alpen-maschinenbau.de");
        await form.Locator("select[name=department]").SelectOptionAsync("training");
        await form.Locator("input[name=extension]").FillAsync("315");
        await form.Locator("select[name=language]").SelectOptionAsync("de");
        await form.Locator("button[type=submit]").ClickAsync();
        var row = page.Locator($"#peopleTable tr[data-user='{login}']");
        await Assertions.Expect(row).ToContainTextAsync("Björn Käfer");

        // An e-mail the browser lets through but the server does not (no domain) is refused naming the field; nothing changes.
        await row.Locator("button.edit").ClickAsync();
        await form.Locator("input[name=email]").FillAsync("b.kaefer@localhost");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("'email'");
        await form.Locator("input[name=email]").FillAsync("b.kaefer@alpen-maschinenbau.de");

        // A Bavarian calendar with Epiphany, imported from a CSV file.
        await CreateCalendarAndImportDays(page, calendar, "Bayern (Feiertage)", "DE", "bayern-2027.csv",
            "date;kind;name\n2027-01-06;holiday;Heilige Drei Könige\n2027-08-15;holiday;Mariä Himmelfahrt\n");
        await Assertions.Expect(page.Locator("#dayTable tr[data-date='2027-01-06']")).ToContainTextAsync("Heilige Drei Könige");
        // The confirmation is still there once the days have loaded (the days' read used to wipe it under load).
        await Assertions.Expect(page.Locator("#message .ok")).ToContainTextAsync("2");

        // The person follows the Bavarian calendar from now on.
        await page.ClickAsync("#tab-people");
        await row.Locator("button.edit").ClickAsync();
        await form.Locator("select[name=calendarId]").SelectOptionAsync(calendar);
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Bayern (Feiertage)");
        var api = await fixture.Node.ClientAsync("admin");
        var person = (await Json(await api.GetAsync("/api/admin/users"))).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == login);
        Assert.Equal(calendar, person.GetProperty("effectiveCalendar").GetString());
        Assert.Equal("b.kaefer@alpen-maschinenbau.de", person.GetProperty("email").GetString());
        Assert.Equal("de", person.GetProperty("language").GetString());
        await UiFixture.Screenshot(page, "administration");

        // On a phone the same page still works: the list scrolls, the form stacks.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("#newPerson")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page is wider than the phone");
    }
    [Fact]
    public async Task A_Russian_admin_on_a_phone_adds_a_person_and_a_calendar_while_a_colleague_adds_people()
    {
        var admin = $"ru{Guid.NewGuid():N}"[..10];
        await fixture.Node.Services.GetRequiredService<UserStore>().CreateUserIfMissingAsync(new UserRecord(admin, "Ольга Савельева", null, ["admin"], null, null,
            "Europe/Moscow", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(admin, "demo"));
        await fixture.Node.Services.GetRequiredService<UserLanguageStore>().SetAsync(admin, "ru");
        await fixture.Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();
        var page = await fixture.LoginAsync(admin, "/admin.html", 390, 844);
        await page.WaitForSelectorAsync("body[data-ready=on]");
        Assert.Equal("ru", await page.GetAttributeAsync("html", "lang"));

        // A colleague adds people the whole time.
        var colleague = await fixture.Node.ClientAsync("admin");
        var added = 0;
        using var stop = new CancellationTokenSource();
        var colleagueWork = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var created = await colleague.PostAsJsonAsync("/api/admin/users", new
                {
                    userName = $"k{Guid.NewGuid():N}"[..10], password = "Kollege-Passwort-99", displayName = $"Коллега Ёжиков {added}",
                    roles = new[] { "manager" }, department = "projects", language = "ru",
                });
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
                Interlocked.Increment(ref added);
                await Task.Delay(150); // a person typing, not a load generator
            }
        });
        async Task ColleagueAddsMore(int count)
        {
            var from = Volatile.Read(ref added);
            await Poll.Until(() => Task.FromResult(colleagueWork.IsFaulted || Volatile.Read(ref added) >= from + count), "the colleague's people");
            Assert.False(colleagueWork.IsFaulted, colleagueWork.Exception?.ToString());
        }

        var login = $"p{Guid.NewGuid():N}"[..10];
        await page.ClickAsync("#newPerson");
        var form = page.Locator("#personForm");
        await form.Locator("input[name=userName]").FillAsync(login);
        await form.Locator("input[name=password]").FillAsync("Ёлка-Пароль-2027!");
        await form.Locator("input[name=displayName]").FillAsync("Пётр Ёлкин");
        await ColleagueAddsMore(3);
        await form.Locator("select[name=department]").SelectOptionAsync("projects");
        await form.Locator("select[name=language]").SelectOptionAsync("ru");
        // An address without a domain: refused in Russian naming the field, and nothing typed is lost.
        await form.Locator("input[name=email]").FillAsync("p.yolkin@localhost");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("«email» — не адрес электронной почты.");
        await ColleagueAddsMore(3);
        Assert.Equal(login, await form.Locator("input[name=userName]").InputValueAsync());
        Assert.Equal("Пётр Ёлкин", await form.Locator("input[name=displayName]").InputValueAsync());
        Assert.Equal("projects", await form.Locator("select[name=department]").InputValueAsync());
        await form.Locator("input[name=email]").FillAsync("p.yolkin@uralmash.ru");
        await form.Locator("button[type=submit]").ClickAsync();
        var row = page.Locator($"#peopleTable tr[data-user='{login}']");
        await Assertions.Expect(row).ToContainTextAsync("Пётр Ёлкин");
        // On the phone each person is a card: every cell under its column's name, none squeezed beside the others.
        await Assertions.Expect(page.Locator("#peopleTable table.stack")).ToBeVisibleAsync();
        Assert.Equal("Роли", await row.Locator("td").Nth(1).GetAttributeAsync("data-label"));

        var calendar = $"RU-{Guid.NewGuid():N}"[..9];
        await CreateCalendarAndImportDays(page, calendar, "Урал (праздники)", "RU", "праздники-2027.csv",
            "date;kind;name\n2027-01-07;holiday;Рождество Христово\n2027-05-09;holiday;День Победы\n");
        await Assertions.Expect(page.Locator("#dayTable tr[data-date='2027-01-07']")).ToContainTextAsync("Рождество Христово");
        await Assertions.Expect(page.Locator("#message .ok")).ToContainTextAsync("Загружено дней: 2");
        // A year is written as a year ("2027"), not as an amount with digit grouping ("2 027").
        await Assertions.Expect(page.Locator($"#calendarTable tr[data-calendar='{calendar}'] td").Nth(3)).ToHaveTextAsync("2027");
        // Columns of buttons have no heading rather than an English one.
        var headings = await page.Locator("#calendarTable th, #dayTable th").AllInnerTextsAsync();
        Assert.DoesNotContain(headings, h => h.Trim() is "Show" or "Edit");
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page is wider than the phone");
        await UiFixture.Screenshot(page, "administration-ru-phone");

        stop.Cancel();
        await colleagueWork;
    }
}
