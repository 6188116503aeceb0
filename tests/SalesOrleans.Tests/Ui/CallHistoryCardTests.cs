using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Call history on the lead, contact and deal cards: a call reported by the PBX through POST /api/telephony/calls shows
/// on the lead a new caller's call made (the inbox's "History, calls and files", the contact's calls), on the deal card
/// once that lead is converted, and a company contact's call on the company page under the contact's name, each with
/// its outcome and duration in words.
/// The company page (the contact card) keeps what is being typed while such calls and a colleague's deals stream in.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class CallHistoryCardTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private static HttpClient Pbx(Uri address)
    {
        var pbx = new HttpClient { BaseAddress = address };
        pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
        return pbx;
    }

    /// <summary>One whole call as the PBX reports it: rings extension 301 (Klaus Weber) on the training line, answered, 42 s.</summary>
    private static async Task AnsweredCall(HttpClient pbx, string callId, string phone, string callerName)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var (@event, at, extension) in new (string, double, string?)[] { ("incoming", 0, null), ("ringing", 1, "301"), ("answered", 4, "301"), ("hangup", 46, "301") })
        {
            var sent = await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event, call_id = callId, caller = phone, called = "+78007759001", ts = ts + at, extension, caller_name = callerName });
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_call_through_the_PBX_webhook_shows_on_the_lead_the_contacts_company_and_the_deal_card()
    {
        var pbx = Pbx(fixture.Node.Address);
        var supervisor = await fixture.Node.ClientAsync("e.keller");

        // A new caller: the call makes the contact and the lead; the lead card (the contact's history) lists the call.
        var newCaller = $"+4940{Random.Shared.Next(1_000_000, 9_999_999)}";
        var firstCall = $"hist-{Guid.NewGuid():N}";
        await AnsweredCall(pbx, firstCall, newCaller, "Sabine Krüger");
        var lead = await Poll.Until(async () =>
        {
            var leads = JsonDocument.Parse(await supervisor.GetStringAsync("/api/leads?status=all&limit=500")).RootElement;
            return leads.EnumerateArray().Where(l => l.GetProperty("phone").GetString()?.EndsWith(newCaller[^7..], StringComparison.Ordinal) == true)
                .Select(l => l.GetRawText()).FirstOrDefault();
        }, "the call's lead");
        var leadJson = JsonDocument.Parse(lead).RootElement;
        var leadId = leadJson.GetProperty("id").GetString();

        var page = await fixture.LoginAsync("e.keller", $"/leads.html?id={leadId}");
        var row = page.Locator($"#leads tr[data-lead='{leadId}']");
        await row.WaitForAsync(Soon);
        await row.Locator("summary").ClickAsync();
        var onLead = row.Locator($".call-history tr[data-call='{firstCall}'][data-outcome='answered']");
        await onLead.WaitForAsync(Soon);
        Assert.Contains("42", await onLead.InnerTextAsync());

        // Converted by the one working it, the deal card lists the call.
        var worker = leadJson.TryGetProperty("assignee", out var assignee) && assignee.GetString() is { Length: > 0 } who ? who : "k.weber";
        var converted = await (await fixture.Node.ClientAsync(worker)).PostAsJsonAsync($"/api/leads/{leadId}/convert",
            new { processKind = "training-sales", company = "Nordlicht Seminare GmbH", needs = "Führungskräfte-Seminar für 10 Personen", legalDetails = "Nordlicht Seminare GmbH, Hamburg", contacts = "Sabine Krüger" });
        Assert.True(converted.IsSuccessStatusCode, await converted.Content.ReadAsStringAsync());
        var dealId = JsonDocument.Parse(await converted.Content.ReadAsStringAsync()).RootElement.GetProperty("dealId").GetString();
        await page.GotoAsync($"/deal.html?id={dealId}");
        var onDeal = page.Locator($"#calls .call-history tr[data-call='{firstCall}'][data-outcome='answered']");
        await onDeal.WaitForAsync(Soon);
        Assert.Contains("42", await onDeal.InnerTextAsync());

        // A company's contact calls: the company page (the contact card of the dossier) lists it under the contact's name.
        var companyName = $"Nordlicht Seminare GmbH {Guid.NewGuid().ToString("N")[..5]}";
        var company = await supervisor.PostAsJsonAsync("/api/companies", new { name = companyName });
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var companyId = JsonDocument.Parse(await company.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var phone = $"+4940{Random.Shared.Next(1_000_000, 9_999_999)}";
        var contact = await supervisor.PostAsJsonAsync($"/api/companies/{companyId}/contacts", new { name = "Hauke Petersen", position = "Personalleiter", phone });
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        var secondCall = $"hist-{Guid.NewGuid():N}";
        await AnsweredCall(pbx, secondCall, phone, "Petersen");
        await page.GotoAsync($"/company.html?id={companyId}");
        var onCompany = page.Locator($"#calls .call-history tr[data-call='{secondCall}'][data-outcome='answered']");
        await onCompany.WaitForAsync(Soon);
        Assert.Contains("Hauke Petersen", await onCompany.InnerTextAsync());
        Assert.Contains("answered", await onCompany.InnerTextAsync());
        Assert.Contains("42", await onCompany.InnerTextAsync());
    }

    [Fact]
    public async Task Typing_a_new_contact_on_the_company_page_survives_its_contacts_calls_and_a_colleagues_deals_streaming_in()
    {
        var supervisor = await fixture.Node.ClientAsync("e.keller");
        var companyName = $"Ostfriesland Akademie {Guid.NewGuid().ToString("N")[..5]}";
        var created = await supervisor.PostAsJsonAsync("/api/companies", new { name = companyName });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var companyId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var phone = $"+49491{Random.Shared.Next(1_000_000, 9_999_999)}";
        Assert.Equal(HttpStatusCode.Created, (await supervisor.PostAsJsonAsync($"/api/companies/{companyId}/contacts", new { name = "Gerd Oltmanns", phone })).StatusCode);

        var page = await fixture.LoginAsync("e.keller", $"/company.html?id={companyId}");
        await UiFixture.WaitLive(page);
        await page.Locator("#contacts td", new() { HasTextString = "Gerd Oltmanns" }).WaitForAsync(Soon);
        await page.FillAsync("#newContact input[name=name]", "Hilke Janssen-Ubbens");
        await page.FillAsync("#newContact input[name=phone]", $"+49 491 {Random.Shared.Next(100000, 999999)}");
        await page.FillAsync("#newDeal input[name=title]", "Plattdeutsch für Pflegekräfte");
        await page.Locator("#newContact input[name=position]").ClickAsync();
        await page.Keyboard.TypeAsync("Leiterin ", new() { Delay = 5 });

        // Meanwhile the contact calls twice (nobody answers) and a colleague opens two deals for the company.
        var pbx = Pbx(fixture.Node.Address);
        var colleague = await fixture.Node.ClientAsync("k.weber");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var calls = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var callId = $"type-{Guid.NewGuid():N}";
            calls.Add(callId);
            foreach (var (@event, at) in new[] { ("incoming", 0.0), ("no_answer", 20.0) })
            {
                Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event, call_id = callId, caller = phone, called = "+78007759001", ts = ts + (i * 100) + at })).IsSuccessStatusCode);
            }

            Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = $"Kommunikation {i}", amount = 2100, companyId })).StatusCode);
            await page.Keyboard.TypeAsync($"{i}", new() { Delay = 5 });
        }

        foreach (var callId in calls)
        {
            await page.Locator($"#calls .call-history tr[data-call='{callId}']").WaitForAsync(Soon);
        }

        await page.Locator("#deals td", new() { HasTextString = "Kommunikation 1" }).WaitForAsync(Soon);
        Assert.Equal("Leiterin 01", await page.InputValueAsync("#newContact input[name=position]"));
        Assert.Equal("position", await page.EvaluateAsync<string>("() => document.activeElement?.name"));
        Assert.Equal("Hilke Janssen-Ubbens", await page.InputValueAsync("#newContact input[name=name]"));
        Assert.Equal("Plattdeutsch für Pflegekräfte", await page.InputValueAsync("#newDeal input[name=title]"));

        // Enter adds the contact: the form is emptied and the contact listed.
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#contacts td", new() { HasTextString = "Hilke Janssen-Ubbens" }).WaitForAsync(Soon);
        Assert.Equal("", await page.InputValueAsync("#newContact input[name=name]"));
        Assert.Equal("Plattdeutsch für Pflegekräfte", await page.InputValueAsync("#newDeal input[name=title]"));
        await page.Locator("#newDeal select[name=contactId] option", new() { HasTextString = "Hilke Janssen-Ubbens" }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
    }
}
