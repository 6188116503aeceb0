using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Domain.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>A node of its own: these tests change the departments' routing keywords every lead test relies on.</summary>
public sealed class RoutingKeywordNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings()));

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[Trait("Category", "Integration")]
public class RoutingKeywordsApiTests(RoutingKeywordNodeFixture fixture) : IClassFixture<RoutingKeywordNodeFixture>
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    private static string NewNumber() => $"0221 {Random.Shared.Next(100, 1000)} {Random.Shared.Next(1000, 10000)}";

    private async Task<string?> DepartmentOfLead(string name)
    {
        var head = await Node.ClientAsync("admin");
        JsonElement lead = default;
        await Poll.Until(async () =>
        {
            var list = await Json(await head.GetAsync($"/api/leads?status=all&search={Uri.EscapeDataString(name)}"));
            if (list.GetArrayLength() != 1)
            {
                return false;
            }

            lead = list[0];
            return true;
        }, $"the lead of {name}", seconds: 30);
        return lead.GetProperty("department").ValueKind == JsonValueKind.Null ? null : lead.GetProperty("department").GetString();
    }

    private async Task<string?> SubmitGermanForm(string message)
    {
        var anonymous = await Node.ClientAsync();
        var name = $"Jürgen Weiß {Guid.NewGuid():N}"[..24];
        var response = await anonymous.PostAsJsonAsync("/api/leads/webform", new
        {
            submissionId = $"form-{Guid.NewGuid():N}", name, phone = "+49 " + NewNumber()[1..], company = "Kälte-Technik Köln GmbH", message,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await DepartmentOfLead(name);
    }

    [Theory]
    [InlineData("Wir benötigen zwei Tauchpumpen", "industrial")]
    [InlineData("Angebot für einen Schraubenkompressor", "industrial")]
    [InlineData("Нужны насосы для котельной", "industrial")]
    [InlineData("Запрос на компрессор", "industrial")]
    [InlineData("Schulung für 8 Mitarbeiter", "training")]
    [InlineData("Обучение бухгалтеров Excel", "training")]
    [InlineData("Внедрение ERP на трёх заводах", "projects")]
    [InlineData("Einführung eines ERP-Systems", "projects")]
    public async Task The_shipped_routing_keywords_read_german_and_russian(string need, string department)
    {
        var shipped = await Node.Services.GetRequiredService<RoutingKeywordStore>().LoadAllAsync();
        Assert.Equal(department, new KeywordMatcher(shipped).Match(need)?.Department);
    }

    [Fact]
    public async Task A_german_web_form_lead_routes_by_a_keyword_the_admin_just_added()
    {
        // Nobody sells refrigerators yet: the lead goes to triage (the department of unrouted leads).
        Assert.Equal("triage", await SubmitGermanForm("Wir suchen drei Kühlschränke für die Kantine, bitte um Angebot."));

        var admin = await Node.ClientAsync("admin");
        var saved = await Ok(await admin.PutAsJsonAsync("/api/admin/departments/projects/keywords",
            new { keywords = new Dictionary<string, string[]> { ["de"] = ["Kühlschrank", "Kältetechnik"], ["ru"] = ["холодильник"] } }));
        Assert.Equal(["Kühlschrank", "Kältetechnik"], saved.GetProperty("keywords").GetProperty("de").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["ERP"], saved.GetProperty("keywords").GetProperty("en").EnumerateArray().Select(k => k.GetString()));

        Assert.Equal("projects", await SubmitGermanForm("Guten Tag, wir suchen drei KUEHLSCHRAENKE für die Kantine."));
        Assert.Equal("projects", await SubmitGermanForm("Angebot für Kühlschränke (Gastronomie), Lieferung nach Köln"));

        // The list page shows them too; clearing the German list stops the routing.
        var departments = await Ok(await admin.GetAsync("/api/admin/departments"));
        var projects = departments.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "projects");
        Assert.Equal(["холодильник"], projects.GetProperty("keywords").GetProperty("ru").EnumerateArray().Select(k => k.GetString()));
        await Ok(await admin.PutAsJsonAsync("/api/admin/departments/projects/keywords", new { keywords = new Dictionary<string, string[]> { ["de"] = [] } }));
        Assert.Equal("triage", await SubmitGermanForm("Noch ein Kühlschrank bitte"));
    }

    [Fact]
    public async Task A_keyword_written_by_another_node_reaches_this_one_by_the_directory_notification()
    {
        // Another node's change: the table and the NOTIFY, without this node's own reload.
        await Node.Services.GetRequiredService<RoutingKeywordStore>().ReplaceAsync("training",
            new Dictionary<string, string[]> { ["de"] = ["Schulung", "Seminar", "Kurs", "Gabelstaplerschein"] }, "other-node");
        await Node.Services.GetRequiredService<CalendarStore>().NotifyDirectoryChangedAsync();
        var directory = Node.Services.GetRequiredService<UserDirectory>();
        await Poll.Until(() => Task.FromResult(directory.KeywordMatcher.Match("Gabelstaplerscheine für 4 Fahrer")?.Department == "training"),
            "the node reloads the keywords on the notification (well before the 30 s poll)", seconds: 20);
        Assert.Equal("training", await SubmitGermanForm("Wir brauchen Gabelstaplerscheine für vier Fahrer"));
    }

    [Fact]
    public async Task Bad_keyword_lists_are_refused_naming_the_field_and_change_nothing()
    {
        var admin = await Node.ClientAsync("admin");
        async Task Refused(object keywords, string field)
        {
            var response = await admin.PutAsJsonAsync("/api/admin/departments/industrial/keywords", new { keywords });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await Json(response);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} in {problem}");
        }

        await Refused(new Dictionary<string, string[]> { ["de"] = ["Pumpe", ""] }, "keywords.de[1]");
        await Refused(new Dictionary<string, string[]> { ["ru"] = [new string('н', 61)] }, "keywords.ru[0]");
        await Refused(new Dictionary<string, string[]> { ["de"] = ["Pumpe", "PUMPE"] }, "keywords.de[1]");
        await Refused(new Dictionary<string, string[]> { ["ru"] = ["ёмкость", "емкость"] }, "keywords.ru[1]");
        await Refused(new Dictionary<string, string[]> { ["fr"] = ["pompe"] }, "keywords.fr");
        await Refused(new Dictionary<string, string[]>(), "keywords");
        var after = await Ok(await admin.GetAsync("/api/admin/departments/industrial/keywords"));
        Assert.Contains("Pumpe", after.GetProperty("keywords").GetProperty("de").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task A_department_head_edits_their_own_departments_keywords_only()
    {
        var volkov = await Node.ClientAsync("s.volkov"); // head of industrial
        var body = new { keywords = new Dictionary<string, string[]> { ["ru"] = ["насос", "компрессор", "климатическ", "вакуумный насос"] } };
        var own = await Ok(await volkov.PutAsJsonAsync("/api/admin/departments/industrial/keywords", body));
        Assert.Contains("вакуумный насос", own.GetProperty("keywords").GetProperty("ru").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await volkov.PutAsJsonAsync("/api/admin/departments/training/keywords", body)).StatusCode);
        var manager = await Node.ClientAsync("i.petrov");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync("/api/admin/departments/industrial/keywords", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await Node.ClientAsync("admin")).PutAsJsonAsync("/api/admin/departments/nowhere/keywords", body)).StatusCode);
    }
}
