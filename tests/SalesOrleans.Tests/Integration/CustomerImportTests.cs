using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>The customer base import: companies and contacts from CSV/XLSX, and a call from an imported number is a known customer's.</summary>
[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class CustomerImportTests(LeadNodeFixture fixture)
{
    private const string IndustrialDid = "+74952233211";

    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Upload(HttpClient client, string url, byte[] content, string fileName, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync(url, new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static (int Rows, int Applied, int Unchanged) Counts(JsonElement report) =>
        (report.GetProperty("rows").GetInt32(), report.GetProperty("applied").GetInt32(), report.GetProperty("unchanged").GetInt32());

    private static List<(int Row, string? Field)> Rejected(JsonElement report) =>
        report.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString())).ToList();

    private static async Task<JsonElement> Get(HttpClient client, string url) => JsonDocument.Parse(await client.GetStringAsync(url)).RootElement;

    private static string NewMobile() => $"916{Random.Shared.Next(0, 10_000_000):D7}";

    private static byte[] Xlsx(IEnumerable<Dictionary<string, object>> rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    [Fact]
    public async Task Companies_and_contacts_import_row_by_row_a_second_run_changes_nothing_and_an_imported_caller_makes_no_lead()
    {
        var admin = await Node.ClientAsync("admin");
        var u = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var inn = $"77{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}";

        // Companies (CSV): the division comes before its group; three rows are bad.
        var companies = Encoding.UTF8.GetBytes($"""
            externalId,name,inn,parent,region,segment,department
            D-{u},Uralmash Pumps,{inn},G-{u},Sverdlovsk,key account,industrial
            G-{u},Uralmash Group,,,Sverdlovsk,key account,industrial
            ,No Key LLC,,,,,
            B-{u},Bad Inn,123,,,,
            X-{u},Orphan Works,,NOPE-{u},,,

            """);
        var first = await Upload(admin, "/api/import/companies", companies, "companies.csv");
        var second = await Upload(admin, "/api/import/companies", companies, "companies.csv");

        Assert.Equal((5, 2, 0), Counts(first));
        Assert.Equal([(4, "externalId"), (5, "inn"), (6, "parent")], Rejected(first));
        Assert.Equal((5, 0, 2), Counts(second));
        Assert.Equal(Rejected(first), Rejected(second));
        var groupId = CustomerRecords.CompanyId($"ext:G-{u}");
        var divisionId = CustomerRecords.CompanyId($"ext:D-{u}");
        var group = await Get(admin, $"/api/companies/{groupId}");
        var division = await Get(admin, $"/api/companies/{divisionId}");
        Assert.Equal([divisionId], group.GetProperty("divisions").EnumerateArray().Select(d => d.GetGuid()));
        Assert.Equal((groupId, inn, "Sverdlovsk", "key account", "industrial"), (division.GetProperty("parentId").GetGuid(), division.GetProperty("inn").GetString(),
            division.GetProperty("region").GetString(), division.GetProperty("segment").GetString(), division.GetProperty("department").GetString()));
        var orphan = await admin.GetAsync($"/api/companies/{CustomerRecords.CompanyId($"ext:X-{u}")}");
        Assert.Equal(HttpStatusCode.NotFound, orphan.StatusCode);

        // Contacts (XLSX): the company is named by its INN; three rows are bad and change nothing.
        var mobile = NewMobile();
        var stranger = NewMobile();
        var contacts = Xlsx(
        [
            new() { ["externalId"] = $"P-{u}", ["name"] = "Anna Petrova", ["phones"] = $"+7 {mobile[..3]} {mobile[3..6]}-{mobile[6..8]}-{mobile[8..]}; 8 495 111-22-33",
                ["email"] = $"Anna.Petrova.{u}@Uralmash.example", ["company"] = inn, ["position"] = "chief buyer", ["responsible"] = "i.petrov" },
            new() { ["externalId"] = "", ["name"] = "Nobody Reachable", ["phones"] = "", ["email"] = "", ["company"] = "", ["position"] = "", ["responsible"] = "" },
            new() { ["externalId"] = "", ["name"] = "Bad Number", ["phones"] = "12", ["email"] = "", ["company"] = "", ["position"] = "", ["responsible"] = "" },
            new() { ["externalId"] = "", ["name"] = "Ghost", ["phones"] = $"+7{stranger}", ["email"] = "", ["company"] = $"NOPE-{u}", ["position"] = "", ["responsible"] = "" },
        ]);
        var imported = await Upload(admin, "/api/import/contacts", contacts, "contacts.xlsx");
        var contactId = CustomerRecords.ContactId($"ext:P-{u}");
        var contact = await Get(admin, $"/api/contacts/{contactId}");
        var again = await Upload(admin, "/api/import/contacts", contacts, "contacts.xlsx");

        Assert.Equal((4, 1, 0), Counts(imported));
        Assert.Equal([(3, "phone"), (4, "phone"), (5, "company")], Rejected(imported));
        Assert.Equal((4, 0, 1), Counts(again));
        Assert.Equal(Rejected(imported), Rejected(again));
        Assert.Equal(contact.GetProperty("seq").GetInt64(), (await Get(admin, $"/api/contacts/{contactId}")).GetProperty("seq").GetInt64());
        Assert.Equal(("Customer", "Uralmash Pumps", divisionId, "chief buyer", "i.petrov", "industrial"), (contact.GetProperty("kind").GetString(),
            contact.GetProperty("company").GetString(), contact.GetProperty("companyId").GetGuid(), contact.GetProperty("position").GetString(),
            contact.GetProperty("responsible").GetString(), contact.GetProperty("department").GetString()));
        Assert.Equal([$"+7{mobile}", "+74951112233"], contact.GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal([$"anna.petrova.{u.ToLowerInvariant()}@uralmash.example"], contact.GetProperty("emails").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/contacts/{CustomerRecords.ContactId($"phone:+7{stranger}")}")).StatusCode);

        // The customer calls from the mobile written nationally: known, no lead, the call joins her history.
        var pbx = await Node.ClientAsync();
        pbx.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);
        var callId = $"call-{Guid.NewGuid():N}";
        var incoming = await pbx.PostAsJsonAsync("/api/telephony/calls", new Dictionary<string, object?>
        {
            ["event"] = "incoming", ["call_id"] = callId, ["caller"] = $"8 ({mobile[..3]}) {mobile[3..6]}-{mobile[6..8]}-{mobile[8..]}", ["called"] = IndustrialDid, ["ts"] = 1_790_100_000,
        });
        Assert.True(incoming.IsSuccessStatusCode, await incoming.Content.ReadAsStringAsync());

        var journal = await Poll.Until(async () => await Get(admin, $"/api/contacts/{contactId}/journal") is var entries
                && entries.EnumerateArray().Any(e => e.GetProperty("text").GetString()!.Contains(callId)) ? entries : (JsonElement?)null,
            "the call never joined the imported contact's history", 10);
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "Inquiry" && e.GetProperty("text").GetString()!.Contains(callId));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "Notified" && e.GetProperty("subject").GetString() == "i.petrov");
        var after = await Get(admin, $"/api/contacts/{contactId}");
        Assert.Equal((1, JsonValueKind.Null), (after.GetProperty("inquiries").GetInt32(), after.GetProperty("openLeadId").ValueKind));
        Assert.Empty((await Get(admin, $"/api/leads?status=all&search={Uri.EscapeDataString(mobile)}")).EnumerateArray());

        // Against that: the number of the rejected row was never registered, so its call makes a lead as any stranger's does.
        await pbx.PostAsJsonAsync("/api/telephony/calls", new Dictionary<string, object?>
        {
            ["event"] = "incoming", ["call_id"] = $"call-{Guid.NewGuid():N}", ["caller"] = $"+7{stranger}", ["called"] = IndustrialDid, ["ts"] = 1_790_100_010,
        });
        var leads = await Poll.Until(async () => (await Get(admin, $"/api/leads?status=all&search={Uri.EscapeDataString(stranger)}")).GetArrayLength() is > 0 and var n ? n : (int?)null,
            "the stranger's call never made a lead", 10);
        Assert.Equal(1, leads);
    }

    [Fact]
    public async Task Only_supervisors_and_admins_import_the_customer_base_and_a_file_that_is_no_table_is_refused()
    {
        var csv = Encoding.UTF8.GetBytes("externalId,name\nM-1,Managers Own\n");
        var manager = await Node.ClientAsync("i.petrov");
        var supervisor = await Node.ClientAsync("s.volkov");

        await Upload(manager, "/api/import/companies", csv, "companies.csv", HttpStatusCode.Forbidden);
        await Upload(manager, "/api/import/contacts", csv, "contacts.csv", HttpStatusCode.Forbidden);
        var refused = await Upload(supervisor, "/api/import/contacts", csv, "contacts.pdf", HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/companies/{CustomerRecords.CompanyId("ext:M-1")}")).StatusCode);
    }
}
