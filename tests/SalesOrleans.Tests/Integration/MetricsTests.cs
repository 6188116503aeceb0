using System.Net;
using System.Net.Http.Json;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public sealed class MetricsTests(NodeFixture fixture)
{
    [Fact]
    public async Task After_some_activity_the_Prometheus_scrape_shows_our_metrics_beside_Orleans_ASP_NET_Core_and_the_runtime()
    {
        var node = fixture.Node;
        var manager = await node.ClientAsync("k.weber");
        var created = await manager.PostAsJsonAsync("/api/leads", new { name = "Metrics Probe", phone = $"+49 30 {Random.Shared.Next(1_000_000, 9_999_999)}", need = "Excel course", department = "training" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // The queue assigns only to managers on shift (this node respects shifts), so outside the training
        // department's working hours the lead would wait and no assignment would be measured: the head assigns it.
        var leadId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("outcome").GetProperty("leadId").GetGuid();
        var supervisor = await node.ClientAsync("e.keller");
        var assigned = await supervisor.PostAsJsonAsync($"/api/leads/{leadId}/assign", new { assignee = "k.weber", reason = "metrics probe" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var deal = await manager.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Metrics probe", company = "Hansa Print", amount = 100 });
        Assert.Equal(HttpStatusCode.Created, deal.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/metrics")).StatusCode);
        var admin = await node.ClientAsync("admin");
        string[] expected =
        [
            "salesorleans_leads_created",
            "salesorleans_leads_assignment_duration_seconds_bucket",
            "salesorleans_live_push_duration_seconds_bucket",
            "salesorleans_tasks_overdue",
            "orleans_",
            "http_server_request_duration_seconds",
            "dotnet_gc_",
        ];
        var missing = expected;
        try
        {
            await Poll.Until(async () =>
            {
                var scrape = await admin.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
                var text = await scrape.Content.ReadAsStringAsync();
                missing = expected.Where(m => !text.Contains(m, StringComparison.Ordinal)).ToArray();
                return missing.Length == 0;
            }, "metrics", 60);
        }
        catch (TimeoutException)
        {
            // The assert below names what is missing.
        }

        Assert.True(missing.Length == 0, "missing from the scrape: " + string.Join(", ", missing));
    }
}
