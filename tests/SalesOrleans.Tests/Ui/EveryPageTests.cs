using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// No console error on any page: every page in web/ui is opened by a signed-in user of the role it is for (the deal card
/// and the company page with a real deal and company), and the test fails on a console error, an uncaught exception,
/// a request the browser could not make or one the server refused. A page added to web/ui without an entry here fails
/// the test, so the list cannot fall behind.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class EveryPageTests(UiFixture fixture)
{
    /// <summary>A page, who opens it, and what shows it has drawn (pages with a live connection also wait for it).</summary>
    private sealed record PageVisit(string File, string? User, string Path, string Ready, string? ArrivesAt = null);

    [Fact]
    public async Task Every_page_opens_for_its_role_without_a_console_error_or_a_failed_request()
    {
        var visits = await Visits();
        var pages = Directory.GetFiles(Path.Combine(RepositoryRoot(), "web", "ui"), "*.html").Select(f => Path.GetFileName(f)!).Order().ToList();
        Assert.Equal(pages, visits.Select(v => v.File).Distinct().Order().ToList());

        var problems = await Open(visits, 1400, 900, page => Task.FromResult<IEnumerable<string>>([]));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Every page on a phone (390×844), with a deal, a company and an order of its own in it: nothing wider than the
    /// screen, and no table column squeezed so narrow that its words break a few letters a line (a table's rows become
    /// cards there, see App.stack).
    /// </summary>
    [Fact]
    public async Task Every_page_fits_a_phone_without_a_column_squeezed_to_a_few_letters_a_line()
    {
        var problems = await Open(await Visits(), 390, 844, async page =>
        {
            var found = new List<string>();
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > 391)
            {
                found.Add($"the page is {width} px wide");
            }

            // A visible cell at most 60 px wide whose text runs over three lines or more, with a word of four letters in it.
            found.AddRange(await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('main td, main th')].filter(c => {
                  const r = c.getBoundingClientRect(), font = parseFloat(getComputedStyle(c).fontSize) || 14;
                  return r.width > 0 && r.width <= 60 && r.height > 3 * 1.3 * font && /[^\s]{4,}/u.test(c.textContent);
                }).slice(0, 5).map(c => `${c.closest('table')?.id || c.closest('section, [id]')?.id || 'a table'}: “${c.textContent.trim().slice(0, 30)}” in a cell ${Math.round(c.getBoundingClientRect().width)} px wide`)
                """));
            return found;
        });
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Every page, who opens it, and what shows it has drawn: a real deal, company and order where a page shows one.</summary>
    private async Task<PageVisit[]> Visits()
    {
        var keller = await fixture.Node.ClientAsync("e.keller");
        var deal = await keller.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Konfliktmanagement", company = "Stadtwerke Lüneburg", amount = 6300, owner = "k.weber" });
        Assert.Equal(HttpStatusCode.Created, deal.StatusCode);
        var dealId = JsonDocument.Parse(await deal.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var company = await keller.PostAsJsonAsync("/api/companies", new { name = $"Stadtwerke Lüneburg {Guid.NewGuid().ToString("N")[..5]}" });
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var companyId = JsonDocument.Parse(await company.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        // An order with lines, sent for approval (its route is a table too), for its responsible to open.
        var ivanova = await fixture.Node.ClientAsync("a.ivanova");
        var order = await ivanova.PostAsJsonAsync("/api/orders", new
        {
            customer = "ООО «Торговый дом Северо-Западный регион»", responsible = "a.ivanova", warehouse = "main", currency = "RUB",
            lines = new[] { new { sku = "SKU-102", quantity = 12, price = 31250.50m } },
        });
        Assert.True(order.IsSuccessStatusCode, await order.Content.ReadAsStringAsync());
        var orderId = JsonDocument.Parse(await order.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.True((await ivanova.PostAsync($"/api/orders/{orderId}/submit", null)).IsSuccessStatusCode);

        return
        [
            new("access.html", "admin", "/access.html", "#matrix tbody tr"),
            new("account.html", "k.weber", "/account.html", "body[data-ready=on]"),
            new("admin.html", "admin", "/admin.html", "body[data-ready=on]"),
            new("analytics.html", "n.marketing", "/analytics.html", "body[data-loaded]"),
            new("board.html", "k.weber", "/board.html", "body[data-board=ready]"),
            new("claims.html", "s.volkov", "/claims.html", "#list *"),
            new("company.html", "e.keller", $"/company.html?id={companyId}", "#calls"),
            new("company.html", "e.keller", "/company.html", "#create"),
            new("deal.html", "k.weber", $"/deal.html?id={dealId}", "#tasks form.task"),
            new("index.html", "w.lager", "/", "#list table", ArrivesAt: "/stock.html"),
            new("leads.html", "e.keller", "/leads.html", "#leads thead th"),
            new("login.html", null, "/login.html", "body[data-ready=on]"),
            new("mail-templates.html", "s.volkov", "/mail-templates.html", "body[data-ready=on]"),
            new("mail.html", "s.volkov", "/mail.html", "body[data-ready=on]"),
            new("ops.html", "admin", "/ops.html", "#silos tbody tr"),
            new("orders.html", "w.lager", "/orders.html", "#list *"),
            new("orders.html", "a.ivanova", $"/orders.html?id={orderId}", "#detail tr[data-step]"),
            new("processes.html", "e.keller", "/processes.html?kind=training-sales", "body[data-ready=on]"),
            new("stock.html", "w.lager", "/stock.html", "#list table"),
            new("supervisor.html", "e.keller", "/supervisor.html", "#workload tbody tr"),
            new("tasks.html", "k.weber", "/tasks.html", $"#tasks tbody tr[data-task^='{dealId}/']"),
        ];
    }

    /// <summary>
    /// Opens each page at the given size and collects what went wrong: a console error, an uncaught exception, a failed
    /// or refused request, a page not drawn, and whatever <paramref name="check"/> finds once the page has settled.
    /// </summary>
    private async Task<List<string>> Open(PageVisit[] visits, int width, int height, Func<IPage, Task<IEnumerable<string>>> check)
    {
        var problems = new List<string>();
        var contexts = new Dictionary<string, IBrowserContext>();
        foreach (var visit in visits)
        {
            var key = visit.User ?? "";
            if (!contexts.TryGetValue(key, out var context))
            {
                context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
                {
                    BaseURL = fixture.Node.Address.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US",
                });
                if (visit.User is { } user)
                {
                    var login = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = user, password = "demo" }, Timeout = 60_000 });
                    Assert.True(login.Ok, $"login of {user}: {login.Status}");
                }

                contexts[key] = context;
            }

            var page = await context.NewPageAsync();
            var watching = true;
            var what = $"{visit.Path} as {visit.User ?? "a visitor"}";
            page.Console += (_, m) => { if (watching && m.Type == "error") problems.Add($"{what}: console error {m.Text} ({m.Location})"); };
            page.PageError += (_, e) => { if (watching) problems.Add($"{what}: uncaught {e}"); };
            page.RequestFailed += (_, r) => { if (watching) problems.Add($"{what}: request failed {r.Method} {r.Url}: {r.Failure}"); };
            page.Response += (_, r) => { if (watching && r.Status >= 400) problems.Add($"{what}: {r.Status} for {r.Request.Method} {r.Url}"); };
            // What the page still waits for when it is not drawn in time (a request the server has not answered).
            var open = new ConcurrentDictionary<Microsoft.Playwright.IRequest, DateTimeOffset>();
            var lastAnswer = DateTimeOffset.UtcNow;
            page.Request += (_, r) => open[r] = DateTimeOffset.UtcNow;
            page.RequestFinished += (_, r) => { open.TryRemove(r, out DateTimeOffset _); lastAnswer = DateTimeOffset.UtcNow; };
            page.RequestFailed += (_, r) => { open.TryRemove(r, out DateTimeOffset _); lastAnswer = DateTimeOffset.UtcNow; };
            var opened = DateTimeOffset.UtcNow;
            var step = "opening";

            try
            {
                await page.GotoAsync(visit.Path, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
                if (visit.ArrivesAt is { } home)
                {
                    step = "arriving at " + home;
                    await UiFixture.WaitForAddress(page, Regex.Escape(home) + "$");
                }

                // Attached, not visible: a table's head row is hidden on a phone, where its rows are cards.
                step = $"drawing {visit.Ready}";
                await page.Locator(visit.Ready).First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
                // A page with a live connection has loaded before it connects (App.live comes after the first load).
                if (await page.Locator("script[src='/signalr.min.js']").CountAsync() > 0)
                {
                    step = "connecting live";
                    await page.WaitForSelectorAsync("body[data-live=on]", new() { Timeout = 30_000 });
                }

                // Whatever the page asked for has come back (no request open for half a second), then the page is looked at
                // and left. Counted from the page's own request events, not Playwright's "networkidle" load state: the load
                // states are the frame's state as the test process last heard it, which went stale beside CPU hogs (UiFixture).
                step = "settling (no request open for 500 ms)";
                await Poll.Until(() => Task.FromResult(open.IsEmpty && DateTimeOffset.UtcNow - lastAnswer >= TimeSpan.FromMilliseconds(500)), "a request still open", 30);
                step = "looking";
                problems.AddRange((await check(page)).Select(p => $"{what}: {p}"));
            }
            catch (TimeoutException e)
            {
                // The step that waited, the page's address then, what it still waited for and how late the test process's
                // thread pool (the node's too) ran: a 60 s wait beside CPU hogs and a 30 s one on CI went unexplained without them.
                var waiting = open.OrderBy(r => r.Value).Select(r => $"{r.Key.Method} {new Uri(r.Key.Url).PathAndQuery} for {(DateTimeOffset.UtcNow - r.Value).TotalSeconds:0.0} s").ToList();
                problems.Add($"{what}: not drawn at {page.Url}, {step}: {string.Join(" | ", e.Message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(6))}; " +
                    (waiting.Count == 0 ? "no request unanswered" : "unanswered: " + string.Join(", ", waiting)) + "; " + ThreadPoolWatch.Since(opened));
            }

            watching = false;
            await page.CloseAsync();
        }

        foreach (var context in contexts.Values)
        {
            await context.CloseAsync();
        }

        return problems;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SalesOrleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SalesOrleans.sln not found above " + AppContext.BaseDirectory);
    }
}
