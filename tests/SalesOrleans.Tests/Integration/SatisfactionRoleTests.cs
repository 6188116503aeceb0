using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// The satisfaction call's role is the process's (issue 11): a process naming <c>satisfactionRole</c> gives the call
/// after a won deal to that role in the deal's department; a process without one keeps the node's setting (the owner).
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class SatisfactionRoleTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private async Task<string> Publish(string? satisfactionRole)
    {
        var admin = await Node.ClientAsync("admin");
        var kind = $"service-{Guid.NewGuid():N}"[..18];
        await Expect(await admin.PostAsJsonAsync("/api/processes", new Dictionary<string, object?>
        {
            ["kind"] = kind, ["name"] = "Wartung", ["mode"] = "manual", ["initialStage"] = "offer", ["lostReasons"] = new[] { "price too high" },
            ["satisfactionRole"] = satisfactionRole,
            ["stages"] = new object[]
            {
                new { id = "offer", name = "Offer", probability = 0.5, transitions = new[] { new { to = "won" }, new { to = "lost" } } },
                new { id = "won", name = "Won", probability = 1.0, outcome = "won" },
                new { id = "lost", name = "Lost", probability = 0.0, outcome = "lost" },
            },
        }.Where(kv => kv.Value is not null).ToDictionary()), HttpStatusCode.Created);
        return kind;
    }

    private async Task<string> CallExecutorAfterWinning(string kind)
    {
        var manager = await Node.ClientAsync("i.petrov");
        var company = await Expect(await manager.PostAsJsonAsync("/api/companies", new { name = $"Kältetechnik Nord {Guid.NewGuid().ToString("N")[..6]}" }), HttpStatusCode.Created);
        var companyId = company.GetProperty("id").GetGuid();
        var contact = await Expect(await manager.PostAsJsonAsync($"/api/companies/{companyId}/contacts",
            new { name = "Пётр Ильич", email = $"p.ilyich.{Guid.NewGuid():N}@kaelte-nord.de" }), HttpStatusCode.Created);
        var contactId = contact.GetProperty("id").GetGuid();
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new { processKind = kind, title = "Servicevertrag Kühlhalle", companyId, contactId, amount = 3_900 }),
            HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "won" }), HttpStatusCode.OK);

        var taskId = $"satisfaction-{dealId:N}";
        var task = await Poll.Until(async () =>
            (await Expect(await manager.GetAsync($"/api/contacts/{contactId}"), HttpStatusCode.OK)).GetProperty("tasks").EnumerateArray()
                .FirstOrDefault(t => t.GetProperty("id").GetString() == taskId) is { ValueKind: JsonValueKind.Object } found ? found : (JsonElement?)null,
            $"No satisfaction call for deal {dealId}", 10);
        return task.GetProperty("executor").GetString()!;
    }

    [Fact]
    public async Task A_process_naming_the_engineer_gives_the_satisfaction_call_to_the_departments_engineer_and_one_naming_none_to_the_owner()
    {
        Assert.Equal("t.engineer", await CallExecutorAfterWinning(await Publish("engineer")));
        Assert.Equal("i.petrov", await CallExecutorAfterWinning(await Publish(null)));
    }

    [Fact]
    public async Task A_satisfaction_role_that_is_no_working_role_is_refused_naming_the_field()
    {
        var admin = await Node.ClientAsync("admin");
        var refused = await Expect(await admin.PostAsJsonAsync("/api/processes/validate", new
        {
            kind = "service-bad-role", name = "Wartung", mode = "manual", initialStage = "offer", lostReasons = new[] { "price too high" },
            satisfactionRole = "integration",
            stages = new object[]
            {
                new { id = "offer", name = "Offer", probability = 0.5, transitions = new[] { new { to = "won" }, new { to = "lost" } } },
                new { id = "won", name = "Won", probability = 1.0, outcome = "won" },
                new { id = "lost", name = "Lost", probability = 0.0, outcome = "lost" },
            },
        }), HttpStatusCode.BadRequest);
        Assert.Contains(refused.GetProperty("errors").GetProperty("definition").EnumerateArray(), p => p.GetString()!.StartsWith("satisfactionRole 'integration'", StringComparison.Ordinal));
    }
}
