using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// A read answered late never draws over a newer one: a person who picks another process on the board or in the process
/// editor, or types on in the stock search, while the server is slow to answer the earlier choice, sees what they chose
/// last. Each test holds
/// the earlier read's answer (read from the server at once, handed to the page later), as a busy machine does.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class LateReadTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_board_shows_the_process_picked_last_when_the_one_picked_before_is_answered_after_it()
    {
        var page = await fixture.LoginAsync("e.keller", "/board.html?process=training-sales");
        await page.Locator("#board .column").First.WaitForAsync(Soon);

        // Industrial equipment picked first, its deals answered late; order-driven picked while it waits.
        var (asked, answered) = await UiFixture.HoldFirst(page, "**/api/deals?process=industrial-equipment*",
            "Board.process?.kind === 'order-driven'");
        await page.SelectOptionAsync("#process", "industrial-equipment");
        await asked.WaitAsync(TimeSpan.FromSeconds(30));
        await page.SelectOptionAsync("#process", "order-driven");
        await answered.WaitAsync(TimeSpan.FromSeconds(30));

        // The late answer arrives: the board stays on what was picked last, columns and all.
        const string Picked = "Board.process?.kind === 'order-driven' && document.getElementById('process').value === 'order-driven'";
        await page.WaitForFunctionAsync($"() => {Picked}", null, new() { Timeout = 20_000 });
        Assert.True(await UiFixture.Stays(page, Picked), $"the board went back to {await page.EvaluateAsync<string>("() => Board.process?.kind")}");
        var stages = await page.EvaluateAsync<string[]>("() => Board.process.stages.map(s => s.id)");
        Assert.Equal(stages, await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#board .column')].map(c => c.dataset.stage)"));
    }

    [Fact]
    public async Task The_process_editor_holds_the_process_picked_last_when_the_one_picked_before_is_answered_after_it()
    {
        var page = await fixture.LoginAsync("admin", "/processes.html?kind=training-sales");
        await page.WaitForSelectorAsync("body[data-ready=on]");

        // Industrial equipment picked first, its definition answered late; certification picked while it waits. The late
        // definition must not land in the editor under certification's name (publishing would then publish the wrong one).
        var (asked, answered) = await UiFixture.HoldFirst(page, "**/api/processes/industrial-equipment",
            "ProcessPage.draft?.kind === 'certification'");
        await page.SelectOptionAsync("#kind", "industrial-equipment");
        await asked.WaitAsync(TimeSpan.FromSeconds(30));
        await page.SelectOptionAsync("#kind", "certification");
        await answered.WaitAsync(TimeSpan.FromSeconds(30));

        const string Picked = "ProcessPage.draft?.kind === 'certification' && ProcessPage.kind === 'certification' && document.getElementById('kind').value === 'certification'";
        await page.WaitForFunctionAsync($"() => {Picked}", null, new() { Timeout = 20_000 });
        Assert.True(await UiFixture.Stays(page, Picked), $"the editor holds {await page.EvaluateAsync<string>("() => ProcessPage.draft?.kind")}");
    }

    [Fact]
    public async Task A_deal_line_offers_the_SKUs_for_what_was_typed_last_when_an_earlier_search_is_answered_after_it()
    {
        var owner = await fixture.Node.ClientAsync("k.weber");
        var created = await owner.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Ersatzteile Förderband", company = "Förderanlagen Süd GmbH", amount = 3100 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var page = await fixture.LoginAsync("k.weber", $"/deal.html?id={id}");
        await UiFixture.WaitLive(page);
        await page.Locator("#addLine").ClickAsync();
        var sku = page.Locator("#linesTable tr.line").First.Locator("input[name=sku]");

        // "SKU-1" answered late (every demo SKU matches); typed on to "SKU-102" meanwhile.
        const string OnlyTyped = "document.querySelectorAll('#skuChoices option').length > 0 && [...document.querySelectorAll('#skuChoices option')].every(o => o.value === 'SKU-102')";
        var (asked, answered) = await UiFixture.HoldFirst(page, "**/api/catalog/skus?search=SKU-1&limit=20",
            OnlyTyped);
        await sku.FillAsync("SKU-1");
        await asked.WaitAsync(TimeSpan.FromSeconds(30));
        await sku.FillAsync("SKU-102");
        await answered.WaitAsync(TimeSpan.FromSeconds(30));

        await page.WaitForFunctionAsync($"() => {OnlyTyped}", null, new() { Timeout = 20_000 });
        Assert.True(await UiFixture.Stays(page, OnlyTyped), "the choices went back to every SKU-1…");
    }

    [Fact]
    public async Task The_stock_list_shows_what_was_typed_last_when_the_search_before_is_answered_after_it()
    {
        var page = await fixture.LoginAsync("w.lager", "/stock.html");
        await page.Locator("#list table tr[data-sku='SKU-102']").First.WaitForAsync(Soon);
        var finished = 0;
        page.RequestFinished += (_, r) => { if (r.Url.Contains("/api/stock?")) { Interlocked.Increment(ref finished); } };

        // "SKU-1" answered late (every demo SKU matches); typed on to "SKU-102" meanwhile.
        const string OnlyTyped = "document.querySelectorAll('#list tr[data-sku]').length > 0 && [...document.querySelectorAll('#list tr[data-sku]')].every(r => r.dataset.sku === 'SKU-102')";
        var (asked, answered) = await UiFixture.HoldFirst(page, "**/api/stock?limit=200&search=SKU-1", OnlyTyped);
        var before = Volatile.Read(ref finished);
        await page.FillAsync("#search", "SKU-1");
        await asked.WaitAsync(TimeSpan.FromSeconds(30));
        await page.FillAsync("#search", "SKU-102");
        await answered.WaitAsync(TimeSpan.FromSeconds(30));
        await Poll.Until(() => Task.FromResult(Volatile.Read(ref finished) >= before + 2), "both searches answered", 30);

        // Only SKU-102's rows, and they stay.
        await page.WaitForFunctionAsync($"() => {OnlyTyped}", null, new() { Timeout = 20_000 });
        Assert.True(await UiFixture.Stays(page, OnlyTyped), "the list went back to every SKU-1… row");
        Assert.Equal("SKU-102", await page.InputValueAsync("#search"));
    }
}
