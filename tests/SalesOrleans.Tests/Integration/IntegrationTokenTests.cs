using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 15: an integration's API token reads what its events created — the lead and contact of a chat it entered, and
/// the call, lead and contact of a PBX call — and nothing it does not feed (deals, assignment).
/// </summary>
[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class IntegrationTokenTests(LeadNodeFixture fixture)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<HttpClient> Integration()
    {
        var client = await fixture.Node.ClientAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "so_demo_integration_token");
        return client;
    }

    private static Task<JsonElement> Until(Func<Task<JsonElement?>> probe, string what) => Poll.Until(probe, what, 15);

    [Fact]
    public async Task An_integration_token_reads_the_leads_contacts_and_calls_its_events_created()
    {
        var token = await Integration();

        // A chat service enters its visitor as a lead with the token.
        var chatPhone = $"+7916{Random.Shared.Next(0, 10_000_000):D7}";
        var entered = await token.PostAsJsonAsync("/api/leads", new { name = "Ольга Чат", phone = chatPhone, need = "Нужен насос", channel = "Chat" });
        Assert.Equal(HttpStatusCode.Created, entered.StatusCode);
        var outcome = (await Json(entered)).GetProperty("outcome");
        var (leadId, contactId) = (outcome.GetProperty("leadId").GetGuid(), outcome.GetProperty("contactId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync($"/api/leads/{leadId}")).StatusCode);
        Assert.Equal(chatPhone, (await token.GetFromJsonAsync<JsonElement>($"/api/contacts/{contactId}")).GetProperty("phones")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync($"/api/leads/{leadId}/journal")).StatusCode);

        // The PBX's call from a new number: the token reads the call, its lead, its contact and the contact's calls.
        var pbx = await fixture.Node.ClientAsync();
        pbx.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);
        var caller = $"+7916{Random.Shared.Next(0, 10_000_000):D7}";
        var callId = $"int-{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = callId, caller, called = "+74952233211", ts })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "hangup", call_id = callId, caller, called = "+74952233211", ts = ts + 20 })).StatusCode);
        var call = await Until(async () =>
        {
            var response = await token.GetAsync($"/api/telephony/calls/{callId}");
            var c = response.IsSuccessStatusCode ? await Json(response) : default;
            return response.IsSuccessStatusCode && c.GetProperty("settled").GetBoolean() && c.TryGetProperty("leadId", out var l) && l.ValueKind == JsonValueKind.String ? c : null;
        }, "the call settled with its lead, as the token sees it");
        var callLead = call.GetProperty("leadId").GetGuid();
        var callContact = call.GetProperty("contactId").GetGuid();
        Assert.Equal(caller, (await token.GetFromJsonAsync<JsonElement>($"/api/leads/{callLead}")).GetProperty("phone").GetString());
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync($"/api/contacts/{callContact}")).StatusCode);
        await Until(async () => (await token.GetFromJsonAsync<JsonElement>($"/api/contacts/{callContact}/calls")).EnumerateArray()
            .Any(c => c.GetProperty("callId").GetString() == callId) ? default(JsonElement) : null, "the call among the contact's calls");
        await Until(async () => (await token.GetFromJsonAsync<JsonElement>("/api/telephony/calls?limit=500")).EnumerateArray()
            .Any(c => c.GetProperty("callId").GetString() == callId) ? default(JsonElement) : null, "the call in the call log");

        // What it does not feed stays closed.
        Assert.Equal(HttpStatusCode.Forbidden, (await token.GetAsync("/api/deals")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await token.PostAsJsonAsync($"/api/leads/{callLead}/assign", new { assignee = "i.petrov" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await token.GetAsync("/api/mail/quarantine")).StatusCode);
    }
}
