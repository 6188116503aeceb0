using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>Receivables by customer and age across orders (issue 11): open invoice amounts aged by due date, JSON, CSV and XLSX, scoped like analytics.</summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class ReceivablesApiTests(NodeFixture fixture)
{
    [Fact]
    public async Task Open_invoices_are_aged_by_their_due_date_per_customer_and_exported()
    {
        var keeper = await fixture.Node.ClientAsync("w.lager");
        var manager = await fixture.Node.ClientAsync("a.ivanova");
        var head = await fixture.Node.ClientAsync("o.smirnova");
        var suffix = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var sku = $"RCV-{suffix}";
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Förderband-Modul", unit = "pcs", price = 1000, kind = "Stocked" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse = "main", quantity = 20, batch = $"FB-{suffix}" }), HttpStatusCode.Created);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var müller = $"Müller & Söhne GmbH {suffix}";
        var romashka = $"ООО «Ромашка» {suffix}";

        async Task<string> Order(string customer, int quantity)
        {
            var created = await Expect(await manager.PostAsJsonAsync("/api/orders", new
            {
                customer, warehouse = "main", lines = new[] { new { sku, quantity } },
            }), HttpStatusCode.Created);
            var url = $"/api/orders/{created.GetProperty("id").GetGuid()}";
            await Expect(await manager.PostAsync($"{url}/submit", null), HttpStatusCode.OK);
            await Expect(await head.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.OK);
            return url;
        }

        async Task<string> Invoice(string url, decimal amount, int dueInDays) =>
            (await Expect(await manager.PostAsJsonAsync($"{url}/invoices", new { amount, dueDate = today.AddDays(dueInDays) }), HttpStatusCode.OK))
                .GetProperty("invoices").EnumerateArray().Last().GetProperty("number").GetString()!;

        // Müller: 3,000 due in 5 days (1,000 paid on it) and 3,200 due in 40 days; Romashka: 1,500 due tomorrow, 500 paid on account.
        var a = await Order(müller, 7);
        var first = await Invoice(a, 3000, 5);
        await Invoice(a, 3200, 40);
        await Expect(await manager.PostAsJsonAsync($"{a}/payments", new { paymentId = $"p1-{suffix}", amount = 1000, invoice = first }), HttpStatusCode.OK);
        var b = await Order(romashka, 2);
        await Invoice(b, 1500, 1);
        await Expect(await manager.PostAsJsonAsync($"{b}/payments", new { paymentId = $"p2-{suffix}", amount = 500 }), HttpStatusCode.OK);

        JsonElement Row(JsonElement report, string customer) => report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("customer").GetString() == customer);

        var now = await Expect(await head.GetAsync("/api/analytics/receivables"), HttpStatusCode.OK);
        Assert.Equal((5200m, 0m, 5200m, 2L), (Dec(Row(now, müller), "notDue"), Dec(Row(now, müller), "days0To30"), Dec(Row(now, müller), "total"), Row(now, müller).GetProperty("invoices").GetInt64()));
        Assert.Equal(1000m, Dec(Row(now, romashka), "notDue"));

        // 100 days on: Müller's first invoice is 95 days overdue, the second 60; Romashka's 99.
        var later = await Expect(await head.GetAsync($"/api/analytics/receivables?asOf={today.AddDays(100):yyyy-MM-dd}"), HttpStatusCode.OK);
        var m = Row(later, müller);
        Assert.Equal((0m, 0m, 3200m, 0m, 2000m, 5200m), (Dec(m, "notDue"), Dec(m, "days0To30"), Dec(m, "days31To60"), Dec(m, "days61To90"), Dec(m, "over90"), Dec(m, "total")));
        Assert.Equal(1000m, Dec(Row(later, romashka), "over90"));
        var on45 = await Expect(await head.GetAsync($"/api/analytics/receivables?asOf={today.AddDays(45):yyyy-MM-dd}"), HttpStatusCode.OK);
        Assert.Equal((2000m, 3200m), (Dec(Row(on45, müller), "days31To60"), Dec(Row(on45, müller), "days0To30")));

        // Paid in full: the customer drops out.
        await Expect(await manager.PostAsJsonAsync($"{b}/payments", new { paymentId = $"p3-{suffix}", amount = 1000 }), HttpStatusCode.OK);
        var settled = await Expect(await head.GetAsync("/api/analytics/receivables"), HttpStatusCode.OK);
        Assert.DoesNotContain(settled.GetProperty("rows").EnumerateArray(), r => r.GetProperty("customer").GetString() == romashka);

        // CSV and XLSX of the same report; another department's manager sees none of it; a bad format is named.
        var csv = await (await head.GetAsync("/api/analytics/receivables?format=csv")).Content.ReadAsStringAsync();
        Assert.StartsWith("Customer,Currency,NotDue,Days0To30,Days31To60,Days61To90,Over90,Total", csv);
        Assert.Contains($"Müller & Söhne GmbH {suffix},EUR,5200", csv);
        var xlsx = await (await head.GetAsync("/api/analytics/receivables?format=xlsx")).Content.ReadAsByteArrayAsync();
        Assert.Equal("PK", Encoding.ASCII.GetString(xlsx, 0, 2));
        var other = await Expect(await (await fixture.Node.ClientAsync("k.weber")).GetAsync("/api/analytics/receivables"), HttpStatusCode.OK);
        Assert.DoesNotContain(other.GetProperty("rows").EnumerateArray(), r => r.GetProperty("customer").GetString() == müller);
        var bad = await Expect(await head.GetAsync("/api/analytics/receivables?format=pdf"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("format", out _));
    }
}
