using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class TelephonyApiTests(LeadNodeFixture fixture)
{
    private const string IndustrialDid = "+74952233211";

    private TestNode Node => fixture.Node;

    private LeadQueries Queries => Node.Services.GetRequiredService<LeadQueries>();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string NewNumber() => $"+7916{Random.Shared.Next(0, 10_000_000):D7}";

    private async Task<HttpClient> Pbx(string? key = LeadNodeFixture.PbxKey)
    {
        var client = await Node.ClientAsync();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static Task<HttpResponseMessage> Post(HttpClient pbx, string callId, string name, string caller, double ts, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["event"] = name, ["call_id"] = callId, ["caller"] = caller, ["called"] = IndustrialDid, ["ts"] = ts };
        if (extra is not null)
        {
            foreach (var p in extra.GetType().GetProperties())
            {
                body[p.Name] = p.GetValue(extra);
            }
        }

        return pbx.PostAsJsonAsync("/api/telephony/calls", body);
    }

    private static Task<JsonElement> Until(Func<Task<JsonElement?>> probe, string what) => Poll.Until(probe, what, 10);

    /// <summary>The call as staff see it once it is judged.</summary>
    private static Task<JsonElement> Settled(HttpClient staff, string callId) => Until(async () =>
    {
        var c = await Json(await staff.GetAsync($"/api/telephony/calls/{callId}"));
        return c.GetProperty("settled").GetBoolean() ? c : null;
    }, $"call {callId} to settle");

    [Theory]
    [InlineData(null, "{\"event\":\"incoming\",\"call_id\":\"c-401a\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.Unauthorized, null)]
    [InlineData("wrong-key", "{\"event\":\"incoming\",\"call_id\":\"c-401b\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.Unauthorized, null)]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"transferred\",\"call_id\":\"c-400a\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "event")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "call_id")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"call_id\":\"c-400c\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "caller")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"call_id\":\"c-400d\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":\"now\"}", HttpStatusCode.BadRequest, "ts")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"hangup\",\"call_id\":\"c-400e\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1,\"duration_ms\":-5}", HttpStatusCode.BadRequest, "duration_ms")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"busy\",\"call_id\":\"c-400f\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1,\"sip_code\":99}", HttpStatusCode.BadRequest, "sip_code")]
    // A wrong JSON type, a caller that is no number, an id longer than the column: each named, as a model binder would not.
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"call_id\":\"c-400g\",\"caller\":79160000000,\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "caller")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"call_id\":\"c-400h\",\"caller\":\"Иван из бухгалтерии\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "caller")]
    [InlineData(LeadNodeFixture.PbxKey, "{\"event\":\"incoming\",\"call_id\":\"c-400i-01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901\",\"caller\":\"+79160000000\",\"called\":\"+74952233211\",\"ts\":1}", HttpStatusCode.BadRequest, "call_id")]
    [InlineData(LeadNodeFixture.PbxKey, "[1,2]", HttpStatusCode.BadRequest, "body")]
    [InlineData(LeadNodeFixture.PbxKey, "{oops", HttpStatusCode.BadRequest, "body")]
    public async Task Refused_webhook_requests_say_why_and_record_nothing(string? key, string body, HttpStatusCode status, string? field)
    {
        var pbx = await Pbx(key);
        var (leads, calls) = (await Queries.CountAsync("lead"), await Queries.CountAsync("call_log"));

        var response = await pbx.PostAsync("/api/telephony/calls", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        if (field is not null)
        {
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
        }

        Assert.Equal((leads, calls), (await Queries.CountAsync("lead"), await Queries.CountAsync("call_log")));
        var staff = await Node.ClientAsync("s.volkov");
        foreach (var id in new[] { "c-401a", "c-401b", "c-400a", "c-400c", "c-400d", "c-400e", "c-400f", "c-400g", "c-400h" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/telephony/calls/{id}")).StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_caller_becomes_a_lead_on_incoming_and_the_call_is_assembled_from_late_and_repeated_events()
    {
        var pbx = await Pbx();
        var caller = NewNumber();
        var id = $"call-{Guid.NewGuid():N}";
        var t = 1_790_000_000.125;

        Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, id, "incoming", caller, t, new { caller_name = "Anna Lebedeva" })).StatusCode);
        var staff = await Node.ClientAsync("s.volkov");
        // The event is acknowledged once stored; the lead follows at once, while the phone still rings.
        var lead = await Until(async () =>
        {
            var leads = (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray().ToList();
            return leads.Count == 1 ? leads[0] : (JsonElement?)null;
        }, "the caller's lead");
        Assert.Equal(("Phone", "industrial", "Anna Lebedeva"), (lead.GetProperty("channel").GetString(), lead.GetProperty("department").GetString(), lead.GetProperty("name").GetString()));

        // Kamailio's workers can deliver 200 before 180 and the BYE before both; and deliver twice.
        await Post(pbx, id, "hangup", caller, t + 65.5, new { hangup_by = "caller", duration_ms = 60_000 });
        await Post(pbx, id, "answered", caller, t + 5.5);
        var duplicate = await Json(await Post(pbx, id, "answered", caller, t + 5.5));
        await Post(pbx, id, "ringing", caller, t + 0.2);
        Assert.True(duplicate.GetProperty("duplicate").GetBoolean());

        var call = await Settled(staff, id);
        Assert.Equal(["incoming", "ringing", "answered", "hangup"], call.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("answered", 60_000), (call.GetProperty("outcome").GetString(), call.GetProperty("durationMs").GetInt64()));
        var logged = await Json(await staff.GetAsync($"/api/contacts/{lead.GetProperty("contactId").GetGuid()}/calls"));
        Assert.Equal("answered", Assert.Single(logged.EnumerateArray()).GetProperty("outcome").GetString());
        Assert.Equal(1, (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).GetArrayLength());
    }

    [Fact]
    public async Task An_answer_that_crossed_the_pbx_no_answer_end_is_answered_with_no_negative_talk_time()
    {
        var pbx = await Pbx();
        var caller = NewNumber();
        var id = $"call-{Guid.NewGuid():N}";
        var t = 1_790_100_000.25;

        // Seen from a real PBX: its ring timeout ended the call as no_answer, then the callee's 200 crossed the CANCEL.
        await Post(pbx, id, "incoming", caller, t);
        await Post(pbx, id, "ringing", caller, t + 0.1);
        await Post(pbx, id, "no_answer", caller, t + 30);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, id, "answered", caller, t + 30.556)).StatusCode);

        var staff = await Node.ClientAsync("s.volkov");
        var call = await Settled(staff, id);
        Assert.Equal(("answered", JsonValueKind.Null), (call.GetProperty("outcome").GetString(), call.GetProperty("durationMs").ValueKind));
        var contact = call.GetProperty("contactId").GetGuid();
        var logged = Assert.Single((await Json(await staff.GetAsync($"/api/contacts/{contact}/calls"))).EnumerateArray());
        Assert.Equal(("answered", JsonValueKind.Null), (logged.GetProperty("outcome").GetString(), logged.GetProperty("durationMs").ValueKind));

        // The BYE of that call: talk time from the answer to it, in the call and in the customer's call log.
        await Post(pbx, id, "hangup", caller, t + 90.556, new { hangup_by = "caller" });
        await Until(async () =>
        {
            var c = await Json(await staff.GetAsync($"/api/telephony/calls/{id}"));
            return c.GetProperty("durationMs").ValueKind == JsonValueKind.Number ? c : null;
        }, "the talk time");
        var after = await Until(async () =>
        {
            var l = (await Json(await staff.GetAsync($"/api/contacts/{contact}/calls"))).EnumerateArray().Single();
            return l.GetProperty("durationMs").ValueKind == JsonValueKind.Number ? l : null;
        }, "the talk time in the call log");
        Assert.Equal(("answered", 60_000L), (after.GetProperty("outcome").GetString(), after.GetProperty("durationMs").GetInt64()));
    }

    [Fact]
    public async Task A_caller_whose_name_comes_late_or_only_on_a_later_call_is_named_on_the_lead_and_contact()
    {
        var pbx = await Pbx();
        var staff = await Node.ClientAsync("s.volkov");
        async Task<JsonElement> LeadOf(string caller, Func<JsonElement, bool> ready) => await Until(async () =>
        {
            var leads = (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray().ToList();
            return leads.Count == 1 && ready(leads[0]) ? leads[0] : null;
        }, $"the lead of {caller}");
        static string? Name(JsonElement e) => e.GetProperty("name").ValueKind == JsonValueKind.String ? e.GetProperty("name").GetString() : null;

        // Kamailio's async workers delivered the busy signal before the INVITE's "incoming", which alone names the caller.
        var olga = NewNumber();
        var late = $"call-{Guid.NewGuid():N}";
        await Post(pbx, late, "busy", olga, 1_790_000_301, new { sip_code = 486 });
        await Post(pbx, late, "incoming", olga, 1_790_000_300, new { caller_name = "Ольга Сергеевна Ким" });
        var named = await LeadOf(olga, l => l.GetProperty("inquiries").GetInt32() >= 1);
        Assert.Equal("Ольга Сергеевна Ким", Name(named));

        // The first call's "incoming" never came at all: the lead starts nameless, and the next call that names the caller fills it in.
        var juergen = NewNumber();
        await Post(pbx, $"call-{Guid.NewGuid():N}", "no_answer", juergen, 1_790_000_400, new { sip_code = 480 });
        var nameless = await LeadOf(juergen, l => l.GetProperty("inquiries").GetInt32() == 1);
        Assert.Null(Name(nameless));
        var again = $"call-{Guid.NewGuid():N}";
        await Post(pbx, again, "incoming", juergen, 1_790_000_500, new { caller_name = "Jürgen Groß" });
        await Post(pbx, again, "cancelled", juergen, 1_790_000_505);
        var filled = await LeadOf(juergen, l => l.GetProperty("inquiries").GetInt32() == 2);
        Assert.Equal(("Jürgen Groß", nameless.GetProperty("id").GetGuid()), (Name(filled), filled.GetProperty("id").GetGuid()));
        var contact = await Json(await staff.GetAsync($"/api/contacts/{filled.GetProperty("contactId").GetGuid()}"));
        Assert.Equal("Jürgen Groß", contact.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_missed_call_from_a_known_number_joins_the_history_and_gives_the_responsible_manager_a_call_back_task()
    {
        var pbx = await Pbx();
        var caller = NewNumber();
        var first = $"call-{Guid.NewGuid():N}";
        await Post(pbx, first, "incoming", caller, 1_790_000_100);
        await Post(pbx, first, "answered", caller, 1_790_000_103);
        await Post(pbx, first, "hangup", caller, 1_790_000_200);
        var staff = await Node.ClientAsync("s.volkov");
        var lead = await Until(async () =>
        {
            var leads = (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray().ToList();
            return leads.Count == 1 ? leads[0] : (JsonElement?)null;
        }, "the caller's lead");
        var responsible = lead.GetProperty("assignee").GetString()!;

        // The same person calls back from the same number written nationally, and nobody picks up.
        var second = $"call-{Guid.NewGuid():N}";
        await Post(pbx, second, "incoming", "8" + caller[2..], 1_790_003_000);
        await Post(pbx, second, "ringing", "8" + caller[2..], 1_790_003_001);
        await Post(pbx, second, "no_answer", "8" + caller[2..], 1_790_003_031, new { sip_code = 480 });

        var manager = await Node.ClientAsync(responsible);
        var task = await Until(async () =>
        {
            var tasks = await Json(await manager.GetAsync($"/api/contact-tasks?executor={responsible}&contactId={lead.GetProperty("contactId").GetGuid()}"));
            return tasks.EnumerateArray().FirstOrDefault(t => t.GetProperty("kind").GetString() == "call-back") is { ValueKind: JsonValueKind.Object } found ? found : null;
        }, "the call-back task");
        Assert.Contains("missed call (no answer)", task.GetProperty("title").GetString());
        Assert.Single((await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray());
        var journal = await Json(await staff.GetAsync($"/api/leads/{lead.GetProperty("id").GetGuid()}/journal"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "InquiryJoined");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("text").GetString()!.Contains(": no_answer"));
    }

    [Fact]
    public async Task A_call_whose_end_never_comes_is_judged_missed_after_the_end_limit_even_across_a_restart()
    {
        // The PBX rings a known customer's call through to a manager and then loses it: no hang-up, no retry. The node
        // that took the events goes down too; the call's stored wake brings it back on the next node.
        var db = await TestDatabase.CreateAsync();
        var settings = LeadNodeFixture.Settings();
        settings["Leads:CallEndLimit"] = "00:00:03";
        settings["Deals:WakeSweepInterval"] = "00:00:01";
        var caller = NewNumber();
        var second = $"call-{Guid.NewGuid():N}";
        JsonElement lead;
        await using (var node = await TestNode.StartAsync(db, configure: b => b.Configuration.AddInMemoryCollection(settings)))
        {
            var pbx = await node.ClientAsync();
            pbx.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);
            var first = $"call-{Guid.NewGuid():N}";
            await Post(pbx, first, "incoming", caller, 1_790_000_100, new { caller_name = "Мария Петрова" });
            await Post(pbx, first, "answered", caller, 1_790_000_103);
            await Post(pbx, first, "hangup", caller, 1_790_000_200);
            var staff = await node.ClientAsync("s.volkov");
            lead = await Until(async () =>
            {
                var leads = (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray().ToList();
                return leads.Count == 1 ? leads[0] : (JsonElement?)null;
            }, "the caller's lead");

            Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, second, "incoming", caller, 1_790_003_000)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, second, "ringing", caller, 1_790_003_001, new { extension = "101" })).StatusCode);
        }

        await using (var node = await TestNode.StartAsync(db, configure: b => b.Configuration.AddInMemoryCollection(settings)))
        {
            var staff = await node.ClientAsync("s.volkov");
            var contactId = lead.GetProperty("contactId").GetGuid();
            var call = await Poll.Until(async () =>
            {
                var calls = await Json(await staff.GetAsync($"/api/contacts/{contactId}/calls"));
                return calls.EnumerateArray().FirstOrDefault(c => c.GetProperty("callId").GetString() == second && c.GetProperty("outcome").GetString() == "no_end")
                    is { ValueKind: JsonValueKind.Object } found ? found : (JsonElement?)null;
            }, "the call judged without its end", 60);
            var responsible = lead.GetProperty("assignee").GetString()!;
            Assert.Equal(responsible, call.GetProperty("callBackFor").GetString());
            var tasks = await Json(await (await node.ClientAsync(responsible)).GetAsync($"/api/contact-tasks?executor={responsible}&contactId={contactId}"));
            var task = Assert.Single(tasks.EnumerateArray(), t => t.GetProperty("kind").GetString() == "call-back");
            Assert.Contains("missed call (no end)", task.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task Ami_style_events_take_the_second_path_to_the_same_model()
    {
        var pbx = await Pbx();
        var caller = NewNumber();
        var linked = $"{Random.Shared.Next(1_700_000_000, 1_800_000_000)}.{Random.Shared.Next(1, 999)}";
        object Ami(string kind, double ts, object? extra = null)
        {
            var body = new Dictionary<string, string> { ["Event"] = kind, ["Uniqueid"] = linked, ["Linkedid"] = linked, ["CallerIDNum"] = caller, ["Exten"] = "84952233211", ["Timestamp"] = ts.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var p in extra?.GetType().GetProperties() ?? [])
            {
                body[p.Name] = (string)p.GetValue(extra)!;
            }

            return body;
        }

        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/ami", Ami("Newchannel", 1_790_010_000.5, new { CallerIDName = "Boris" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/ami", Ami("Newstate", 1_790_010_001, new { ChannelStateDesc = "Ringing" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/ami", Ami("Hangup", 1_790_010_020, new { Cause = "17", DialStatus = "BUSY" }))).StatusCode);
        // The same event in AMI's own wire format is the same event (a duplicate).
        var wire = new StringContent($"Event: Newstate\r\nUniqueid: {linked}\r\nLinkedid: {linked}\r\nChannelStateDesc: Ringing\r\nCallerIDNum: {caller}\r\nTimestamp: 1790010001\r\n\r\n",
            Encoding.UTF8, "text/plain");
        Assert.True((await Json(await pbx.PostAsync("/api/telephony/ami", wire))).GetProperty("duplicate").GetBoolean());
        var bad = await pbx.PostAsJsonAsync("/api/telephony/ami", new { Event = "Hangup", Timestamp = "1" });
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("Uniqueid", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await Pbx(null)).PostAsJsonAsync("/api/telephony/ami", Ami("Newchannel", 1))).StatusCode);

        var staff = await Node.ClientAsync("s.volkov");
        var call = await Settled(staff, linked);
        Assert.Equal(("busy", "industrial"), (call.GetProperty("outcome").GetString(), call.GetProperty("department").GetString()));
        Assert.False(string.IsNullOrEmpty(call.GetProperty("callBackTaskFor").GetString()));
        var lead = Assert.Single((await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(caller)}"))).EnumerateArray());
        Assert.Equal("Boris", lead.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Sip_tel_and_percent_escaped_caller_ids_are_read_and_an_unmapped_number_is_triage_in_the_call_log_too()
    {
        var pbx = await Pbx();
        var staff = await Node.ClientAsync("s.volkov");
        var unmapped = "+74959990000";
        foreach (var (form, number) in new (Func<string, string>, string)[]
        {
            (n => $"sip:{n}@pbx.example;user=phone", NewNumber()),
            (n => $"tel:{n[..2]}-{n[2..5]}-{n[5..8]}-{n[8..]}", NewNumber()),
            (n => Uri.EscapeDataString($"{n[..2]} {n[2..5]} {n[5..]}"), NewNumber()),
            (n => $"\"Ivan\" <sip:{n}@10.0.0.5>", NewNumber()),
        })
        {
            var id = $"uri-{Guid.NewGuid():N}";
            var body = new { @event = "incoming", call_id = id, caller = form(number), called = unmapped, ts = 1_790_020_000.0 };
            Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/calls", body)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/calls", body with { @event = "hangup", ts = 1_790_020_030.0 })).StatusCode);
            var lead = await Until(async () => (await Json(await staff.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(number)}"))).EnumerateArray()
                .FirstOrDefault() is { ValueKind: JsonValueKind.Object } l ? l : null, $"a lead for {form(number)}");
            Assert.Equal((number, "triage"), (lead.GetProperty("phone").GetString(), lead.GetProperty("department").GetString()));
            var call = await Settled(staff, id);
            Assert.Equal("triage", call.GetProperty("department").GetString());
        }

        foreach (var bad in new[] { "sip:alice@pbx.example", "+7%ZZ916", "tel:+7916+1", "DROP TABLE" })
        {
            var response = await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = $"bad-{Guid.NewGuid():N}", caller = bad, called = unmapped, ts = 1_790_020_000.0 });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("caller", out _), bad);
        }

        // A withheld number is still a call (logged, nobody to make a lead for), not a refusal.
        Assert.Equal(HttpStatusCode.Accepted, (await pbx.PostAsJsonAsync("/api/telephony/calls",
            new { @event = "incoming", call_id = $"anon-{Guid.NewGuid():N}", caller = "sip:anonymous@anonymous.invalid", called = unmapped, ts = 1_790_020_000.0 })).StatusCode);
    }
}

/// <summary>Leads on PostgreSQL across a node restart, and the web form's rate limit (each on a node of its own).</summary>
[Trait("Category", "Integration")]
public class LeadPersistenceTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_known_number_is_still_known_after_a_restart_and_its_inquiry_joins_the_same_lead()
    {
        var db = await TestDatabase.CreateAsync();
        var phone = $"+7 916 {Random.Shared.Next(1_000_000, 9_999_999)}";
        Guid leadId;
        await using (var node = await TestNode.StartAsync(db, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings())))
        {
            var anonymous = await node.ClientAsync();
            Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", name = "Vera", phone, message = "A pump" })).StatusCode);
            leadId = Assert.Single((await Json(await (await node.ClientAsync("s.volkov")).GetAsync("/api/leads?status=all"))).EnumerateArray()).GetProperty("id").GetGuid();
        }

        await using (var node = await TestNode.StartAsync(db, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings())))
        {
            var anonymous = await node.ClientAsync();
            await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", name = "Vera", phone = "8" + phone.Replace(" ", "")[2..], message = "Any news?" });
            var staff = await node.ClientAsync("s.volkov");
            var lead = Assert.Single((await Json(await staff.GetAsync("/api/leads?status=all"))).EnumerateArray());
            Assert.Equal((leadId, 2), (lead.GetProperty("id").GetGuid(), lead.GetProperty("inquiries").GetInt32()));
            var view = await Json(await staff.GetAsync($"/api/leads/{leadId}"));
            Assert.Equal("Assigned", view.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task The_demo_seeds_a_few_leads_once_through_the_real_intake()
    {
        var db = await TestDatabase.CreateAsync();
        for (var start = 0; start < 2; start++)
        {
            await using var node = await TestNode.StartAsync(db, demoDeals: true, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings()));
            var leads = (await Json(await (await node.ClientAsync("s.volkov")).GetAsync("/api/leads?status=all"))).EnumerateArray().ToList();
            Assert.Equal(5, leads.Count);
            Assert.Equal(2, leads.Single(l => l.GetProperty("company").GetString() == "Kama Plastics").GetProperty("inquiries").GetInt32());
            Assert.Equal(["industrial", "industrial", "projects", "training", "triage"], leads.Select(l => l.GetProperty("department").GetString()).Order());
        }
    }

    [Fact]
    public async Task The_web_form_is_rate_limited_per_client_address()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings(permitsPerMinute: 3)));
        var anonymous = await node.ClientAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", phone = $"+7916000000{i}" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // Staff endpoints are not limited by the form's policy.
        Assert.Equal(HttpStatusCode.OK, (await (await node.ClientAsync("s.volkov")).GetAsync("/api/leads")).StatusCode);
    }
}
