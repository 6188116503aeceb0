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
        var id = await SubmittedOrder(api, "ООО «Северный Ветер»", "EUR", quantity: 2, price: 3100);

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
        // A push draws the order anew: the refusal stays.
        await head.EvaluateAsync("() => Orders.show(Orders.selected)");
        Assert.Equal(1, await head.Locator("#detail [role=alert]").CountAsync());
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

    [Fact]
    public async Task A_reason_being_typed_on_an_order_survives_the_responsible_changing_it_meanwhile()
    {
        var api = await fixture.Node.ClientAsync("a.ivanova");
        var id = await SubmittedOrder(api, "ИП Кузнецова", "RUB", quantity: 1, price: 310000);

        var head = await fixture.LoginAsync("o.smirnova", $"/orders.html?id={id}");
        await UiFixture.WaitLive(head);
        await head.Locator("#detail tr[data-step='supervisor'][data-status='Pending']").WaitForAsync(new() { Timeout = 10_000 });
        const string Reason = "Скидка 12 % не согласована с коммерческим директором";
        await head.FillAsync("#detail input[name=reason]", Reason);
        await head.EvaluateAsync("() => document.getElementById('orderTitle').dataset.before = 'yes'");

        // The responsible sets the contract meanwhile: the push draws the order anew, with the half-written reason in it.
        var contract = await api.PostAsJsonAsync($"/api/orders/{id}/contract", new { contractNumber = "Д-2026/117", paymentTerms = "50 % предоплата" });
        Assert.True(contract.IsSuccessStatusCode, await contract.Content.ReadAsStringAsync());
        await head.WaitForFunctionAsync("() => document.getElementById('orderTitle') && !document.getElementById('orderTitle').dataset.before", null, new() { Timeout = 10_000 });
        Assert.Equal(Reason, await head.InputValueAsync("#detail input[name=reason]"));
        Assert.True(await head.EvaluateAsync<bool>("() => document.activeElement?.name === 'reason'"), "the reason keeps the focus");

        await head.Locator("#detail button", new() { HasTextRegex = RejectButton }).ClickAsync();
        await head.Locator("#detail [data-round='1'] tr[data-step='supervisor'][data-status='Rejected']").WaitForAsync(new() { Timeout = 10_000 });
        var order = await ApiSteps.WaitFor(api, $"/api/orders/{id}", o => o.GetProperty("status").GetString() == "Revision", 10);
        Assert.Equal(Reason, order.GetProperty("rejectionReason").GetString());
        Assert.Equal("50 % предоплата", order.GetProperty("paymentTerms").GetString());
    }

    /// <summary>An order of a.ivanova's for one line of SKU-102, sent for approval.</summary>
    private static async Task<Guid> SubmittedOrder(HttpClient api, string customer, string currency, int quantity, decimal price)
    {
        var created = await api.PostAsJsonAsync("/api/orders", new
        {
            customer, responsible = "a.ivanova", warehouse = "main", currency,
            lines = new[] { new { sku = "SKU-102", quantity, price } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.True((await api.PostAsync($"/api/orders/{id}/submit", null)).IsSuccessStatusCode);
        return id;
    }
}
