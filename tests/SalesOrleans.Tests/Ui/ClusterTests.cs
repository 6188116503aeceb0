using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>Two nodes on one PostgreSQL: one cluster, browsers on either node see changes made on the other.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class ClusterTests(UiFixture fixture)
{
    [Fact]
    public async Task A_browser_on_one_node_sees_changes_made_on_the_other_and_deals_move_when_a_node_leaves()
    {
        var db = await TestDatabase.CreateAsync();
        await using var nodeA = await TestNode.StartAsync(db);
        var nodeB = await TestNode.StartAsync(db);
        try
        {
            var membership = nodeB.Services.GetRequiredService<IClusterMembershipService>();
            await Poll.Until(() => Task.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) >= 2),
                "both nodes active", 30);
            Assert.Equal(2, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));

            var page = await fixture.LoginAsync("e.keller", "/supervisor.html", nodeB);
            await UiFixture.WaitLive(page);

            // Made through node A; the deal grain lives wherever Orleans placed it.
            var api = await nodeA.ClientAsync("k.weber");
            var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Two-node deal", company = "Hansa Print", amount = 1000 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            await page.WaitForSelectorAsync($"#stuck tr[data-id='{id}']", new() { Timeout = 15_000 });

            await api.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Before node B leaves" });
            await nodeB.DisposeAsync();
            nodeB = null!;

            // Node B is gone: its grains activate on node A, and nothing written is lost.
            var note = await api.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "After node B left" });
            Assert.Equal(HttpStatusCode.OK, note.StatusCode);
            var journal = JsonDocument.Parse(await (await api.GetAsync($"/api/deals/{id}/journal")).Content.ReadAsStringAsync()).RootElement;
            var texts = journal.EnumerateArray().Select(e => e.GetProperty("text").GetString()).ToList();
            Assert.Contains("Before node B leaves", texts);
            Assert.Contains("After node B left", texts);
        }
        finally
        {
            if (nodeB is not null)
            {
                await nodeB.DisposeAsync();
            }
        }
    }
}
