using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The orders page runs the approval route: the approver rejects with a reason, the responsible sees why, revises the
/// price and resubmits, the approver approves round 2; buttons show only for whoever may use them (four-eyes).
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class OrderApprovalPageTests(UiFixture fixture)
{
    private static readonly Regex ApproveButton = new("^(Approve|Согласовать|Freigeben)$");
    private static readonly Regex RejectButton = new("^(Reject|Отклонить|Ablehnen)$");
    private static readonly Regex ResubmitButton = new("^(Resubmit for approval|Отправить на согласование повторно|Erneut zur Freigabe senden)$");
    private static readonly Regex ReviseButton = new("^(Save revision|Сохранить изменения|Überarbeitung speichern)$");

    [Fact]
    public async Task An_approver_rejects_with_a_reason_the_responsible_revises_and_resubmits_and_the_approver_approves_round_two()
    {
        var api = await fixture.Node.ClientAsync("a.ivanova");
        var created = await api.PostAsJsonAsync("/api/orders", new
        {
            customer = "ООО «Северный Ветер»", responsible = "a.ivanova", warehouse = "main", currency = "EUR",
            lines = new[] { new { sku = "SKU-102", quantity = 2, price = 3100 } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.True((await api.PostAsync($"/api/orders/{id}/submit", null)).IsSuccessStatusCode);

        // The responsible sees the route but no approve or reject button: she never approves her own order.
        var owner = await fixture.LoginAsync("a.ivanova", $"/orders.html?id={id}");
        await owner.Locator("#detail tr[data-step='supervisor'][data-status='Pending']").WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, await owner.Locator("#detail button", new() { HasTextRegex = ApproveButton }).CountAsync());
        Assert.Equal(0, await owner.Locator("#detail button", new() { HasTextRegex = RejectButton }).CountAsync());

        // The head rejects without a reason (refused on the page), then with one.
        var head = await fixture.LoginAsync("o.smirnova", $"/orders.html?id={id}");
        await head.Locator("#detail tr[data-step='supervisor'][data-status='Pending']").WaitForAsync(new() { Timeout = 10_000 });
        await head.Locator("#detail button", new() { HasTextRegex = RejectButton }).ClickAsync();
        await head.Locator("#detail [role=alert]").WaitForAsync();
        await head.FillAsync("#detail input[name=reason]", "Цена ниже прайса на 3 % — нужна предоплата");
        await head.Locator("#detail button", new() { HasTextRegex = RejectButton }).ClickAsync();
        var rejected = head.Locator("#detail [data-round='1'] tr[data-step='supervisor'][data-status='Rejected']");
        await rejected.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Contains("нужна предоплата", await rejected.InnerTextAsync());
        Assert.Equal(0, await head.Locator("#detail button", new() { HasTextRegex = ApproveButton }).CountAsync());

        // The responsible sees the reason, raises the price, saves and resubmits: round 2.
        await owner.ReloadAsync();
        await owner.Locator("#detail button", new() { HasTextRegex = ResubmitButton }).WaitForAsync(new() { Timeout = 10_000 });
        Assert.Contains("нужна предоплата", await owner.Locator("#detail").InnerTextAsync());
        await owner.FillAsync("#detail input[name=p1]", "3200");
        await owner.FillAsync("#detail input[name=revisedTerms]", "100 % Vorkasse");
        await owner.Locator("#detail button", new() { HasTextRegex = ReviseButton }).ClickAsync();
        await WaitForOrder(o => o.GetProperty("total").GetDecimal() == 6400m && o.GetProperty("paymentTerms").GetString() == "100 % Vorkasse");
        await owner.Locator("#detail button", new() { HasTextRegex = ResubmitButton }).ClickAsync();
        await owner.Locator("#detail [data-round='2'] tr[data-step='supervisor'][data-status='Pending']").WaitForAsync(new() { Timeout = 10_000 });

        // The head approves round 2 from the page.
        await head.ReloadAsync();
        await head.Locator("#detail [data-round='2'] tr[data-step='supervisor'][data-status='Pending']").WaitForAsync(new() { Timeout = 10_000 });
        await head.Locator("#detail button", new() { HasTextRegex = ApproveButton }).ClickAsync();
        await head.Locator("#detail [data-round='2'] tr[data-step='supervisor'][data-status='Approved']").WaitForAsync(new() { Timeout = 10_000 });
        var order = await WaitForOrder(o => o.GetProperty("status").GetString() is "Approved" or "Allocating");
        Assert.Equal("o.smirnova", order.GetProperty("approval")[1].GetProperty("steps")[0].GetProperty("decidedBy").GetString());
        await UiFixture.Screenshot(head, "order-approval");

        // On a phone the route and its buttons still fit: the route table scrolls inside its own box at most.
        await head.SetViewportSizeAsync(390, 844);
        await head.ReloadAsync();
        await head.Locator("#detail [data-round='2']").WaitForAsync(new() { Timeout = 10_000 });
        var overflow = await head.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the orders page scrolls sideways on a phone");

        Task<JsonElement> WaitForOrder(Func<JsonElement, bool> done) => ApiSteps.WaitFor(api, $"/api/orders/{id}", done, 10);
    }
}
