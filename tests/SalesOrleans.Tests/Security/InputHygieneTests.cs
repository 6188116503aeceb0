using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// Issue 14, "input that poisons": control characters and values beyond what the database columns hold are refused at
/// the boundary with a 400 naming the field, write nothing, and leave the node serving everyone else.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed class InputHygieneTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertRefused(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected 400 for '{field}', got {(int)response.StatusCode} {body}");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"400 does not name '{field}': {body}");
    }

    [Fact]
    public async Task NUL_in_json_fields_is_refused_with_400_naming_the_field_and_nothing_is_written()
    {
        var manager = await fixture.Node.ClientAsync("k.weber");
        var anonymous = await fixture.Node.ClientAsync();
        var before = await fixture.SettledRowCountsAsync();

        await AssertRefused(await anonymous.PostAsync("/api/leads/webform", Json("""{"submissionId":"nul-1","name":"Anna\u0000","phone":"+49 30 555 1234","message":"Hallo"}""")), "name");
        await AssertRefused(await anonymous.PostAsync("/api/leads/webform", Json("""{"submissionId":"nul-2","name":"Anna","phone":"+49 30 555 1234","fields":{"region":"Bay\u0000ern"}}""")), "fields.region");
        await AssertRefused(await anonymous.PostAsync("/api/auth/login", Json("""{"userName":"adm\u0000in","password":"demo"}""")), "userName");
        await AssertRefused(await manager.PostAsync($"/api/deals/{fixture.DealId}/notes", Json("""{"text":"Звонок\u0000 клиенту"}""")), "text");
        await AssertRefused(await manager.PostAsync($"/api/deals/{fixture.DealId}/parameters", Json("""{"equipmentType":"clim\u0000atic"}""")), "equipmentType");
        await AssertRefused(await manager.PostAsync($"/api/deals/{fixture.DealId}/parameters", Json("""{"equip\u0000mentType":"climatic"}""")), "body");
        await AssertRefused(await manager.PostAsync($"/api/deals/{fixture.DealId}/tasks/any/complete", Json("""{"result":"done\u0007"}""")), "result");
        await AssertRefused(await manager.PostAsync($"/api/leads/{fixture.LeadId}/notes", Json("""{"text":"\u0000"}""")), "text");
        await AssertRefused(await manager.PostAsync($"/api/leads/{fixture.LeadId}/convert", Json("""{"processKind":"training-sales","title":"Kurs\u0000"}""")), "title");
        await AssertRefused(await manager.PostAsync("/api/leads", Json("""{"name":"Jörg\u0000","phone":"+49 30 555 9876","department":"training"}""")), "name");
        await AssertRefused(await manager.PostAsync("/api/orders", Json("""{"customer":"Hansa Print","warehouse":"main","lines":[{"sku":"SKU-102","quantity":1},{"sku":"SKU\u0000","quantity":1}]}""")), "lines[1].sku");
        await AssertRefused(await manager.PostAsync($"/api/orders/{fixture.OrderId}/contract", Json("""{"contractNumber":"K-1\u0000"}""")), "contractNumber");
        // Multi-line text stays allowed where people write it.
        var note = await manager.PostAsync($"/api/deals/{fixture.DealId}/notes", Json("""{"text":"Erste Zeile\r\nzweite\tZeile"}"""));
        Assert.True(note.IsSuccessStatusCode, await note.Content.ReadAsStringAsync());

        var after = await fixture.SettledRowCountsAsync();
        // The one accepted note: the deal's journal (and its projection) grows, nothing else.
        var written = after.Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key).ToList();
        Assert.All(written, t => Assert.Contains(t, new[] { "deal_activity", "deal", "deal_fact", "funnel_counter", "stage_visit" }));
    }

    [Fact]
    public async Task Control_characters_in_query_strings_route_values_and_forms_are_refused_by_name()
    {
        var admin = fixture.Bearer();
        await AssertRefused(await admin.GetAsync("/api/deals?search=%00"), "search");
        await AssertRefused(await admin.GetAsync("/api/deals?owner=k.weber%0A"), "owner");
        // A route value: Kestrel itself refuses NUL in a path (400 before routing); other control characters reach the check.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/catalog/skus/SKU%00102")).StatusCode);
        await AssertRefused(await admin.GetAsync("/api/catalog/skus/SKU%01102"), "code");
        await AssertRefused(await admin.GetAsync("/api/leads?search=a%01b"), "search");
        var anonymous = await fixture.Node.ClientAsync();
        // NUL in a form: ASP.NET Core's form reader refuses it itself; any other control character reaches the check.
        await AssertRefused(await anonymous.PostAsync("/api/leads/webform", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["submissionId"] = "form-nul", ["name"] = "Anna\0", ["phone"] = "+49 30 555 1234",
        })), "form");
        await AssertRefused(await anonymous.PostAsync("/api/leads/webform", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["submissionId"] = "form-bel", ["name"] = "Anna\u0007", ["phone"] = "+49 30 555 1234",
        })), "name");
    }

    [Fact]
    public async Task Numbers_and_dates_beyond_the_database_columns_are_refused_by_name()
    {
        var manager = await fixture.Node.ClientAsync("k.weber");
        var admin = fixture.Bearer();
        await AssertRefused(await manager.PostAsync("/api/deals", Json("""{"processKind":"training-sales","title":"Huge","company":"Hansa Print","amount":1e17}""")), "amount");
        await AssertRefused(await manager.PostAsync("/api/deals", Json("""{"processKind":"training-sales","title":"Huge","company":"Hansa Print","amount":9000000000000}""")), "amount");
        await AssertRefused(await manager.PostAsync("/api/deals", Json("""{"processKind":"training-sales","title":"Lines","company":"Hansa Print","lines":[{"sku":"X","name":"x","quantity":1e20,"price":1e20}]}""")), "lines[0].quantity");
        await AssertRefused(await manager.PostAsync("/api/deals", Json("""{"processKind":"training-sales","title":"Lines","company":"Hansa Print","lines":[{"sku":"X","name":"x","quantity":1000000,"price":9000000}]}""")), "lines[0].price");
        await AssertRefused(await manager.PostAsync("/api/orders", Json("""{"customer":"Hansa Print","warehouse":"main","lines":[{"sku":"SKU-102","quantity":900000000,"price":900000000}]}""")), "lines[0].price");
        await AssertRefused(await admin.GetAsync("/api/analytics/funnel?from=0001-01-01"), "from");
        await AssertRefused(await admin.GetAsync("/api/analytics/funnel?to=9999-12-31T23:59:59%2B00:00"), "to");
        await AssertRefused(await admin.GetAsync("/api/analytics/funnel?from=0001-01-01T00:00:00%2B14:00"), "from");
        await AssertRefused(await admin.PostAsync($"/api/orders/{fixture.OrderId}/invoices", Json("""{"amount":100,"dueDate":"0001-01-01"}""")), "dueDate");
        var fine = await admin.GetAsync("/api/analytics/funnel?from=2026-01-01&to=2026-12-31");
        Assert.True(fine.IsSuccessStatusCode, await fine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Telephony_bodies_with_invalid_UTF8_or_a_lone_surrogate_get_400_not_500()
    {
        var pbx = new HttpClient { BaseAddress = fixture.Node.Address };
        pbx.DefaultRequestHeaders.Add("X-Api-Key", fixture.Node.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Telephony:ApiKey"]);
        var surrogate = await pbx.PostAsync("/api/telephony/calls", Json("""{"event":"incoming","call_id":"lone-\ud800","caller":"+4930555","called":"100","ts":1767000000}"""));
        await AssertRefused(surrogate, "call_id");
        var bytes = Encoding.UTF8.GetBytes("""{"event":"incoming","call_id":"bad-utf8-X","caller":"+4930555","called":"100","ts":1767000000}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte with no continuation
        var invalid = await pbx.PostAsync("/api/telephony/calls", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var ami = await pbx.PostAsync("/api/telephony/ami", Json("""{"Event":"Newchannel","Uniqueid":"\udc00","CallerIDNum":"+4930555","Exten":"100"}"""));
        await AssertRefused(ami, "Uniqueid");
    }

    [Fact]
    public async Task Imports_refuse_control_characters_and_files_beyond_the_limits_fast_with_400_naming_the_limit()
    {
        var admin = await fixture.Node.ClientAsync("admin");
        var before = await fixture.SettledRowCountsAsync();

        var nul = Encoding.UTF8.GetBytes("name,inn\nHansa Print,7701234567\nBad\0Name,7701234568\n");
        Assert.Contains("Row 3", await Refused(admin, "/api/import/companies", nul, "companies.csv"));

        // 100,000 columns held a request for minutes: now refused in one pass.
        var wide = Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"c{i}")) + "\n" + new string(',', 99_999) + "\n");
        var clock = Stopwatch.StartNew();
        Assert.Contains("columns", await Refused(admin, "/api/import/contacts", wide, "contacts.csv"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");

        // A zip bomb: a small upload that unpacks beyond the limit.
        var bomb = Bomb(60 * 1024 * 1024);
        output.WriteLine($"bomb: {bomb.Length / 1024} KB");
        clock.Restart();
        Assert.Contains("unpacks", await Refused(admin, "/api/import/skus", bomb, "skus.xlsx"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        Assert.Contains("DTD", await Refused(admin, "/api/import/skus", WithDtd(), "skus.xlsx"));

        var after = await fixture.SettledRowCountsAsync();
        Assert.True(SecurityFixture.Same(before, after), "written: " + SecurityFixture.Diff(before, after));

        // Numeric cells a decimal cannot hold are a refused row, not a 500.
        using var xlsx = new MemoryStream();
        xlsx.SaveAs(new[]
        {
            new Dictionary<string, object> { ["code"] = "HUGE-1", ["name"] = "Huge", ["unit"] = "pcs", ["price"] = 1e300, ["kind"] = "Stocked" },
            new Dictionary<string, object> { ["code"] = "HUGE-2", ["name"] = "NaN", ["unit"] = "pcs", ["price"] = double.NaN, ["kind"] = "Stocked" },
            new Dictionary<string, object> { ["code"] = "HUGE-3", ["name"] = "Big", ["unit"] = "pcs", ["price"] = 1e20, ["kind"] = "Stocked" },
        });
        var report = await admin.PostAsync("/api/import/skus", new MultipartFormDataContent { { new ByteArrayContent(xlsx.ToArray()), "file", "skus.xlsx" } });
        var text = await report.Content.ReadAsStringAsync();
        Assert.True(report.StatusCode == HttpStatusCode.OK, text);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(0, json.GetProperty("applied").GetInt32());
        Assert.Equal(3, json.GetProperty("rejected").GetArrayLength());
    }

    [Fact]
    public async Task Customer_imports_need_the_CSRF_token_with_the_login_cookie()
    {
        var csv = Encoding.UTF8.GetBytes("name,inn\nCSRF Probe GmbH,7707083893\n");
        var cookies = new CookieContainer();
        var admin = await fixture.Node.ClientAsync(cookies: cookies);
        (await admin.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = "demo" })).EnsureSuccessStatusCode();
        foreach (var url in new[] { "/api/import/companies", "/api/import/contacts" })
        {
            var forged = await admin.PostAsync(url, new MultipartFormDataContent { { new ByteArrayContent(csv), "file", "rows.csv" } });
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains("CSRF", await forged.Content.ReadAsStringAsync());
        }

        var token = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/csrf")).GetProperty("token").GetString();
        admin.DefaultRequestHeaders.Add("X-CSRF-TOKEN", token);
        var real = await admin.PostAsync("/api/import/companies", new MultipartFormDataContent { { new ByteArrayContent(csv), "file", "rows.csv" } });
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
    }

    private static async Task<string> Refused(HttpClient client, string url, byte[] content, string fileName)
    {
        var response = await client.PostAsync(url, new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} {fileName}: {(int)response.StatusCode} {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("file", out _), body);
        return body;
    }

    /// <summary>A workbook whose sheet unpacks to <paramref name="unpacked"/> bytes of repeated rows.</summary>
    private static byte[] Bomb(int unpacked)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var sheet = archive.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open())
            {
                var row = Encoding.UTF8.GetBytes("<row><c t=\"inlineStr\"><is><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>");
                for (var written = 0; written < unpacked; written += row.Length)
                {
                    sheet.Write(row);
                }
            }
        }

        return zip.ToArray();
    }

    /// <summary>A real workbook whose sheet declares a DTD with an entity.</summary>
    private static byte[] WithDtd()
    {
        using var xlsx = new MemoryStream();
        xlsx.SaveAs(new[] { new Dictionary<string, object> { ["code"] = "DTD-1", ["name"] = "Dtd", ["unit"] = "pcs", ["price"] = 1, ["kind"] = "Stocked" } });
        using var result = new MemoryStream();
        xlsx.Position = 0;
        using (var source = new ZipArchive(xlsx, ZipArchiveMode.Read, leaveOpen: true))
        using (var target = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                var text = reader.ReadToEnd();
                if (entry.FullName.Contains("sheet1", StringComparison.Ordinal))
                {
                    var declaration = text.StartsWith("<?xml", StringComparison.Ordinal) ? text[..(text.IndexOf("?>", StringComparison.Ordinal) + 2)] : "";
                    text = declaration + "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + text[declaration.Length..];
                }

                using var writer = new StreamWriter(target.CreateEntry(entry.FullName).Open());
                writer.Write(text);
            }
        }

        return result.ToArray();
    }
}
