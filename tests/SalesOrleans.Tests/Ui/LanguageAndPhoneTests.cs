using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Languages, formats, phone size and role fit in a real browser: a Russian and a German user see their language,
/// dates and money; the board at 390×844 is a stage list whose "move to…" menu moves a deal; each role lands on its
/// own page; none of these pages logs a console error.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public sealed partial class LanguageAndPhoneTests(UiFixture fixture)
{
    private async Task<string> NewUser(string displayName, string department, string? language, string role = "manager")
    {
        var name = $"u{Guid.NewGuid():N}"[..12];
        await fixture.Node.Services.GetRequiredService<UserStore>().CreateUserIfMissingAsync(new UserRecord(name, displayName, null, [role], department, null,
            "Europe/Berlin", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(name, "demo"));
        await fixture.Node.Services.GetRequiredService<UserLanguageStore>().SetAsync(name, language);
        await fixture.Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();
        return name;
    }

    private async Task<Guid> CreateDeal(string user, string company, decimal amount)
    {
        var client = await fixture.Node.ClientAsync(user);
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Verhandlungstraining", company, amount, currency = "EUR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<IPage> Open(string user, string path, int width = 1400, int height = 900, List<string>? errors = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Node.Address.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US",
        });
        var page = await context.NewPageAsync();
        if (errors is not null)
        {
            page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{page.Url}: {m.Text}"); };
            page.PageError += (_, e) => errors.Add($"{page.Url}: {e}");
        }

        await page.GotoAsync($"/login.html?next={Uri.EscapeDataString(path)}");
        await page.FillAsync("input[name=userName]", user);
        await page.FillAsync("input[name=password]", "demo");
        await page.PressAsync("input[name=password]", "Enter");
        await UiFixture.WaitForAddress(page, Regex.Escape(path) + "$");
        return page;
    }

    // Intl puts (narrow) no-break spaces between digit groups and before the currency sign.
    private static string Plain(string text) => SpaceLike().Replace(text, " ");

    [GeneratedRegex("[\u00a0\u202f]")]
    private static partial Regex SpaceLike();

    [Fact]
    public async Task A_Russian_and_a_German_user_see_their_language_dates_and_money_on_the_board_and_the_account_page()
    {
        var russian = await NewUser("Ирина Соколова", "training", "ru");
        // The German user starts with the browser's language (English here) and chooses German on the account page.
        var german = await NewUser("Jana Hoffmann", "training", null);
        var russianDeal = await CreateDeal(russian, "Балтийские продукты", 7200.5m);
        var germanDeal = await CreateDeal(german, "Rhein Logistik", 12345.5m);

        var ru = await Open(russian, "/board.html?process=training-sales");
        var ruCard = ru.Locator($".card[data-id='{russianDeal}']");
        await ruCard.WaitForAsync();
        Assert.Equal("ru", await ru.GetAttributeAsync("html", "lang"));
        Assert.Equal("Воронка продаж", await ru.InnerTextAsync("h1"));
        Assert.Equal("Воронка", await ru.InnerTextAsync("header.top a[href='/board.html']"));
        Assert.Equal("Первичный контакт", await ru.InnerTextAsync(".column[data-stage='first-contact'] h3 .name"));
        Assert.Contains("Продажа обучения", await ru.InnerTextAsync("#process"));
        Assert.Contains("7 200,50 €", Plain(await ruCard.InnerTextAsync()));
        Assert.Contains("Ирина Соколова", await ruCard.InnerTextAsync());
        // The column's sum (other tests' deals of the department included), in the Russian format.
        // Other tests may add deals in another currency: the total is then one sum per currency ("9 800,50 CHF + 41 146,00 €").
        Assert.Matches(@"(^|\+ )\d{1,3}( \d{3})*,\d\d €( \+|$)", Plain(await ru.InnerTextAsync(".column[data-stage='first-contact'] .total")));
        await UiFixture.Screenshot(ru, "board-ru");

        await ru.GotoAsync("/account.html");
        await ru.WaitForSelectorAsync("body[data-ready=on]");
        Assert.Equal("Учётная запись", await ru.InnerTextAsync("h1"));
        var today = Plain(await ru.InnerTextAsync("#profileToday"));
        Assert.Matches(@"\d{1,2} [а-я]+\.? \d{4} г\.", today);
        Assert.Contains("1 234,50 €", today);
        Assert.Equal("ru", await ru.InputValueAsync("#language select"));

        var de = await Open(german, "/account.html");
        await de.WaitForSelectorAsync("body[data-ready=on]");
        Assert.Equal("Account", await de.InnerTextAsync("h1"));
        await de.SelectOptionAsync("#language select", "de");
        await de.ClickAsync("#language button[type=submit]");
        await de.Locator("h1", new() { HasTextString = "Konto" }).WaitForAsync();
        await de.WaitForSelectorAsync("body[data-ready=on]");
        var heute = Plain(await de.InnerTextAsync("#profileToday"));
        Assert.Matches(@"\d{2}\.\d{2}\.\d{4}", heute);
        Assert.Contains("1.234,50 €", heute);
        Assert.Equal("Abmelden", await de.InnerTextAsync("header.top nav button"));

        await de.GotoAsync("/board.html?process=training-sales");
        var deCard = de.Locator($".card[data-id='{germanDeal}']");
        await deCard.WaitForAsync();
        Assert.Equal("Vertriebspipeline", await de.InnerTextAsync("h1"));
        Assert.Equal("Erstkontakt", await de.InnerTextAsync(".column[data-stage='first-contact'] h3 .name"));
        Assert.Contains("12.345,50 €", Plain(await deCard.InnerTextAsync()));
        Assert.Contains("Jana Hoffmann", await deCard.InnerTextAsync());
        await UiFixture.Screenshot(de, "board-de");

        // The lost dialog names the reasons in German, none chosen beforehand.
        await deCard.Locator("select.move-to").SelectOptionAsync("lost");
        var dialog = de.Locator("#lostDialog");
        await dialog.WaitForAsync();
        Assert.Equal("", await dialog.Locator("#lostReason").InputValueAsync());
        Assert.Contains("Preis zu hoch", await dialog.Locator("#lostReason").InnerTextAsync());
        Assert.Equal("lostReason", await de.EvaluateAsync<string>("() => document.activeElement?.id"));
        // Tab and Shift+Tab go round the dialog's four controls and never leave it.
        foreach (var key in new[] { "Tab", "Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab" })
        {
            await de.Keyboard.PressAsync(key);
            Assert.True(await de.EvaluateAsync<bool>("() => document.getElementById('lostDialog').contains(document.activeElement)"));
        }
        await de.Keyboard.PressAsync("Escape");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(1, await de.Locator($".column[data-stage='first-contact'] .card[data-id='{germanDeal}']").CountAsync());
    }

    [Fact]
    public async Task At_phone_size_the_board_is_a_stage_list_and_the_move_menu_moves_a_deal()
    {
        var id = await CreateDeal("l.braun", "Phone Fischerei", 4800);
        var api = await fixture.Node.ClientAsync("l.braun");
        await api.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Verkaufstraining" });
        var task = JsonDocument.Parse(await (await api.GetAsync($"/api/deals/{id}")).Content.ReadAsStringAsync()).RootElement.GetProperty("tasks")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/tasks/{task}/complete", new { result = "Anfrage notiert" })).StatusCode);

        var errors = new List<string>();
        var page = await Open("l.braun", "/board.html?process=training-sales", 390, 844, errors);
        await UiFixture.WaitLive(page);
        var card = page.Locator($".card[data-id='{id}']");
        await card.WaitForAsync();

        // Laid out for the phone: no page wider than the screen, stages one under another, the header a menu.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page is wider than the phone");
        var first = (await page.Locator(".column[data-stage='first-contact']").BoundingBoxAsync())!;
        var second = (await page.Locator(".column[data-stage='client-card']").BoundingBoxAsync())!;
        Assert.True(second.Y >= first.Y + first.Height, "stages are not stacked");
        Assert.True(first.Width > 340, "a stage does not take the phone's width");
        Assert.False(await page.Locator("header.top nav").IsVisibleAsync());
        await page.ClickAsync("header.top .menu-toggle");
        Assert.True(await page.Locator("header.top nav").IsVisibleAsync());
        await page.ClickAsync("header.top .menu-toggle");
        await UiFixture.Screenshot(page, "board-phone");

        await card.Locator("select.move-to").SelectOptionAsync("client-card");
        await page.Locator($".column[data-stage='client-card'] .card[data-id='{id}']").WaitForAsync(new() { Timeout = 10_000 });
        var deal = JsonDocument.Parse(await (await api.GetAsync($"/api/deals/{id}")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("client-card", deal.GetProperty("stage").GetString());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_board_searches_deals_leads_contacts_and_companies_and_totals_each_column()
    {
        var company = $"Suchtest {Guid.NewGuid():N}"[..20];
        var api = await fixture.Node.ClientAsync("k.weber");
        var lead = await api.PostAsJsonAsync("/api/leads", new { name = "Petra Sucher", phone = "+49 30 9876 5432", company, need = "Schulung", department = "training" });
        Assert.True(lead.IsSuccessStatusCode, await lead.Content.ReadAsStringAsync());
        var dealId = await CreateDeal("k.weber", company, 1000);
        await CreateDeal("k.weber", company + " Zwei", 2500);

        var page = await Open("k.weber", "/board.html?process=training-sales");
        await page.Locator($".card[data-id='{dealId}']").WaitForAsync();
        var expected = await api.GetFromJsonAsync<JsonElement>("/api/deals?process=training-sales&stage=first-contact&limit=500");
        var count = expected.GetArrayLength();
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync(".column[data-stage='first-contact'] .count"));
        Assert.Contains("€", await page.InnerTextAsync(".column[data-stage='first-contact'] .total"));

        // The owner picker lists the department's people by name, from the server; never the service account.
        var owners = await page.Locator("#owner option").AllInnerTextsAsync();
        Assert.Contains("Klaus Weber", owners);
        Assert.Contains("Lena Braun", owners);
        Assert.DoesNotContain(owners, o => o.Contains("Integrations", StringComparison.Ordinal) || o.Contains("Ivan Petrov", StringComparison.Ordinal));

        // By digits of the phone, however they are spaced; and by company. The box asks once per typing, so the lead and
        // its contact are first in the read model (they follow the command within moments; on a loaded machine, later).
        await Poll.Until(async () => (await api.GetFromJsonAsync<JsonElement>("/api/search?q=" + Uri.EscapeDataString("9876 54"))).EnumerateArray()
            .Where(h => h.GetRawText().Contains("Petra Sucher", StringComparison.Ordinal)).Select(h => h.GetProperty("kind").GetString())
            .Distinct().Count(k => k is "lead" or "contact") == 2, "the lead and its contact searchable", 60);
        await page.FillAsync("#search", "9876 54");
        await page.Locator("#searchResults li[data-kind=lead]", new() { HasTextString = "Petra Sucher" }).WaitForAsync(new() { Timeout = 10_000 });
        await page.FillAsync("#search", company);
        await page.Locator($"#searchResults li[data-kind=deal][data-id='{dealId}']").WaitForAsync(new() { Timeout = 10_000 });
        Assert.True(await page.Locator("#searchResults li[data-kind=contact]", new() { HasTextString = "Petra Sucher" }).CountAsync() >= 1);

        // Another department's manager finds none of it.
        var other = await fixture.Node.ClientAsync("i.petrov");
        var hits = await other.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(company)}");
        Assert.DoesNotContain(hits.EnumerateArray(), h => h.GetProperty("kind").GetString() is "deal" or "lead");
        Assert.Equal(HttpStatusCode.BadRequest, (await other.GetAsync("/api/search?q=x")).StatusCode);
    }

    [Fact]
    public async Task The_text_comes_in_the_asked_language_and_people_and_departments_come_from_the_server()
    {
        var anonymous = await fixture.Node.ClientAsync();
        var ru = await anonymous.GetAsync("/api/i18n/ru-RU");
        Assert.Equal(HttpStatusCode.OK, ru.StatusCode);
        Assert.Contains("max-age", ru.Headers.CacheControl!.ToString());
        Assert.Equal("Воронка продаж", (await ru.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("board.title").GetString());
        Assert.Equal("Vertriebspipeline", (await anonymous.GetFromJsonAsync<JsonElement>("/api/i18n/de")).GetProperty("board.title").GetString());
        Assert.Equal("Board", (await anonymous.GetFromJsonAsync<JsonElement>("/api/i18n/fr-FR")).GetProperty("board.title").GetString());
        var bad = await anonymous.GetAsync("/api/i18n/" + Uri.EscapeDataString("<script>"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("culture", out _));

        var user = await NewUser("Olga Test", "projects", null);
        var client = await fixture.Node.ClientAsync(user);
        var wrong = await client.PutAsJsonAsync("/api/account/language", new { language = "klingon" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("language", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync("/api/account/language", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/account/language", new { language = "de-AT" })).StatusCode);
        Assert.Equal("de", (await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("language").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/account/language", new { language = "" })).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("language").ValueKind);

        // Pickers: active people only, never the integrations' service account; departments by name.
        var people = await client.GetFromJsonAsync<JsonElement>("/api/people?department=training");
        var names = people.EnumerateArray().Select(p => p.GetProperty("userName").GetString()).ToList();
        Assert.Contains("k.weber", names);
        Assert.DoesNotContain("integration", names);
        Assert.All(people.EnumerateArray(), p => Assert.Equal("training", p.GetProperty("department").GetString()));
        Assert.DoesNotContain("integration", (await client.GetFromJsonAsync<JsonElement>("/api/people")).EnumerateArray().Select(p => p.GetProperty("userName").GetString()));
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/departments")).EnumerateArray(), d => d.GetProperty("id").GetString() == "training");
        var integration = new HttpClient { BaseAddress = fixture.Node.Address };
        integration.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SalesOrleans.Silo.Seeding.DemoSeeder.DemoApiToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetAsync("/api/people")).StatusCode);
    }

    [Fact]
    public async Task The_orders_page_offers_only_what_the_status_allows_and_a_dropped_connection_shows_a_banner()
    {
        var api = await fixture.Node.ClientAsync("k.weber");
        var orderId = Guid.NewGuid();
        var created = await api.PostAsJsonAsync("/api/orders", new { id = orderId, customer = "Hansa Knopf KG", warehouse = "main", lines = new[] { new { sku = "SKU-102", quantity = 1 } } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var page = await Open("k.weber", $"/orders.html?id={orderId}");
        await UiFixture.WaitLive(page);
        var detail = page.Locator("#detail");
        await detail.Locator("h2", new() { HasTextString = "Hansa Knopf KG" }).WaitForAsync();
        var buttons = await detail.Locator("button").AllInnerTextsAsync();
        // A draft is submitted or cancelled; shipping, approving or paying it is not offered.
        Assert.Contains("Submit for approval", buttons);
        Assert.DoesNotContain("Ship reserved", buttons);
        Assert.DoesNotContain("Approve (allocate)", buttons);
        Assert.DoesNotContain("Record payment", buttons);
        Assert.Contains("€", await detail.InnerTextAsync());

        await page.Context.SetOfflineAsync(true);
        await page.Locator("#offline").WaitForAsync(new() { Timeout = 10_000 });
        await page.Context.SetOfflineAsync(false);
        await page.Locator("#offline").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });
    }

    [Theory]
    [InlineData("w.lager", "/stock.html")]
    [InlineData("n.marketing", "/analytics.html")]
    [InlineData("k.weber", "/board.html")]
    public async Task Each_role_lands_on_its_own_page(string user, string home)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Node.Address.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login.html");
        await page.FillAsync("input[name=userName]", user);
        await page.FillAsync("input[name=password]", "demo");
        await page.PressAsync("input[name=password]", "Enter");
        // Which arrival timed out, and what the page showed then.
        async Task Lands(string after)
        {
            try
            {
                await UiFixture.WaitForAddress(page, Regex.Escape(home) + "$");
            }
            catch (TimeoutException e)
            {
                var shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "?");
                throw new TimeoutException($"{user} not at {home} after {after}: still at {page.Url}, showing '{shown[..Math.Min(300, shown.Length)]}'", e);
            }
        }

        await Lands("the login");

        // The start address sends them there too, and the warehouse sees no lead or board link.
        await page.GotoAsync("/");
        await Lands("opening /");
        await page.WaitForSelectorAsync("header.top");
        if (user == "w.lager")
        {
            Assert.Equal(0, await page.Locator("header.top a[href='/leads.html'], header.top a[href='/board.html']").CountAsync());
        }
    }

    [Fact]
    public async Task None_of_the_pages_logs_a_console_error()
    {
        var errors = new List<string>();
        var admin = await Open("admin", "/board.html", errors: errors);
        await admin.WaitForSelectorAsync("body[data-board=ready]");
        foreach (var (path, ready) in new[]
        {
            ("/orders.html", "#list"), ("/stock.html", "#list table, #list .empty"), ("/analytics.html", "body[data-loaded]"),
            ("/account.html", "body[data-ready=on]"), ("/access.html", "#matrix tbody tr"), ("/ops.html", "#silos tbody tr"),
        })
        {
            await admin.GotoAsync(path);
            await admin.WaitForSelectorAsync(ready, new() { Timeout = 20_000 });
        }

        var supervisor = await Open("e.keller", "/supervisor.html", errors: errors);
        await supervisor.WaitForSelectorAsync("#stuck tbody tr");
        await supervisor.WaitForSelectorAsync("#workload tbody tr");
        var warehouse = await Open("w.lager", "/stock.html", errors: errors);
        await warehouse.WaitForSelectorAsync("#list table");
        var login = await fixture.Browser.NewPageAsync();
        login.Console += (_, m) => { if (m.Type == "error") errors.Add($"login: {m.Text}"); };
        await login.GotoAsync(fixture.Node.Address + "login.html");
        await login.WaitForSelectorAsync("body[data-ready=on]");
        Assert.Empty(errors);
    }
}
