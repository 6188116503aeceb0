using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Sub-processes end to end through the API (issue 11): a published process whose stage starts the shipped
/// "certification" process as a child deal; the child inherits the customer, owner and department, and an engineer
/// does its work; the parent's stage waits until the child is won, and a lost child blocks the parent visibly (its gate
/// says why, its owner gets a task) until the child is reopened. The validator refuses unknown kinds and cycles.
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class SubProcessApiTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {status}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private static Task<JsonElement> WaitFor(HttpClient client, string url, Func<JsonElement, bool> done) => ApiSteps.WaitFor(client, url, done, 15);

    private static string Draft(string kind, string subKind) => $$"""
        {
          "kind": "{{kind}}",
          "name": "Klimakammer mit Zertifizierung",
          "names": { "ru": "Климатическая камера с сертификацией", "de": "Klimakammer mit Zertifizierung" },
          "description": "A test process whose certification stage starts a sub-process.",
          "mode": "manual",
          "initialStage": "angebot",
          "lostReasons": ["no budget", "certification failed"],
          "stages": [
            { "id": "angebot", "name": "Offer", "names": { "ru": "Предложение", "de": "Angebot" }, "probability": 0.3, "transitions": [ { "to": "zertifizierung" }, { "to": "lost" } ] },
            { "id": "zertifizierung", "name": "Certification", "names": { "ru": "Сертификация", "de": "Zertifizierung" }, "probability": 0.7,
              "subProcess": { "kind": "{{subKind}}" },
              "transitions": [ { "to": "montage" }, { "to": "angebot", "skipGates": true }, { "to": "lost" } ] },
            { "id": "montage", "name": "Installation", "names": { "ru": "Монтаж", "de": "Montage" }, "probability": 0.9, "transitions": [ { "to": "won" }, { "to": "lost" } ] },
            { "id": "won", "name": "Won", "probability": 1, "outcome": "won" },
            { "id": "lost", "name": "Lost", "probability": 0, "outcome": "lost" }
          ]
        }
        """;

    private async Task<string> PublishParentAsync()
    {
        var admin = await Node.ClientAsync("admin");
        var kind = $"klima-{Guid.NewGuid():N}"[..14];
        await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(kind, "certification"), Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        return kind;
    }

    private static async Task<JsonElement> Open(HttpClient manager, string kind, string title)
    {
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new { processKind = kind, title, company = "ООО «Климат-Тест»", contact = "Frau Krüger", amount = 64_000 }),
            HttpStatusCode.Created);
        var moved = await Expect(await manager.PostAsJsonAsync($"/api/deals/{deal.GetProperty("id").GetGuid()}/moves", new { toStage = "zertifizierung" }), HttpStatusCode.OK);
        return moved;
    }

    private static async Task Attach(HttpClient client, Guid deal, string kind) =>
        await Expect(await client.PostAsync($"/api/deals/{deal}/documents", new MultipartFormDataContent
        {
            { new StringContent(kind), "kind" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"%PDF-1.4 {kind}")), "file", $"{kind}.pdf" },
        }), HttpStatusCode.Created);

    [Fact]
    public async Task A_stage_starts_a_certification_child_and_the_parent_moves_on_once_the_child_is_won()
    {
        var kind = await PublishParentAsync();
        var manager = await Node.ClientAsync("i.petrov");
        var engineer = await Node.ClientAsync("t.engineer");

        var parent = await Open(manager, kind, "Klimakammer KK-500 für Wolga-Test");
        var parentId = parent.GetProperty("id").GetGuid();
        var link = Assert.Single(parent.GetProperty("subProcesses").EnumerateArray());
        var childId = link.GetProperty("dealId").GetGuid();
        Assert.Equal(("certification", "i.petrov", "Running"), (link.GetProperty("processKind").GetString(), link.GetProperty("owner").GetString(), link.GetProperty("status").GetString()));
        Assert.Contains(parent.GetProperty("missingToLeave").EnumerateArray(), m => m.GetString()!.Contains("sub-process"));
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{parentId}/moves", new { toStage = "montage" }), (HttpStatusCode)422);

        // The child: derived id, the parent's customer, owner and department, and a link back.
        Assert.Equal(Deal.SubProcessIdFor(parentId, "zertifizierung", 2), childId);
        var child = await WaitFor(engineer, $"/api/deals/{childId}", _ => true);
        Assert.Equal(("certification", "ООО «Климат-Тест»", "Frau Krüger", "i.petrov", "industrial"),
            (child.GetProperty("processKind").GetString(), child.GetProperty("company").GetString(), child.GetProperty("contact").GetString(),
                child.GetProperty("owner").GetString(), child.GetProperty("department").GetString()));
        Assert.Equal((parentId, "zertifizierung"), (child.GetProperty("parent").GetProperty("dealId").GetGuid(), child.GetProperty("parent").GetProperty("stage").GetString()));

        // The engineer works the certification: application, tests, certificate; the child wins by itself (automatic).
        foreach (var stage in new[] { "application", "testing" })
        {
            child = await Expect(await engineer.GetAsync($"/api/deals/{childId}"), HttpStatusCode.OK);
            Assert.Equal(stage, child.GetProperty("stage").GetString());
            if (stage == "testing")
            {
                await Attach(manager, childId, "certificate");
            }

            foreach (var task in child.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open").ToList())
            {
                Assert.Equal("t.engineer", task.GetProperty("executor").GetString());
                await Expect(await engineer.PostAsJsonAsync($"/api/deals/{childId}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "Prüfbericht Nr. 7/26" }), HttpStatusCode.OK);
            }
        }

        await WaitFor(engineer, $"/api/deals/{childId}", c => c.GetProperty("status").GetString() == "Won");
        parent = await WaitFor(manager, $"/api/deals/{parentId}", p => p.GetProperty("subProcesses")[0].GetProperty("status").GetString() == "Won");
        Assert.Empty(parent.GetProperty("missingToLeave").EnumerateArray());
        parent = await Expect(await manager.PostAsJsonAsync($"/api/deals/{parentId}/moves", new { toStage = "montage" }), HttpStatusCode.OK);
        Assert.Equal("montage", parent.GetProperty("stage").GetString());

        // Both journals name the other deal.
        var journal = await WaitFor(manager, $"/api/deals/{parentId}/journal", j => j.EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "SubProcessChanged"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "SubProcessStarted" && e.GetProperty("subject").GetString() == childId.ToString());
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "SubProcessChanged" && e.GetProperty("text").GetString()!.Contains("won"));
        var childJournal = await WaitFor(engineer, $"/api/deals/{childId}/journal", j => j.GetArrayLength() > 0);
        Assert.Contains(childJournal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "SubProcessStarted" && e.GetProperty("subject").GetString() == parentId.ToString());

        // Exactly one child however often the parent's events are delivered: asking to create it again finds the same deal.
        var again = await Node.Grains.GetGrain<IDealGrain>(childId).Create(
            new CreateDealCommand("certification", child.GetProperty("title").GetString()!, "ООО «Климат-Тест»", null, "i.petrov", "industrial", null, "EUR", null, null),
            new ActorInfo("system", ["system"]));
        Assert.Equal(("Won", childId), (again.Deal!.Status, again.Deal.Id));
    }

    [Fact]
    public async Task A_lost_child_blocks_the_parent_with_the_reason_and_an_owner_task_until_it_is_reopened()
    {
        var kind = await PublishParentAsync();
        var manager = await Node.ClientAsync("i.petrov");
        var engineer = await Node.ClientAsync("t.engineer");
        var head = await Node.ClientAsync("s.volkov");

        var parent = await Open(manager, kind, "Prüfkammer für Sibirien-Labor");
        var parentId = parent.GetProperty("id").GetGuid();
        var childId = parent.GetProperty("subProcesses")[0].GetProperty("dealId").GetGuid();
        await WaitFor(engineer, $"/api/deals/{childId}", _ => true);

        await Expect(await manager.PostAsJsonAsync($"/api/deals/{childId}/moves", new { toStage = "failed", lostReason = "certificate refused", cancelOpenTasks = true }), HttpStatusCode.OK);

        parent = await WaitFor(manager, $"/api/deals/{parentId}", p => p.GetProperty("subProcesses")[0].GetProperty("status").GetString() == "Lost");
        Assert.Equal(("zertifizierung", "Open"), (parent.GetProperty("stage").GetString(), parent.GetProperty("status").GetString()));
        Assert.Contains(parent.GetProperty("missingToLeave").EnumerateArray(), m => m.GetString()!.Contains("lost: certificate refused"));
        var task = Assert.Single(parent.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("status").GetString() == "Open");
        Assert.Equal(("i.petrov", Deal.SubProcessProblemTaskId), (task.GetProperty("executor").GetString(), task.GetProperty("templateId").GetString()));
        var refused = await Expect(await manager.PostAsJsonAsync($"/api/deals/{parentId}/moves", new { toStage = "montage", cancelOpenTasks = true }), (HttpStatusCode)422);
        Assert.Contains("certificate refused", refused.ToString());

        // The head of the department reopens the certification: the parent waits again and the owner's task is done.
        await Expect(await head.PostAsJsonAsync($"/api/deals/{childId}/reopen", new { comment = "Nachprüfung beantragt" }), HttpStatusCode.OK);
        parent = await WaitFor(manager, $"/api/deals/{parentId}", p => p.GetProperty("subProcesses")[0].GetProperty("status").GetString() == "Running");
        Assert.Equal("Done", parent.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == task.GetProperty("id").GetString()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publishing_refuses_an_unknown_sub_process_and_a_cycle_with_clear_messages()
    {
        var admin = await Node.ClientAsync("admin");
        var kind = $"zyklus-{Guid.NewGuid():N}"[..15];

        var unknown = await Expect(await admin.PostAsync("/api/processes/validate", new StringContent(Draft(kind, "zertifikat-x"), Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        Assert.Contains("subProcess.kind 'zertifikat-x' is not a published process", unknown.GetProperty("errors").GetProperty("definition")[0].GetString());
        await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(kind, "zertifikat-x"), Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        var itself = await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(kind, kind), Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains("cycle", itself.GetProperty("errors").GetProperty("definition")[0].GetString());

        // A published B → A: publishing A → B closes the circle and is refused, naming the way round.
        var other = $"zyklus-b-{Guid.NewGuid():N}"[..16];
        await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(kind, "certification"), Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(other, kind), Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        var cycle = await Expect(await admin.PostAsync("/api/processes", new StringContent(Draft(kind, other), Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains($"leads back to this process: {kind} → {other} → {kind}", cycle.GetProperty("errors").GetProperty("definition")[0].GetString());
    }
}
