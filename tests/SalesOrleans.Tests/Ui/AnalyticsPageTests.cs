using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class AnalyticsPageTests(UiFixture fixture)
{
    private static readonly PageWaitForFunctionOptions Soon = new() { Timeout = 10_000 };

    [Fact]
    public async Task The_dashboard_draws_its_charts_reloads_on_a_pushed_change_and_offers_exports()
    {
        var page = await fixture.LoginAsync("e.keller", "/analytics.html");
        await UiFixture.WaitLive(page);
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.loaded) >= 1", null, Soon);
        Assert.Equal(4, await page.Locator("canvas").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => typeof Chart === 'function' && Object.keys(Analytics.charts).length === 4"));
        Assert.Equal("Analytics", await page.Locator("header.top a.active").TextContentAsync());

        // A deal created and lost elsewhere: the page reloads by itself and the lost table shows the reason.
        var loaded = await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)");
        var api = await fixture.Node.ClientAsync("l.braun");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Onboarding", company = "Nordlicht GmbH", amount = 900 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "lost", lostReason = "no response", cancelOpenTasks = true })).StatusCode);
        var lostAt = DateTimeOffset.UtcNow;
        try
        {
            await page.WaitForFunctionAsync($"() => Number(document.body.dataset.loaded) > {loaded} && document.querySelector('#lost tbody').textContent.includes('no response')", null, Soon);
        }
        catch (TimeoutException e)
        {
            // Which half did not happen (no reload, or a reload without the lost deal), and whether the node could answer.
            var seen = await page.EvaluateAsync<string>("() => `loaded ${document.body.dataset.loaded}, live ${document.body.dataset.live}, lost table: ${document.querySelector('#lost tbody').textContent.slice(0, 200)}`");
            throw new TimeoutException($"no reload with the lost deal within 10 s (loaded {loaded} before): {seen}; {ThreadPoolWatch.Since(lostAt)}", e);
        }

        var csv = await page.Locator("a.export[data-report=funnel]").First.GetAttributeAsync("href");
        Assert.StartsWith("/api/analytics/funnel?", csv);
        Assert.Contains("format=csv", csv);
        await UiFixture.Screenshot(page, "analytics");
    }

    [Fact]
    public async Task Opening_the_dashboard_reads_each_report_once_and_listens_before_it_reads()
    {
        // The reports are heavy queries: the page connects first, and its read on connecting is its only read.
        var page = await fixture.LoginAsync("l.braun", "/account.html");
        var funnelReads = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/analytics/funnel?"))
            {
                Interlocked.Increment(ref funnelReads);
            }
        };
        await page.GotoAsync("/analytics.html");
        await page.WaitForSelectorAsync("body[data-watching=on]");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.loaded) >= 1", null, Soon);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)"));
        Assert.Equal(1, Volatile.Read(ref funnelReads));
        Assert.Equal("on", await page.EvaluateAsync<string>("() => document.body.dataset.live"));
    }

    [Fact]
    public async Task A_slow_read_never_draws_over_the_newer_one_a_pushed_change_asked_for()
    {
        var page = await fixture.LoginAsync("e.keller", "/analytics.html");
        await page.WaitForSelectorAsync("body[data-watching=on]");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.loaded) >= 1", null, Soon);
        var loaded = await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)");
        var before = await page.EvaluateAsync<string>("() => document.querySelector('#lost tbody').textContent");

        // Reads at once, counted by their funnel request; the first read's lost report is read from the server at once
        // and handed to the page only after a newer read has been drawn (or 5 s): a slow answer on a busy machine.
        var reading = 0;
        var most = 0;
        page.Request += (_, r) => { if (r.Url.Contains("/api/analytics/funnel?")) { most = Math.Max(most, Interlocked.Increment(ref reading)); } };
        page.RequestFinished += (_, r) => { if (r.Url.Contains("/api/analytics/funnel?")) { Interlocked.Decrement(ref reading); } };
        var (slowReadAsked, _) = await UiFixture.HoldFirst(page, "**/api/analytics/lost?**",
            $"Number(document.body.dataset.loaded) > {loaded}");
        await page.EvaluateAsync("() => { Analytics.load(); }");
        await slowReadAsked.WaitAsync(TimeSpan.FromSeconds(30));

        // The change comes after the slow read had its answer; its push asks for a newer read.
        var api = await fixture.Node.ClientAsync("l.braun");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Deeskalationstraining", company = "Hafenbetriebe Kiel", amount = 2400 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "lost", lostReason = "no budget", cancelOpenTasks = true })).StatusCode);

        // What is drawn last is the newer read: once both are drawn, the lost table is no longer the one from before.
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.loaded) >= {loaded + 2} && document.querySelector('#lost tbody').textContent !== {JsonSerializer.Serialize(before)}",
            null, new() { Timeout = 30_000 });
        Assert.Equal(1, Volatile.Read(ref most));
    }

    [Fact]
    public async Task A_marketers_dashboard_reloads_live_on_any_departments_leads_and_deals_and_exports_the_segment()
    {
        var page = await fixture.LoginAsync("n.marketing", "/analytics.html");
        await page.WaitForSelectorAsync("body[data-watching=on]");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.loaded) >= 1", null, Soon);

        // A lead from the public web form (no department of the marketer's): the lead fate table shows it without a reload by hand.
        var loaded = await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)");
        var anonymous = await fixture.Node.ClientAsync();
        var submission = $"ui-{Guid.NewGuid():N}";
        var form = await anonymous.PostAsJsonAsync("/api/leads/webform", new
        {
            submissionId = submission, name = "Greta Sommer", email = $"{submission}@sommer.example", phone = "+49 30 5550 1234",
            company = "Sommer Klima", message = "Climatic chamber for battery tests", region = "Brandenburg", equipmentType = "climatic",
        });
        Assert.Equal(HttpStatusCode.Accepted, form.StatusCode);
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.loaded) > {loaded} && document.querySelector('#leadFate tbody').textContent.includes('WebForm')", null, Soon);

        // A deal won in the industrial department reloads it too, and the BCG matrix shows the customer as its leader.
        loaded = await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)");
        var manager = await fixture.Node.ClientAsync("i.petrov");
        var created = await manager.PostAsJsonAsync("/api/deals", new { processKind = "industrial-equipment", title = "Chamber", company = "Sommer Klima", amount = 52000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.loaded) > {loaded}", null, Soon);
        Assert.Equal("bubble", await page.EvaluateAsync<string>("() => Analytics.charts.bcgChart.config.type"));

        // The MailChimp export of the segment: the link carries it, and the file has the lead's row with its tags.
        await page.SelectOptionAsync("#contacts select[name=source]", "WebForm");
        await page.FillAsync("#contacts input[name=region]", "Brandenburg");
        var href = await page.Locator("#contactsCsv").GetAttributeAsync("href");
        Assert.Contains("source=WebForm", href);
        Assert.Contains("region=Brandenburg", href);
        Assert.Contains("list=mailchimp", href);
        var file = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, file.Status);
        var text = await file.TextAsync();
        Assert.StartsWith("Email Address,First Name,Last Name,Company,Phone Number,Tags", text);
        Assert.Contains($"{submission}@sommer.example,Greta,Sommer,Sommer Klima,+493055501234,", text);
        Assert.Contains("climatic", text);
    }

    [Fact]
    public async Task The_deal_card_and_the_board_show_the_win_probability_the_stage_until_the_model_has_scored_the_deal()
    {
        var api = await fixture.Node.ClientAsync("k.weber");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Excel for 8", company = "Weser Werft", amount = 3100 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deal = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = deal.GetProperty("id").GetGuid();
        var stage = (int)Math.Round(deal.GetProperty("probability").GetDouble() * 100);

        var card = await fixture.LoginAsync("k.weber", $"/deal.html?id={id}");
        await card.WaitForSelectorAsync("#winProbability[data-source=stage]");
        Assert.Equal($"win probability {stage}% (stage)", await card.Locator("#winProbability").TextContentAsync());

        // The model's refresh scored it (as the background refresh would, with enough history): card, board and API show the model's.
        await fixture.Node.Services.GetRequiredService<AnalyticsQueries>()
            .SaveScoresAsync([new DealScore(id, 0.42, new DateOnly(2027, 2, 15))], DateTimeOffset.UtcNow);
        await card.ReloadAsync();
        await card.WaitForSelectorAsync("#winProbability[data-source=model]");
        Assert.Equal("win probability 42% (from history, expected close 2027-02-15)", await card.Locator("#winProbability").TextContentAsync());

        var board = await fixture.LoginAsync("k.weber", "/board.html?process=training-sales");
        await UiFixture.WaitLive(board);
        var win = board.Locator($".card[data-id='{id}'] .win");
        await win.WaitForAsync();
        Assert.Equal("win 42%", await win.TextContentAsync());
        var listed = JsonDocument.Parse(await api.GetStringAsync("/api/deals?process=training-sales")).RootElement.EnumerateArray()
            .Single(d => d.GetProperty("id").GetGuid() == id).GetProperty("win");
        Assert.Equal(("model", 0.42), (listed.GetProperty("source").GetString(), listed.GetProperty("probability").GetDouble()));

        // A push for the same stage keeps the model's number on the board.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Called" })).StatusCode);
        await board.WaitForTimeoutAsync(500);
        Assert.Equal("win 42%", await win.TextContentAsync());
    }
}
