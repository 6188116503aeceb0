using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class DealApiTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<(HttpClient Client, Guid Id, JsonElement Deal)> CreateTrainingDeal(string user = "k.weber")
    {
        var client = await Node.ClientAsync(user);
        var created = await client.PostAsJsonAsync("/api/deals", new
        {
            processKind = "training-sales",
            title = "Excel course for Hansa Print",
            company = "Hansa Print",
            contact = "Petra Lang",
            amount = 4800,
            currency = "EUR",
            lines = new[] { new { sku = "TRN-EXCEL", name = "Excel advanced", quantity = 12, price = 400 } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deal = await Json(created);
        return (client, deal.GetProperty("id").GetGuid(), deal);
    }

    [Fact]
    public async Task Every_endpoint_needs_a_login_or_a_token()
    {
        var anonymous = await Node.ClientAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/deals")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/processes")).StatusCode);

        var wrong = await anonymous.PostAsJsonAsync("/api/auth/login", new { userName = "k.weber", password = "nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        // The demo token is an integration: it reads the leads it feeds, not deals.
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "so_demo_integration_token");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/leads")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/api/deals")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "so_forged");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/deals")).StatusCode);

        var manager = await Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await Node.ClientAsync("admin")).GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task A_deal_moves_through_its_gates_and_every_refusal_says_why_and_changes_nothing()
    {
        var (client, id, deal) = await CreateTrainingDeal();
        Assert.Equal("first-contact", deal.GetProperty("stage").GetString());
        var seq = deal.GetProperty("seq").GetInt64();

        var gate = await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, gate.StatusCode);
        Assert.Contains("request", (await Json(gate)).GetProperty("missing")[0].GetString());

        var notAllowed = await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "won" });
        Assert.Equal(HttpStatusCode.Conflict, notAllowed.StatusCode);
        Assert.Equal(["client-card", "lost"], (await Json(notAllowed)).GetProperty("allowed").EnumerateArray().Select(e => e.GetString()));

        var noReason = await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "lost" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await Json(noReason)).GetProperty("errors").TryGetProperty("lostReason", out _));

        var unknownField = await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["colour"] = "red" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.True((await Json(unknownField)).GetProperty("errors").TryGetProperty("parameters.colour", out _));

        var unchanged = await Json(await client.GetAsync($"/api/deals/{id}"));
        Assert.Equal(seq, unchanged.GetProperty("seq").GetInt64());

        var set = await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Excel for 12 accountants" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var moved = await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", comment = "Request recorded", cancelOpenTasks = true });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = await Json(moved);
        Assert.Equal("client-card", after.GetProperty("stage").GetString());
        Assert.Equal(["k.weber", "e.keller"], after.GetProperty("tasks").EnumerateArray()
            .Where(t => t.GetProperty("status").GetString() == "Open").Select(t => t.GetProperty("executor").GetString()));

        var journal = await Json(await client.GetAsync($"/api/deals/{id}/journal"));
        var kinds = journal.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(after.GetProperty("seq").GetInt64(), journal.EnumerateArray().Last().GetProperty("seq").GetInt64());
        Assert.Contains("ParametersChanged", kinds);
        Assert.Contains("Note", kinds);
        Assert.Equal(2, kinds.Count(k => k == "StageChanged"));
    }

    [Theory]
    [InlineData("{\"processKind\":\"training-sales\",\"title\":\"X\",\"company\":\"Y\",\"amount\":\"lots\"}", "amount")]
    [InlineData("{\"processKind\":\"training-sales\",\"title\":\"X\",\"company\":\"Y\",\"lines\":[{\"sku\":\"A\",\"quantity\":0,\"price\":1}]}", "lines[0].quantity")]
    [InlineData("{\"processKind\":\"training-sales\",\"title\":\"\",\"company\":\"Y\"}", "title")]
    [InlineData("{\"processKind\":\"no-such-process\",\"title\":\"X\",\"company\":\"Y\"}", "processKind")]
    [InlineData("{\"processKind\":\"training-sales\",\"title\":\"X\",\"company\":\"Y\",\"currency\":\"euros\"}", "currency")]
    [InlineData("{\"processKind\":", "processKind")]
    [InlineData("not json at all", "body")]
    public async Task Bad_input_is_a_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        var client = await Node.ClientAsync("l.braun");
        var before = (await Json(await client.GetAsync("/api/deals?owner=l.braun&status=all"))).GetArrayLength();

        var response = await client.PostAsync("/api/deals", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for '{field}', got {errors}");
        Assert.Equal(before, (await Json(await client.GetAsync("/api/deals?owner=l.braun&status=all"))).GetArrayLength());
    }

    [Fact]
    public async Task The_deal_environment_is_edited_through_the_api()
    {
        var (client, id, _) = await CreateTrainingDeal();

        var added = await client.PostAsJsonAsync($"/api/deals/{id}/environment", new { kind = "competitor", name = "Nordakademie", relatesTo = "customer", relation = "trained them in 2025", influence = 3 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var party = (await Json(added)).GetProperty("environment")[0];
        Assert.Equal(("P1", "Competitor"), (party.GetProperty("id").GetString(), party.GetProperty("kind").GetString()));

        var bad = await client.PostAsJsonAsync($"/api/deals/{id}/environment", new { kind = "alien", name = "X" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("kind", out _));

        var updated = await client.PutAsJsonAsync($"/api/deals/{id}/environment/P1", new { kind = "competitor", name = "Nordakademie", influence = 4 });
        Assert.Equal(4, (await Json(updated)).GetProperty("environment")[0].GetProperty("influence").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/deals/{id}/environment/P5")).StatusCode);
        var removed = await client.DeleteAsync($"/api/deals/{id}/environment/P1");
        Assert.Equal(0, (await Json(removed)).GetProperty("environment").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_deals_and_tasks_are_404()
    {
        var client = await Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/deals/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/deals/{Guid.NewGuid()}/moves", new { toStage = "x" })).StatusCode);
        var (_, id, _) = await CreateTrainingDeal();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/deals/{id}/tasks/T99/complete", new { result = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_document_attached_to_the_stage_meets_its_gate_and_can_be_downloaded()
    {
        var (client, id, deal) = await CreateTrainingDeal();
        await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string>
        {
            ["request"] = "Excel", ["trainingTopic"] = "Excel advanced", ["participants"] = "12",
        });
        await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true });
        var supervisor = await Node.ClientAsync("e.keller");
        foreach (var task in (await Json(await client.GetAsync($"/api/deals/{id}"))).GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open"))
        {
            var done = await supervisor.PostAsJsonAsync($"/api/deals/{id}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "ok" });
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true })).StatusCode);
        var blocked = await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "presentation" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blocked.StatusCode);

        var content = Encoding.UTF8.GetBytes("%PDF-1.4 commercial proposal");
        var tooBig = new MultipartFormDataContent { { new StringContent("proposal"), "kind" }, { new ByteArrayContent(new byte[11 * 1024 * 1024]), "file", "huge.pdf" } };
        // Refused at the request size limit (413) before the body is read; "Expect: 100-continue" lets the client hear it.
        var tooBigRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/deals/{id}/documents") { Content = tooBig };
        tooBigRequest.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(tooBigRequest)).StatusCode);
        var noKind = new MultipartFormDataContent { { new ByteArrayContent(content), "file", "kp.pdf" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/deals/{id}/documents", noKind)).StatusCode);

        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var upload = await client.PostAsync($"/api/deals/{id}/documents", new MultipartFormDataContent { { new StringContent("proposal"), "kind" }, { file, "file", "kp.pdf" } });
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = (await Json(upload)).GetProperty("documents")[0];
        Assert.Equal(("proposal", "proposal"), (document.GetProperty("kind").GetString(), document.GetProperty("stage").GetString()));

        var download = await client.GetAsync(upload.Headers.Location);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "presentation", cancelOpenTasks = true })).StatusCode);
    }

    [Fact]
    public async Task Lists_show_each_deal_with_whom_it_is_stuck_on_and_tasks_by_executor()
    {
        var (client, id, deal) = await CreateTrainingDeal("l.braun");

        var mine = await Json(await client.GetAsync("/api/deals?owner=l.braun&stuckOn=l.braun&process=training-sales&stage=first-contact"));
        var row = mine.EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == id);
        // PostgreSQL keeps microseconds; the grain's clock has 100 ns ticks.
        Assert.Equal(deal.GetProperty("stuckOn").GetProperty("since").GetDateTimeOffset(), row.GetProperty("stuckSince").GetDateTimeOffset(), TimeSpan.FromMilliseconds(0.001));
        Assert.Equal(1, row.GetProperty("openTasks").GetInt32());

        var tasks = await Json(await client.GetAsync($"/api/tasks?executor=l.braun&dealId={id}"));
        var task = tasks.EnumerateArray().Single();
        Assert.Equal(("l.braun", "Open"), (task.GetProperty("executor").GetString(), task.GetProperty("status").GetString()));

        var workload = await Json(await client.GetAsync("/api/managers/l.braun/workload"));
        Assert.True(workload.GetProperty("openDeals").GetInt32() >= 1);
    }

    [Fact]
    public async Task A_published_process_version_applies_to_new_deals_while_running_deals_keep_theirs()
    {
        var (_, runningId, running) = await CreateTrainingDeal();
        var supervisor = await Node.ClientAsync("e.keller");
        var manager = await Node.ClientAsync("k.weber");
        var current = JsonNode.Parse(await (await supervisor.GetAsync("/api/processes/training-sales")).Content.ReadAsStringAsync())!;

        var broken = current.DeepClone();
        broken["initialStage"] = "nowhere";
        broken["stages"]![0]!["transitions"]![0]!["to"] = "void";
        var refused = await supervisor.PostAsync("/api/processes", new StringContent(broken.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problems = (await Json(refused)).GetProperty("errors").GetProperty("definition").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.Contains("nowhere"));
        Assert.Contains(problems, p => p.Contains("void"));

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/api/processes", new StringContent(current.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);

        var changed = current.DeepClone();
        changed["stages"]![0]!["name"] = "First contact (call within 2 hours)";
        var published = await supervisor.PostAsync("/api/processes", new StringContent(changed.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var version = (await Json(published)).GetProperty("version").GetInt32();
        Assert.True(version > running.GetProperty("processVersion").GetInt32());

        var (_, _, fresh) = await CreateTrainingDeal();
        Assert.Equal(version, fresh.GetProperty("processVersion").GetInt32());
        Assert.Equal("First contact (call within 2 hours)", fresh.GetProperty("stageName").GetString());
        var old = await Json(await manager.GetAsync($"/api/deals/{runningId}"));
        Assert.Equal(running.GetProperty("processVersion").GetInt32(), old.GetProperty("processVersion").GetInt32());
        Assert.Equal(running.GetProperty("stageName").GetString(), old.GetProperty("stageName").GetString());
    }
}
