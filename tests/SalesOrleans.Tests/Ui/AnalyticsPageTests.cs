using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

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
        Assert.Equal(3, await page.Locator("canvas").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => typeof Chart === 'function' && Object.keys(Analytics.charts).length === 3"));
        Assert.Equal("Analytics", await page.Locator("header.top a.active").TextContentAsync());

        // A deal created and lost elsewhere: the page reloads by itself and the lost table shows the reason.
        var loaded = await page.EvaluateAsync<int>("() => Number(document.body.dataset.loaded)");
        var api = await fixture.Node.ClientAsync("l.braun");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Onboarding", company = "Nordlicht GmbH", amount = 900 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "lost", lostReason = "no response" })).StatusCode);
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.loaded) > {loaded} && document.querySelector('#lost tbody').textContent.includes('no response')", null, Soon);

        var csv = await page.Locator("a.export[data-report=funnel]").First.GetAttributeAsync("href");
        Assert.StartsWith("/api/analytics/funnel?", csv);
        Assert.Contains("format=csv", csv);
        await UiFixture.Screenshot(page, "analytics");
    }
}
