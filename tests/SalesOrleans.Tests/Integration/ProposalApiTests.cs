using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class ProposalApiTests(NodeFixture fixture)
{
    [Fact]
    public async Task A_generated_proposal_pdf_is_attached_to_the_deal_and_meets_the_proposal_gate()
    {
        var client = await fixture.Node.ClientAsync("a.ivanova");
        var created = await client.PostAsJsonAsync("/api/deals", new
        {
            processKind = "order-driven",
            title = "Presses for Samara Glass",
            company = "Samara Glass",
            lines = new[] { new { sku = "SKU-100", quantity = 2, price = 47_500 }, new { sku = "SKU-104", quantity = 10, price = 90 } },
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        // Up to the proposal stage, whose gate is a "proposal" document.
        await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["need"] = "two presses", ["erpClientCode"] = "SG-1" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "negotiation" })).StatusCode);

        var proposal = await client.PostAsync($"/api/deals/{id}/proposal", null);

        Assert.Equal(HttpStatusCode.Created, proposal.StatusCode);
        var document = JsonDocument.Parse(await proposal.Content.ReadAsStringAsync()).RootElement.GetProperty("documents").EnumerateArray().Single();
        Assert.Equal(("proposal", "proposal", "application/pdf"), (document.GetProperty("kind").GetString(), document.GetProperty("stage").GetString(),
            document.GetProperty("contentType").GetString()));
        var pdf = await client.GetByteArrayAsync(proposal.Headers.Location);
        Assert.Equal("%PDF-1.4"u8.ToArray(), pdf[..8]);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "negotiation", cancelOpenTasks = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/deals/{Guid.NewGuid()}/proposal", null)).StatusCode);
    }
}
