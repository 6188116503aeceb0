using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Tests.Support;
using SalesOrleans.Silo.Seeding;
using SalesOrleans.Web.Auth;
using Xunit.Abstractions;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// The access model through the API: every endpoint declares its access; every role × endpoint × own/other department
/// answers what the matrix says; and one named test per finding of the trust issue (each failed before the access layer).
/// </summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed partial class AccessTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] PublicEndpoints = SecurityFixture.PublicEndpoints;

    [Fact]
    public void Every_endpoint_declares_its_access_in_the_route_table()
    {
        var routes = fixture.Routes();
        var undeclared = routes.Where(r => r.Endpoint.Metadata.GetMetadata<AccessDeclaration>() is null).Select(r => r.ToString()).ToList();
        Assert.True(undeclared.Count == 0, "No declared access: " + string.Join(", ", undeclared));
        Assert.Equal(PublicEndpoints, routes.Where(r => r.Endpoint.Metadata.GetMetadata<AccessDeclaration>() is PublicAccess).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        // Every route parameter a declaration names exists in its route.
        foreach (var route in routes)
        {
            if (route.Endpoint.Metadata.GetMetadata<AccessDeclaration>() is RequiresAccess { Resource: { } resource })
            {
                Assert.All(resource.Parameters, p => Assert.True(route.Template.Contains("{" + p, StringComparison.Ordinal), $"{route}: no route parameter '{p}'"));
            }
        }
    }

    [Fact]
    public async Task Every_documented_API_operation_declares_its_access()
    {
        // The OpenAPI document lists what a client sees; each of its operations must be a declared endpoint.
        var client = new HttpClient { BaseAddress = fixture.Node.Address };
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var declared = fixture.Routes().Where(r => r.Endpoint.Metadata.GetMetadata<AccessDeclaration>() is not null)
            .Select(r => $"{r.Method} {Normalize(r.Template)}").ToHashSet();
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {Normalize(p.Name)}")).ToList();
        Assert.True(operations.Count > 100, $"only {operations.Count} operations documented");
        var undeclared = operations.Where(o => !declared.Contains(o)).ToList();
        Assert.True(undeclared.Count == 0, "documented without a declaration: " + string.Join(", ", undeclared));
    }

    private static string Normalize(string template) => RouteParameter().Replace(template.Length > 1 ? template.TrimEnd('/') : template, "{}");

    /// <summary>
    /// The matrix walk: each role against every endpoint scoped by a deal, lead, contact, order, department or user, once for
    /// a resource of their own department (training; industrial for warehouse and engineer) and once for the other's.
    /// The answer must be what the matrix and the resource's facts decide: allowed (anything but 403 and the access 404),
    /// hidden (404 as if missing) or forbidden (403).
    /// </summary>
    [Fact]
    public async Task Every_role_on_every_scoped_endpoint_of_own_and_other_department_gets_what_the_matrix_says()
    {
        var users = new List<(string Name, string[] Roles, string? Department, HttpClient Client)>
        {
            ("admin", ["admin"], null, await fixture.Node.ClientAsync("admin")),
            ("e.keller", ["supervisor"], "training", await fixture.Node.ClientAsync("e.keller")),
            ("k.weber", ["manager"], "training", await fixture.Node.ClientAsync("k.weber")),
            ("n.marketing", ["marketer"], null, await fixture.Node.ClientAsync("n.marketing")),
            ("w.lager", ["warehouse"], "industrial", await fixture.Node.ClientAsync("w.lager")),
            ("t.engineer", ["engineer"], "industrial", await fixture.Node.ClientAsync("t.engineer")),
            ("integration", ["integration"], null, Bearer(DemoSeeder.DemoApiToken)),
        };
        var resolvers = fixture.Node.Services.GetRequiredService<ResourceResolvers>();
        var policy = fixture.Node.Services.GetRequiredService<AccessPolicy>();
        var targets = new Dictionary<ResourceKind, (string Training, string Industrial)>
        {
            [ResourceKind.Deal] = (fixture.DealId.ToString(), fixture.IndustrialDealId.ToString()),
            [ResourceKind.Lead] = (fixture.LeadId.ToString(), fixture.IndustrialLeadId.ToString()),
            [ResourceKind.Contact] = (fixture.ContactId.ToString(), fixture.IndustrialContactId.ToString()),
            [ResourceKind.Order] = (fixture.OrderId.ToString(), fixture.IndustrialOrderId.ToString()),
            [ResourceKind.Department] = ("training", "industrial"),
            [ResourceKind.User] = ("k.weber", "i.petrov"),
        };
        var routes = fixture.Routes()
            .Select(r => (Route: r, Access: r.Endpoint.Metadata.GetMetadata<AccessDeclaration>() as RequiresAccess))
            .Where(r => r.Access?.Resource is { } res && targets.ContainsKey(res.Kind))
            .ToList();
        Assert.True(routes.Count >= 45, $"only {routes.Count} scoped routes");

        var wrong = new List<string>();
        var sent = 0;
        foreach (var (route, access) in routes)
        {
            var resource = access!.Resource!;
            foreach (var key in new[] { targets[resource.Kind].Training, targets[resource.Kind].Industrial })
            {
                var path = Fill(route.Template, resource.Parameters[0], key);
                foreach (var (name, roles, department, client) in users)
                {
                    var matrix = await policy.MatrixAsync();
                    var facts = await resolvers.ResolveAsync(resource.Kind, [key]);
                    var subject = new AccessSubject(name, department);
                    var scope = matrix.ScopeOf(roles, access.Capability);
                    var readScope = ResourceRef.ReadOf(resource.Kind) is { } read ? matrix.ScopeOf(roles, read) : AccessScope.All;
                    var expected = scope == AccessScope.None
                        ? facts is not null && AccessMatrix.Reaches(readScope, subject, facts) ? AccessDecision.Forbidden : AccessDecision.Hidden
                        : AccessMatrix.Decide(scope, readScope, subject, facts);

                    var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), path)
                    {
                        Content = route.Method is "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
                    });
                    sent++;
                    var body = await response.Content.ReadAsStringAsync();
                    var hiddenAnswer = response.StatusCode == HttpStatusCode.NotFound && body.Contains(HiddenDetail(resource.Kind, key), StringComparison.Ordinal);
                    // The access layer's 403 names the capability; a 403 without it is the domain's own rule, past the access layer.
                    var refusedByAccess = response.StatusCode == HttpStatusCode.Forbidden && body.Contains("\"capability\"", StringComparison.Ordinal);
                    var actual = refusedByAccess ? AccessDecision.Forbidden
                        : hiddenAnswer ? AccessDecision.Hidden
                        : AccessDecision.Allowed;
                    if (actual != expected || (int)response.StatusCode is 401 or >= 500)
                    {
                        wrong.Add($"{name} {route.Method} {path} ({access.Capability.Name}, {resource.Kind} of {(key == targets[resource.Kind].Training ? "training" : "industrial")}): expected {expected}, got {(int)response.StatusCode} {Short(body)}");
                    }
                }
            }
        }

        output.WriteLine($"{sent} requests, {routes.Count} routes, {users.Count} users");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {sent}:\n" + string.Join("\n", wrong));
    }

    // --- One test per finding of the trust issue -------------------------------------------------------------

    [Fact]
    public async Task Finding_order_with_another_departments_deal_is_refused_as_if_the_deal_did_not_exist()
    {
        var weber = await fixture.Node.ClientAsync("k.weber");
        var orderId = Guid.NewGuid();
        var response = await weber.PostAsJsonAsync("/api/orders", new
        {
            id = orderId, customer = "ООО Волга Полимер", warehouse = "main", dealId = fixture.IndustrialDealId,
            lines = new[] { new { sku = "SKU-102", quantity = 1 } },
        });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"Deal {fixture.IndustrialDealId} does not exist.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.Node.ClientAsync("admin")).GetAsync($"/api/orders/{orderId}")).StatusCode);
    }

    [Fact]
    public async Task Finding_proposal_needs_document_rights_on_a_visible_deal()
    {
        var documentsBefore = await DocumentCount(fixture.IndustrialDealId);
        var weber = await fixture.Node.ClientAsync("k.weber");
        var hidden = await weber.PostAsync($"/api/deals/{fixture.IndustrialDealId}/proposal", null);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("i.petrov", await hidden.Content.ReadAsStringAsync());
        var keeper = await fixture.Node.ClientAsync("w.lager");
        Assert.Contains((await keeper.PostAsync($"/api/deals/{fixture.IndustrialDealId}/proposal", null)).StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
        Assert.Equal(documentsBefore, await DocumentCount(fixture.IndustrialDealId));
    }

    [Fact]
    public async Task Finding_lead_notes_need_lead_work_and_answer_no_contact_data_nor_deal()
    {
        var marketer = await fixture.Node.ClientAsync("n.marketing");
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/notes", new { text = "Nur gucken" })).StatusCode);
        var other = await fixture.Node.ClientAsync("i.petrov");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/notes", new { text = "Чужая заявка" })).StatusCode);
        var keeper = await fixture.Node.ClientAsync("w.lager");
        Assert.Equal(HttpStatusCode.NotFound, (await keeper.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/notes", new { text = "x" })).StatusCode);

        var weber = await fixture.Node.ClientAsync("k.weber");
        var noted = await weber.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/notes", new { text = "Ruft Montag zurück" });
        Assert.Equal(HttpStatusCode.OK, noted.StatusCode);
        var body = await noted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(fixture.LeadId, body.GetProperty("id").GetGuid());
        foreach (var leaked in new[] { "phone", "email", "name", "dealId", "contactId", "need" })
        {
            Assert.False(body.TryGetProperty(leaked, out _), $"a note answers '{leaked}'");
        }
    }

    [Theory]
    [InlineData("/api/telephony/calls")]
    [InlineData("/api/contact-tasks")]
    [InlineData("/api/queues/industrial")]
    [InlineData("/api/managers/i.petrov/workload")]
    [InlineData("/api/reservations")]
    public async Task Finding_unscoped_reads_are_refused_to_the_warehouse(string path)
    {
        var keeper = await fixture.Node.ClientAsync("w.lager");
        var expected = path == "/api/reservations" ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        Assert.Equal(expected, (await keeper.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Finding_companies_calls_and_workloads_are_scoped()
    {
        var admin = await fixture.Node.ClientAsync("admin");
        var company = await admin.PostAsJsonAsync("/api/companies", new { name = "Müller & Söhne GmbH" });
        var companyId = (await company.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var keeper = await fixture.Node.ClientAsync("w.lager");
        // No right to read companies: one that exists is answered as if it did not.
        Assert.Equal(HttpStatusCode.NotFound, (await keeper.GetAsync($"/api/companies/{companyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.Node.ClientAsync("k.weber")).GetAsync($"/api/companies/{companyId}")).StatusCode);
        // No right to calls at all: a call they cannot see does not exist for them.
        Assert.Equal(HttpStatusCode.NotFound, (await keeper.GetAsync("/api/telephony/calls/some-call")).StatusCode);

        // Workload of someone who does not exist: 404, not an empty 200; another department's manager: 403.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/managers/nobody.here/workload")).StatusCode);
        var keller = await fixture.Node.ClientAsync("e.keller");
        Assert.Equal(HttpStatusCode.Forbidden, (await keller.GetAsync("/api/managers/i.petrov/workload")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keller.GetAsync("/api/managers/k.weber/workload")).StatusCode);

        // Lists short of "all" hold to the department.
        var weber = await fixture.Node.ClientAsync("k.weber");
        var calls = await weber.GetFromJsonAsync<JsonElement>("/api/telephony/calls?limit=500");
        Assert.All(calls.EnumerateArray(), c => Assert.Equal("training", c.GetProperty("department").GetString()));
        var tasks = await keller.GetFromJsonAsync<JsonElement>("/api/contact-tasks?status=all&limit=1000");
        Assert.DoesNotContain(tasks.EnumerateArray(), t => t.GetProperty("executor").GetString() is "i.petrov" or "m.sokolova" or "s.volkov");
        Assert.Equal(HttpStatusCode.Forbidden, (await keller.GetAsync("/api/contact-tasks?executor=i.petrov")).StatusCode);
        var managers = await keller.GetFromJsonAsync<JsonElement>("/api/managers");
        Assert.DoesNotContain(managers.EnumerateArray(), m => m.GetProperty("user").GetString() == "i.petrov");
    }

    [Fact]
    public async Task Finding_supervisors_do_not_act_on_other_departments()
    {
        var keller = await fixture.Node.ClientAsync("e.keller");
        var lead = $"/api/leads/{fixture.IndustrialLeadId}";
        var refused = new (string Path, object Body)[]
        {
            (lead + "/assign", new { assignee = "k.weber" }),
            (lead + "/qualify", new { note = "mine now" }),
            (lead + "/disqualify", new { reason = "spam" }),
            (lead + "/convert", new { processKind = "training-sales", title = "Stolen" }),
            ($"/api/contacts/{fixture.IndustrialContactId}/tasks", new { title = "Call back", executor = "e.keller" }),
        };
        foreach (var (path, body) in refused)
        {
            var response = await keller.PostAsJsonAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await keller.PostAsJsonAsync("/api/queues/industrial/settings", new { capacity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await keller.PostAsJsonAsync("/api/queues/industrial/presence", new { user = "i.petrov", absent = true })).StatusCode);
        // Within her own department, but naming another department's people.
        Assert.Equal(HttpStatusCode.Forbidden, (await keller.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/assign", new { assignee = "i.petrov" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await keller.PostAsJsonAsync($"/api/contacts/{fixture.ContactId}/tasks", new { title = "Fremd", executor = "i.petrov" })).StatusCode);

        var industrial = await (await fixture.Node.ClientAsync("admin")).GetStringAsync("/api/processes/industrial-equipment");
        var publish = await keller.PostAsync("/api/processes", new StringContent(industrial, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        var lead2 = await (await fixture.Node.ClientAsync("admin")).GetFromJsonAsync<JsonElement>(lead);
        Assert.NotEqual("Disqualified", lead2.GetProperty("status").GetString());
        Assert.NotEqual("k.weber", lead2.GetProperty("assignee").GetString());
    }

    [Fact]
    public async Task Finding_a_reservation_of_another_departments_approved_order_cannot_be_released()
    {
        var admin = await fixture.Node.ClientAsync("admin");
        var petrov = await fixture.Node.ClientAsync("i.petrov");
        var volkov = await fixture.Node.ClientAsync("s.volkov");
        var orderId = Guid.NewGuid();
        (await petrov.PostAsJsonAsync("/api/orders", new { id = orderId, customer = "ООО Волга Полимер", warehouse = "main", lines = new[] { new { sku = "SKU-102", quantity = 1 } } })).EnsureSuccessStatusCode();
        (await petrov.PostAsync($"/api/orders/{orderId}/submit", null)).EnsureSuccessStatusCode();
        var approved = await volkov.PostAsJsonAsync($"/api/orders/{orderId}/approve", new { });
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());

        var reservation = (await WaitFor(admin, $"/api/reservations?order={orderId:N}&open=true", list => list.GetArrayLength() > 0, 10))[0];
        var id = reservation.GetProperty("reservationId").GetString();
        var path = $"/api/stock/SKU-102/reservations/{id}?warehouse=main";
        var weber = await fixture.Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.NotFound, (await weber.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await weber.PostAsJsonAsync($"/api/stock/SKU-102/reservations/{id}/releases", new { warehouse = "main", quantity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await weber.GetAsync(path)).StatusCode);
        Assert.DoesNotContain((await weber.GetFromJsonAsync<JsonElement>($"/api/reservations?order={orderId:N}")).EnumerateArray(), _ => true);
        var still = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.True(still.GetProperty("reserved").GetDecimal() > 0);
        Assert.Equal(HttpStatusCode.OK, (await petrov.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Finding_warehouse_and_engineer_set_no_deal_parameters_and_upload_no_documents()
    {
        var admin = await fixture.Node.ClientAsync("admin");
        var before = await admin.GetFromJsonAsync<JsonElement>($"/api/deals/{fixture.IndustrialDealId}");
        foreach (var who in new[] { "w.lager", "t.engineer" })
        {
            var client = await fixture.Node.ClientAsync(who);
            var parameters = await client.PostAsJsonAsync($"/api/deals/{fixture.IndustrialDealId}/parameters", new Dictionary<string, string> { ["paidAmount"] = "42000" });
            Assert.True(parameters.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{who} parameters: {(int)parameters.StatusCode}");
            var upload = new MultipartFormDataContent { { new StringContent("invoice"), "kind" }, { new ByteArrayContent("%PDF-1.4"u8.ToArray()), "file", "rechnung.pdf" } };
            var document = await client.PostAsync($"/api/deals/{fixture.IndustrialDealId}/documents", upload);
            Assert.True(document.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{who} document: {(int)document.StatusCode}");
        }

        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/deals/{fixture.IndustrialDealId}");
        Assert.Equal(before.GetProperty("parameters").GetRawText(), after.GetProperty("parameters").GetRawText());
        Assert.Equal(before.GetProperty("documents").GetArrayLength(), after.GetProperty("documents").GetArrayLength());
    }

    [Fact]
    public async Task Finding_warehouse_and_marketer_cannot_take_qualify_or_convert_leads()
    {
        var marketer = await fixture.Node.ClientAsync("n.marketing");
        var keeper = await fixture.Node.ClientAsync("w.lager");
        foreach (var action in new[] { "take", "qualify", "convert" })
        {
            var path = $"/api/leads/{fixture.IndustrialLeadId}/{action}";
            Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsJsonAsync(path, new { processKind = "industrial-equipment" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await keeper.PostAsJsonAsync(path, new { processKind = "industrial-equipment" })).StatusCode);
        }

        var me = await marketer.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.False(me.GetProperty("capabilities").TryGetProperty("lead.work", out _));
        Assert.Equal("all", me.GetProperty("capabilities").GetProperty("lead.read").GetString());
        var weber = await (await fixture.Node.ClientAsync("k.weber")).GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("department", weber.GetProperty("capabilities").GetProperty("lead.work").GetString());
    }

    [Fact]
    public async Task Finding_the_demo_integration_token_is_an_integration_not_a_supervisor()
    {
        var integration = Bearer(DemoSeeder.DemoApiToken);
        var me = await integration.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(["integration"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetAsync("/api/exports/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PostAsync("/api/processes", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PostAsJsonAsync($"/api/leads/{fixture.LeadId}/assign", new { assignee = "k.weber" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetAsync("/api/tasks")).StatusCode);
        // What it feeds, it reads: leads, their contacts, calls.
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/leads/{fixture.LeadId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/contacts/{fixture.ContactId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/telephony/calls")).StatusCode);
    }

    [Fact]
    public async Task Imports_refuse_a_marketer_before_the_upload_is_read()
    {
        var marketer = await fixture.Node.ClientAsync("n.marketing");
        foreach (var path in new[] { "/api/import/contacts", "/api/import/companies", "/api/import/skus" })
        {
            // 5 MB the server never asks for: "Expect: 100-continue" is answered with the refusal.
            var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new MultipartFormDataContent { { new ByteArrayContent(new byte[5 * 1024 * 1024]), "file", "kontakte.csv" } },
            };
            request.Headers.ExpectContinue = true;
            var response = await marketer.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_admin_changes_the_matrix_and_it_applies_at_once_and_a_manager_cannot()
    {
        var weber = await fixture.Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.Forbidden, (await weber.GetAsync("/api/access/matrix")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await weber.PutAsJsonAsync("/api/access/matrix", new[] { new { role = "manager", capability = "access.admin", scope = "all" } })).StatusCode);

        var admin = await fixture.Node.ClientAsync("admin");
        var matrix = await admin.GetFromJsonAsync<JsonElement>("/api/access/matrix");
        Assert.Contains(matrix.GetProperty("cells").EnumerateArray(), c =>
            c.GetProperty("role").GetString() == "manager" && c.GetProperty("capability").GetString() == "deal.read" && c.GetProperty("scope").GetString() == "department");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/access/matrix", new[] { new { role = "manager", capability = "deal.read", scope = "everything" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/access/matrix", new[] { new { role = "admin", capability = "access.admin", scope = "none" } })).StatusCode);

        try
        {
            var changed = await admin.PutAsJsonAsync("/api/access/matrix", new[] { new { role = "manager", capability = "analytics.read", scope = "none" } });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await weber.GetAsync("/api/analytics/funnel")).StatusCode);
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/access/matrix", new[] { new { role = "manager", capability = "analytics.read", scope = "department" } })).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.OK, (await weber.GetAsync("/api/analytics/funnel")).StatusCode);
    }

    [Fact]
    public async Task A_matrix_change_reaches_another_node_within_seconds()
    {
        // A second node on the same database: the policy reloads when its copy is older than AccessPolicy.Freshness.
        var policy = fixture.Node.Services.GetRequiredService<AccessPolicy>();
        var manager = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "k.weber"), new Claim(ClaimTypes.Role, "manager")], "test"));
        await using var db = Npgsql.NpgsqlDataSource.Create(fixture.Node.ConnectionString);
        await using (var insert = db.CreateCommand("INSERT INTO access_matrix (role, capability, scope, changed_by) VALUES ('manager', 'workload.read', 'None', 'other-node') ON CONFLICT (role, capability) DO UPDATE SET scope = 'None'"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        try
        {
            await Poll.Until(async () => await policy.ScopeAsync(manager, Capability.WorkloadRead) == AccessScope.None,
                "the change from the database was not applied within 6 s", 6);
        }
        finally
        {
            await using var delete = db.CreateCommand("DELETE FROM access_matrix WHERE role = 'manager' AND capability = 'workload.read'");
            await delete.ExecuteNonQueryAsync();
            // Let this node's copy go stale so the next read reloads the default back for the other tests.
            await Task.Delay(AccessPolicy.Freshness + TimeSpan.FromMilliseconds(200));
            await policy.ScopeAsync(manager, Capability.WorkloadRead);
        }
    }

    private HttpClient Bearer(string token)
    {
        var client = new HttpClient { BaseAddress = fixture.Node.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<int> DocumentCount(Guid dealId) =>
        (await (await fixture.Node.ClientAsync("admin")).GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}")).GetProperty("documents").GetArrayLength();

    private static string HiddenDetail(ResourceKind kind, string key) => kind switch
    {
        ResourceKind.Department => $"Unknown department '{key}'.",
        ResourceKind.User => $"Unknown user '{key}'.",
        _ => $"{kind} {key} does not exist.",
    };

    private static string Fill(string template, string resourceParameter, string key) =>
        RouteParameter().Replace(template, m => m.Groups["name"].Value == resourceParameter ? key
            : m.Groups["constraint"].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "nothing-here");

    private static string Short(string body) => body.Length > 200 ? body[..200] : body;

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z_]+)(?<constraint>:[^}?=]*)?[?]?(=[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
