using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Tests.Integration;

/// <summary>A node with the demo people, shifts ignored (tests run at any hour), a short call settle time and a test PBX key.</summary>
public sealed class LeadNodeFixture : IAsyncLifetime
{
    public const string PbxKey = "test-pbx-key";

    public TestNode Node { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(int permitsPerMinute = 1000) => new()
    {
        ["Leads:RespectShifts"] = "false",
        ["Leads:CallSettleDelay"] = "00:00:00.300",
        ["WebForm:PermitsPerMinute"] = permitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Telephony:ApiKey"] = PbxKey,
        // The call tests replay fixed moments (2023, 2026); the event-time window (30 days by default) has tests of its own.
        ["Telephony:MaxEventAge"] = "3650.00:00:00",
        ["Leads:HandoverHorizonHours"] = "1000",
    };

    public async Task InitializeAsync() =>
        Node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(Settings()));

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LeadNodeCollection : ICollectionFixture<LeadNodeFixture>
{
    public const string Name = "lead node on postgres";
}

[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class LeadApiTests(LeadNodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private LeadQueries Queries => Node.Services.GetRequiredService<LeadQueries>();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string NewNumber() => $"8 (916) {Random.Shared.Next(100, 1000)}-{Random.Shared.Next(10, 100)}-{Random.Shared.Next(10, 100)}";

    private static object Form(string name, string? phone, string? email = null, string topic = "equipment", string? id = null) => new
    {
        submissionId = id ?? $"form-{Guid.NewGuid():N}",
        name,
        phone,
        email,
        company = "Volga Polymer",
        message = "We need a compressor for the extrusion line",
        topic,
    };

    private async Task<JsonElement> LeadNamed(string name, HttpClient? client = null)
    {
        client ??= await Node.ClientAsync("s.volkov");
        var list = await Json(await client.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(name)}"));
        return Assert.Single(list.EnumerateArray());
    }

    [Fact]
    public async Task The_public_form_makes_a_routed_assigned_lead_once_and_the_manager_is_notified()
    {
        var anonymous = await Node.ClientAsync();
        var name = $"Pavel {Guid.NewGuid():N}"[..20];
        var form = Form(name, NewNumber());

        var first = await anonymous.PostAsJsonAsync("/api/leads/webform", form);
        var replay = await anonymous.PostAsJsonAsync("/api/leads/webform", form);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var lead = await LeadNamed(name);
        Assert.Equal(("WebForm", "Assigned", "industrial"), (lead.GetProperty("channel").GetString(), lead.GetProperty("status").GetString(), lead.GetProperty("department").GetString()));
        var assignee = lead.GetProperty("assignee").GetString()!;
        Assert.Contains(assignee, new[] { "i.petrov", "m.sokolova" });
        Assert.StartsWith("round robin", lead.GetProperty("assignmentReason").GetString());

        var manager = await Node.ClientAsync(assignee);
        var notes = await Json(await manager.GetAsync("/api/notifications"));
        Assert.Contains(notes.EnumerateArray(), n => n.GetProperty("text").GetString()!.Contains(name));
        var journal = await Json(await manager.GetAsync($"/api/leads/{lead.GetProperty("id").GetGuid()}/journal"));
        Assert.Equal(["Created", "Notified", "Assigned", "Notified"], journal.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_plain_html_form_posts_url_encoded_fields_and_its_extra_fields_route()
    {
        var anonymous = await Node.ClientAsync();
        var name = $"Form {Guid.NewGuid():N}"[..20];
        var response = await anonymous.PostAsync("/api/leads/webform", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["submissionId"] = $"html-{Guid.NewGuid():N}", ["name"] = name, ["email"] = $"{Guid.NewGuid():N}@form.example", ["message"] = "Call me", ["topic"] = "erp",
        }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("projects", (await LeadNamed(name)).GetProperty("department").GetString());
    }

    [Theory]
    [InlineData("{\"name\":\"A\",\"phone\":\"+79161234567\"}", "submissionId")]
    [InlineData("{\"submissionId\":\"short\",\"phone\":\"+79161234567\"}", "submissionId")]
    [InlineData("{\"submissionId\":\"form-bad-phone-1\",\"phone\":\"12\"}", "phone")]
    [InlineData("{\"submissionId\":\"form-bad-mail-1\",\"email\":\"not an address\"}", "email")]
    [InlineData("{\"submissionId\":\"form-no-contact-1\",\"name\":\"Nobody\"}", "phone")]
    [InlineData("{\"submissionId\":\"form-bad-type-1\",\"name\":5}", "name")]
    [InlineData("not json", "body")]
    public async Task Bad_forms_are_400_naming_the_field_and_record_nothing(string body, string field)
    {
        var anonymous = await Node.ClientAsync();
        var before = await Queries.CountAsync("lead");

        var response = await anonymous.PostAsync("/api/leads/webform", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for '{field}', got {errors}");
        Assert.Equal(before, await Queries.CountAsync("lead"));
    }

    [Fact]
    public async Task An_oversized_form_is_refused_before_it_is_read()
    {
        var anonymous = await Node.ClientAsync();
        var huge = JsonSerializer.Serialize(new { submissionId = $"form-{Guid.NewGuid():N}", phone = "+79160000001", message = new string('x', 40_000) });

        var response = await anonymous.PostAsync("/api/leads/webform", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_lead_is_qualified_and_converted_into_a_deal_that_needs_needs_legal_details_and_contacts()
    {
        var anonymous = await Node.ClientAsync();
        var name = $"Irina {Guid.NewGuid():N}"[..20];
        await anonymous.PostAsJsonAsync("/api/leads/webform", Form(name, NewNumber(), $"{Guid.NewGuid():N}@volga.example"));
        var lead = await LeadNamed(name);
        var id = lead.GetProperty("id").GetGuid();
        var owner = await Node.ClientAsync(lead.GetProperty("assignee").GetString());
        var other = await Node.ClientAsync(lead.GetProperty("assignee").GetString() == "i.petrov" ? "m.sokolova" : "i.petrov");

        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync($"/api/leads/{id}/qualify", new { note = "x" })).StatusCode);
        // A colleague of the department reads the lead; another department's manager reads neither it nor its contact.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/leads/{id}")).StatusCode);
        var stranger = await Node.ClientAsync("k.weber");
        var contactId = lead.GetProperty("contactId").GetGuid();
        foreach (var path in new[] { $"/api/leads/{id}", $"/api/leads/{id}/journal", $"/api/leads/{id}/documents", $"/api/contacts/{contactId}", $"/api/contacts/{contactId}/journal", $"/api/contacts/{contactId}/calls" })
        {
            // Not theirs to see: it answers as if it did not exist.
            Assert.Equal((path, HttpStatusCode.NotFound), (path, (await stranger.GetAsync(path)).StatusCode));
        }

        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync($"/api/leads/{id}/qualify", new { note = "Called: line of 3 extruders" })).StatusCode);

        var incomplete = await owner.PostAsJsonAsync($"/api/leads/{id}/convert", new { processKind = "industrial-equipment", needs = "Compressor 7 bar", contacts = "Irina, +7 916" });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.True((await Json(incomplete)).GetProperty("errors").TryGetProperty("legalDetails", out _));
        var unknown = await owner.PostAsJsonAsync($"/api/leads/{id}/convert", new { processKind = "no-such", needs = "n", legalDetails = "l", contacts = "c" });
        Assert.True((await Json(unknown)).GetProperty("errors").TryGetProperty("processKind", out _));

        var converted = await owner.PostAsJsonAsync($"/api/leads/{id}/convert", new
        {
            processKind = "industrial-equipment", needs = "Compressor 7 bar", legalDetails = "OOO Volga Polymer, INN 6300000000", contacts = "Irina, +7 916", amount = 42000,
        });
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
        var dealId = (await Json(converted)).GetProperty("dealId").GetGuid();
        var deal = await Json(await owner.GetAsync($"/api/deals/{dealId}"));
        Assert.Equal(("industrial-equipment", "Volga Polymer", "OOO Volga Polymer, INN 6300000000"),
            (deal.GetProperty("processKind").GetString(), deal.GetProperty("company").GetString(), deal.GetProperty("parameters").GetProperty("legalDetails").GetString()));

        var after = await LeadNamed(name);
        Assert.Equal(("Converted", dealId), (after.GetProperty("status").GetString(), after.GetProperty("dealId").GetGuid()));
        var contact = await Json(await owner.GetAsync($"/api/contacts/{after.GetProperty("contactId").GetGuid()}"));
        Assert.Equal(("Customer", dealId), (contact.GetProperty("kind").GetString(), contact.GetProperty("openDealId").GetGuid()));
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync($"/api/leads/{id}/disqualify", new { reason = "late" })).StatusCode);
    }

    [Fact]
    public async Task An_unrouted_manual_lead_waits_in_triage_until_the_head_of_sales_assigns_it()
    {
        var marketer = await Node.ClientAsync("n.marketing");
        var name = $"Oleg {Guid.NewGuid():N}"[..20];
        var created = await marketer.PostAsJsonAsync("/api/leads", new { name, phone = NewNumber(), need = "Met at the fair, wants a call" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var lead = (await Json(created)).GetProperty("lead");
        var id = lead.GetProperty("id").GetGuid();
        Assert.Equal(("Marketing", "triage", "New"), (lead.GetProperty("channel").GetString(), lead.GetProperty("department").GetString(), lead.GetProperty("status").GetString()));

        var manager = await Node.ClientAsync("k.weber");
        // A triage lead is in no department of theirs: a manager neither sees nor takes nor assigns it.
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/leads/{id}/take", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync($"/api/leads/{id}/assign", new { assignee = "k.weber" })).StatusCode);
        var head = await Node.ClientAsync("s.volkov");
        Assert.Contains((await Json(await head.GetAsync("/api/notifications"))).EnumerateArray(), n => n.GetProperty("text").GetString()!.Contains(name));
        var assigned = await head.PostAsJsonAsync($"/api/leads/{id}/assign", new { assignee = "k.weber", reason = "training request" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var view = await Json(assigned);
        Assert.Equal(("k.weber", "training", "assigned by s.volkov: training request"),
            (view.GetProperty("assignee").GetString(), view.GetProperty("department").GetString(), view.GetProperty("assignmentReason").GetString()));

        // The marketer asks the manager to call the client.
        var task = await marketer.PostAsJsonAsync($"/api/contacts/{view.GetProperty("contactId").GetGuid()}/tasks", new { title = "Call about the spring course", executor = "k.weber", deadlineHours = 4 });
        Assert.Equal(HttpStatusCode.Created, task.StatusCode);
        var tasks = await Json(await manager.GetAsync("/api/contact-tasks?executor=k.weber"));
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("title").GetString() == "Call about the spring course" && t.GetProperty("kind").GetString() == "call-client");
    }

    [Fact]
    public async Task A_manager_s_own_unrouted_lead_stays_in_their_department_and_in_their_inbox()
    {
        var manager = await Node.ClientAsync("l.braun");
        var name = $"Jörg Mäßig {Guid.NewGuid():N}"[..22];
        var created = await manager.PostAsJsonAsync("/api/leads", new { name, phone = NewNumber(), need = "Traf ihn auf der Messe, will zurückgerufen werden" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var lead = (await Json(created)).GetProperty("lead");
        Assert.Equal(("Manual", "training"), (lead.GetProperty("channel").GetString(), lead.GetProperty("department").GetString()));
        var inbox = await Json(await manager.GetAsync($"/api/leads?search={Uri.EscapeDataString(name)}"));
        Assert.Contains(inbox.EnumerateArray(), l => l.GetProperty("id").GetGuid() == lead.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Queues_show_members_and_only_supervisors_change_policy_or_others_presence()
    {
        var manager = await Node.ClientAsync("l.braun");
        var supervisor = await Node.ClientAsync("e.keller");

        var queue = await Json(await manager.GetAsync("/api/queues/training"));
        Assert.Equal(["k.weber", "l.braun"], queue.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/queues/training/settings", new { policy = "LeastLoaded" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/queues/training/presence", new { user = "k.weber", absent = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.PostAsJsonAsync("/api/queues/training/settings", new { capacity = -1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("/api/queues/nowhere")).StatusCode);

        var absent = (await Json(await manager.PostAsJsonAsync("/api/queues/training/presence", new { absent = true }))).GetProperty("queue");
        Assert.True(absent.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("user").GetString() == "l.braun").GetProperty("absent").GetBoolean());
        var back = (await Json(await supervisor.PostAsJsonAsync("/api/queues/training/presence", new { user = "l.braun", absent = false }))).GetProperty("queue");
        Assert.False(back.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("user").GetString() == "l.braun").GetProperty("absent").GetBoolean());
        var policy = await Json(await supervisor.PostAsJsonAsync("/api/queues/training/settings", new { policy = "LeastLoaded", capacity = 50 }));
        Assert.Equal(("LeastLoaded", 50), (policy.GetProperty("policy").GetString(), policy.GetProperty("capacity").GetInt32()));
        await supervisor.PostAsJsonAsync("/api/queues/training/settings", new { policy = "RoundRobin", capacity = 0 });
    }

    [Fact]
    public async Task A_manager_going_absent_hands_leads_not_yet_contacted_and_tasks_due_soon_to_a_colleague()
    {
        var head = await Node.ClientAsync("o.smirnova");
        var ivanova = await Node.ClientAsync("a.ivanova");
        var anonymous = await Node.ClientAsync();
        var waiting = $"Gleb {Guid.NewGuid():N}"[..20];
        var called = $"Rita {Guid.NewGuid():N}"[..20];
        await anonymous.PostAsJsonAsync("/api/leads/webform", Form(waiting, NewNumber(), topic: "erp"));
        await anonymous.PostAsJsonAsync("/api/leads/webform", Form(called, NewNumber(), topic: "erp"));
        var waitingId = (await LeadNamed(waiting, head)).GetProperty("id").GetGuid();
        var calledId = (await LeadNamed(called, head)).GetProperty("id").GetGuid();
        await head.PostAsJsonAsync($"/api/leads/{waitingId}/assign", new { assignee = "a.ivanova" });
        await head.PostAsJsonAsync($"/api/leads/{calledId}/assign", new { assignee = "a.ivanova" });
        Assert.Equal(HttpStatusCode.OK, (await ivanova.PostAsJsonAsync($"/api/leads/{calledId}/qualify", new { note = "Spoke to Rita" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ivanova.PostAsJsonAsync($"/api/leads/{calledId}/notes", new { text = "Wants a demo in May" })).StatusCode);
        var calledContact = (await Json(await head.GetAsync($"/api/leads/{calledId}"))).GetProperty("contactId").GetGuid();
        var marketer = await Node.ClientAsync("n.marketing");
        Assert.Equal(HttpStatusCode.Created, (await marketer.PostAsJsonAsync($"/api/contacts/{calledContact}/tasks", new { title = "Invite Rita to the ERP day", executor = "a.ivanova", deadlineHours = 2 })).StatusCode);
        var deal = await Json(await ivanova.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "ERP for Kama Plastics", company = "Kama Plastics" }));
        var dealId = deal.GetProperty("id").GetGuid();

        var report = await Json(await ivanova.PostAsJsonAsync("/api/queues/projects/presence", new { absent = true }));

        Assert.Equal(1, report.GetProperty("leadsMoved").GetInt32());
        Assert.Contains(report.GetProperty("tasksMoved").EnumerateArray(), t => t.GetString()!.StartsWith($"{dealId}/"));
        Assert.Contains(report.GetProperty("tasksMoved").EnumerateArray(), t => t.GetString()!.StartsWith($"{calledContact}/"));
        var invite = (await Json(await head.GetAsync($"/api/contact-tasks?contactId={calledContact}"))).EnumerateArray().Single();
        Assert.Equal(("Invite Rita to the ERP day", "d.orlov"), (invite.GetProperty("title").GetString(), invite.GetProperty("executor").GetString()));
        Assert.Contains((await Json(await head.GetAsync($"/api/leads/{calledId}/journal"))).EnumerateArray(), e => e.GetProperty("kind").GetString() == "Note");
        var handed = await Json(await head.GetAsync($"/api/leads/{waitingId}"));
        Assert.Equal("d.orlov", handed.GetProperty("assignee").GetString());
        Assert.StartsWith("a.ivanova is absent;", handed.GetProperty("assignmentReason").GetString());
        Assert.Equal("a.ivanova", (await Json(await head.GetAsync($"/api/leads/{calledId}"))).GetProperty("assignee").GetString());
        var tasks = (await Json(await head.GetAsync($"/api/deals/{dealId}"))).GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open");
        Assert.All(tasks, t => Assert.Equal("d.orlov", t.GetProperty("executor").GetString()));
        var journal = await Json(await head.GetAsync($"/api/deals/{dealId}/journal"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "TaskReassigned" && e.GetProperty("text").GetString()!.Contains("a.ivanova is absent"));
        await ivanova.PostAsJsonAsync("/api/queues/projects/presence", new { absent = false });
    }

    [Fact]
    public async Task Companies_form_groups_with_divisions()
    {
        var client = await Node.ClientAsync("i.petrov");
        var group = await Json(await client.PostAsJsonAsync("/api/companies", new { name = "Uralmash Group", inn = "6673000000" }));
        var division = await client.PostAsJsonAsync("/api/companies", new { name = "Uralmash Service", parentId = group.GetProperty("id").GetGuid() });
        Assert.Equal(HttpStatusCode.Created, division.StatusCode);
        var reloaded = await Json(await client.GetAsync($"/api/companies/{group.GetProperty("id").GetGuid()}"));
        Assert.Equal([(await Json(division)).GetProperty("id").GetGuid()], reloaded.GetProperty("divisions").EnumerateArray().Select(d => d.GetGuid()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/companies", new { name = "X", inn = "12" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/companies", new { name = "X", parentId = Guid.NewGuid() })).StatusCode);
    }
}
