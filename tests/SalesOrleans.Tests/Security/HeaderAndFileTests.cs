using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using SalesOrleans.Web;
using SalesOrleans.Web.Api;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Security;

public sealed record ExportProbe(string Name, string? Company, int Quantity, decimal Amount);

/// <summary>Issue 14, part 7: response headers, uploaded files served as downloads, spreadsheet formulas in CSV exports.</summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed partial class HeaderAndFileTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Pages_and_API_answers_carry_a_CSP_without_inline_scripts_nosniff_and_no_framing()
    {
        var anonymous = new HttpClient { BaseAddress = fixture.Node.Address };
        foreach (var path in new[] { "/board.html", "/login.html", "/api/deals", "/health/live" })
        {
            var response = await anonymous.GetAsync(path);
            var csp = string.Join(";", response.Headers.TryGetValues("Content-Security-Policy", out var v) ? v : []);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotMatch("script-src[^;]*unsafe-inline", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"), path);
        }

        // The dashboard (third-party page with inline code) has a policy of its own and still loads for an admin.
        var dashboard = await (await fixture.Node.ClientAsync("admin")).GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(SecurityHeaders.DashboardPolicy, dashboard.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("board.html")]
    [InlineData("deal.html")]
    [InlineData("leads.html")]
    [InlineData("login.html")]
    [InlineData("orders.html")]
    [InlineData("stock.html")]
    [InlineData("supervisor.html")]
    [InlineData("tasks.html")]
    [InlineData("analytics.html")]
    [InlineData("account.html")]
    public async Task No_page_has_an_inline_script_or_event_handler_attribute(string page)
    {
        var html = await new HttpClient { BaseAddress = fixture.Node.Address }.GetStringAsync("/" + page);
        Assert.Empty(InlineScript().Matches(html));
        Assert.Empty(HandlerAttribute().Matches(html));
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_uploaded_HTML_file_is_served_as_an_octet_stream_attachment_and_a_PDF_keeps_its_type()
    {
        var client = fixture.Bearer();

        async Task<HttpResponseMessage> UploadAndFetch(string fileName, string contentType, string content)
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
            file.Headers.ContentType = new(contentType);
            var upload = await client.PostAsync($"/api/deals/{fixture.DealId}/documents", new MultipartFormDataContent { { new StringContent("contract"), "kind" }, { file, "file", fileName } });
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            return await client.GetAsync(upload.Headers.Location);
        }

        var html = await UploadAndFetch("angebot.html", "text/html", "<script>fetch('/api/tokens',{method:'POST'})</script>");
        Assert.Equal("application/octet-stream", html.Content.Headers.ContentType?.MediaType);   // before: text/html
        Assert.Equal("attachment", html.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", html.Headers.GetValues("X-Content-Type-Options").Single());

        var svg = await UploadAndFetch("logo.svg", "image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
        Assert.Equal("application/octet-stream", svg.Content.Headers.ContentType?.MediaType);

        var pdf = await UploadAndFetch("Договор.pdf", "application/pdf", "%PDF-1.4 test");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task Csv_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped_and_numbers_stay_numbers()
    {
        var rows = new[]
        {
            new ExportProbe("=HYPERLINK(\"http://evil.example\",\"Rechnung\")", "+cmd|' /C calc'!A0", -5, -12.5m),
            new ExportProbe("@SUM(A1:A9)", "-2+3", 1, 0m),
            new ExportProbe("\tTab", "\rCR", 2, 1m),
            new ExportProbe("+49 (30) 555-0123", "+cmd|calc", 4, 2m),
            new ExportProbe("Ольга Смирнова", "Müller & Söhne GmbH", 3, 1000.25m),
        };
        using var output = new MemoryStream();
        await ReportExport.WriteCsvAsync(output, rows.ToAsyncEnumerable(), CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Name,Company,Quantity,Amount", lines[0]);
        Assert.Equal("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Rechnung\"\")\",'+cmd|' /C calc'!A0,-5,-12.5", lines[1]);
        Assert.Equal("'@SUM(A1:A9),'-2+3,1,0", lines[2]);
        Assert.StartsWith("'\tTab,\"'\rCR\"", lines[3] + "\r\n" + lines[4]);
        Assert.Equal("+49 (30) 555-0123,'+cmd|calc,4,2", lines[^2]);   // a phone number stays importable; a command does not
        Assert.Equal("Ольга Смирнова,Müller & Söhne GmbH,3,1000.25", lines[^1]);
    }

    [Fact]
    public async Task A_formula_sent_through_the_public_web_form_reaches_the_contact_export_as_text()
    {
        var marker = $"{Guid.NewGuid():N}"[..8];
        var anonymous = new HttpClient { BaseAddress = fixture.Node.Address };
        var sent = await anonymous.PostAsJsonAsync("/api/leads/webform", new
        {
            submissionId = $"csv-{marker}",
            name = $"=HYPERLINK(\"http://evil.example/{marker}\")",
            email = $"formula.{marker}@example.com",
            company = $"+cmd|' /C calc'!A0 {marker}",
            message = "Bitte um Rückruf",
            topic = "training",
        });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        var admin = await fixture.Node.ClientAsync("admin");
        var line = await Poll.Until(async () => (await admin.GetStringAsync("/api/exports/contacts?format=csv"))
            .Split("\r\n").FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal)), "the web form's contact in the CSV export", 30);
        Assert.DoesNotContain(",=", line);
        Assert.DoesNotContain(",+", line);
        Assert.Contains("'+cmd", line);
        Assert.Contains("'=HYPERLINK", line);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HandlerAttribute();
}
