using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The work flows of issue 10 in Debian's Chromium: typing survives a colleague's stream of changes on the deal card and
/// the lead inbox, losing a deal is deliberate and a supervisor reopens it, a deal task reaches its executor's bell,
/// and the call pop-up stays for the whole call while answering gives the lead to the one who answered.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class WorkflowTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 15_000 };

    private async Task<Guid> CreateDeal(string creator, string title, string company, string? owner = null)
    {
        var client = await fixture.Node.ClientAsync(creator);
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title, company, amount = 7200, owner });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> Get(HttpClient client, string path) =>
        JsonDocument.Parse(await (await client.GetAsync(path)).Content.ReadAsStringAsync()).RootElement;

    private static async Task<long> Seq(HttpClient client, Guid deal) => (await Get(client, $"/api/deals/{deal}")).GetProperty("seq").GetInt64();

    private static Task Until(Func<Task<bool>> probe, string what, int seconds = 15) => Poll.Until(probe, what, seconds);

    [Fact]
    public async Task Typing_on_the_deal_card_survives_a_colleagues_stream_of_changes()
    {
        var id = await CreateDeal("k.weber", "Negotiation training", "Hafen Logistik");
        var page = await fixture.LoginAsync("k.weber", $"/deal.html?id={id}");
        await UiFixture.WaitLive(page);
        var task = page.Locator("#tasks form.task").First;
        await task.WaitForAsync(Soon);

        // A field the colleague will change, a task result, and last the note (which keeps the focus).
        await page.Locator("#parameters input[name=request]").FillAsync("Negotiation for 8 buyers");
        await page.Locator("#parameters input[name=trainingTopic]").FillAsync("Negotiation");
        await task.Locator("input[name=result]").FillAsync("Reached the buyer, wants a date in May");
        await page.Locator("#note").ClickAsync();
        await page.Keyboard.TypeAsync("Customer asked for a ", new() { Delay = 5 });

        // The supervisor works on the deal meanwhile: notes, a parameter under the manager's edit, another parameter.
        var colleague = await fixture.Node.ClientAsync("e.keller");
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await colleague.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = $"Supervisor note {i}" })).IsSuccessStatusCode);
            await page.Keyboard.TypeAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Delay = 5 });
        }

        Assert.True((await colleague.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Sales training", ["participants"] = "12" })).IsSuccessStatusCode);
        var seq = await Seq(colleague, id);
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('deal').dataset.seq) >= {seq}", null, new() { Timeout = 15_000 });
        await page.Locator("#journal", new() { HasTextString = "Supervisor note 4" }).WaitForAsync(Soon);

        // Nothing typed or focused is lost; the field changed under the edit says by whom; untouched fields follow.
        Assert.Equal("Customer asked for a 01234", await page.Locator("#note").InputValueAsync());
        Assert.Equal("note", await page.EvaluateAsync<string>("() => document.activeElement?.id"));
        Assert.Equal("Negotiation for 8 buyers", await page.Locator("#parameters input[name=request]").InputValueAsync());
        Assert.Contains("changed by e.keller", await page.Locator("#parameters .changed-by").InnerTextAsync());
        Assert.Contains("Sales training", await page.Locator("#parameters .changed-by").InnerTextAsync());
        Assert.Equal("Negotiation", await page.Locator("#parameters input[name=trainingTopic]").InputValueAsync());
        Assert.Equal("12", await page.Locator("#parameters input[name=participants]").InputValueAsync());
        Assert.Equal("Reached the buyer, wants a date in May", await task.Locator("input[name=result]").InputValueAsync());

        // Enter sends the note; it is cleared and lands in the journal.
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#journal li", new() { HasTextString = "Customer asked for a 01234" }).WaitForAsync(Soon);
        Assert.Equal("", await page.Locator("#note").InputValueAsync());
        // Still the colleague's change under the edit, whoever wrote since.
        Assert.Contains("changed by e.keller", await page.Locator("#parameters .changed-by").InnerTextAsync());
        Assert.DoesNotContain("null", await page.Locator("#tasks").InnerTextAsync());
        await UiFixture.Screenshot(page, "deal-changed-by");
    }

    [Fact]
    public async Task Typing_in_the_lead_inbox_survives_new_leads_and_changes_streaming_in()
    {
        var anonymous = await fixture.Node.ClientAsync();
        var name = $"Petra Lang {Guid.NewGuid():N}"[..20];
        Assert.True((await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", name, email = $"p.{Guid.NewGuid():N}@hansaprint.example", message = "An Excel course", topic = "training" })).IsSuccessStatusCode);
        var page = await fixture.LoginAsync("e.keller", "/leads.html");
        await UiFixture.WaitLive(page);
        var row = page.Locator("#leads tr", new() { HasTextString = name });
        await row.WaitForAsync(Soon);
        var leadId = Guid.Parse((await row.GetAttributeAsync("data-lead"))!);

        await row.Locator("input[name=needs]").FillAsync("Excel for 12 accountants");
        await row.Locator("input[name=contacts]").FillAsync("Petra Lang, +49 40 1234");
        await row.Locator("input[name=legal]").ClickAsync();
        await page.Keyboard.TypeAsync("Hansa Print GmbH", new() { Delay = 5 });

        // New web-form leads and notes on this lead arrive while the supervisor types.
        var supervisor = await fixture.Node.ClientAsync("e.keller");
        var others = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var other = $"Lead stream {i} {Guid.NewGuid():N}"[..24];
            others.Add(other);
            Assert.True((await anonymous.PostAsJsonAsync("/api/leads/webform", new { submissionId = $"form-{Guid.NewGuid():N}", name = other, email = $"s{i}.{Guid.NewGuid():N}@example.de", message = "Training", topic = "training" })).IsSuccessStatusCode);
            Assert.True((await supervisor.PostAsJsonAsync($"/api/leads/{leadId}/notes", new { text = $"Called back {i}" })).IsSuccessStatusCode);
            await page.Keyboard.TypeAsync($" {i}", new() { Delay = 5 });
        }

        foreach (var other in others)
        {
            await page.Locator("#leads tr", new() { HasTextString = other }).WaitForAsync(Soon);
        }

        Assert.Equal("Hansa Print GmbH 0 1 2", await row.Locator("input[name=legal]").InputValueAsync());
        Assert.Equal("legal", await page.EvaluateAsync<string>("() => document.activeElement?.name"));
        Assert.Equal("Excel for 12 accountants", await row.Locator("input[name=needs]").InputValueAsync());
        Assert.Equal("Petra Lang, +49 40 1234", await row.Locator("input[name=contacts]").InputValueAsync());

        // Enter in a reason disqualifies that lead; the row being typed in stays as it is.
        var spam = page.Locator("#leads tr", new() { HasTextString = others[0] });
        await spam.Locator("input[name=reason]").FillAsync("Spam");
        await spam.Locator("input[name=reason]").PressAsync("Enter");
        await page.Locator("#leads tr", new() { HasTextString = others[0] }).WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 15_000 });
        Assert.Equal("Hansa Print GmbH 0 1 2", await row.Locator("input[name=legal]").InputValueAsync());
    }

    [Fact]
    public async Task Losing_a_deal_needs_a_chosen_reason_and_confirmation_and_a_supervisor_reopens_it()
    {
        var id = await CreateDeal("l.braun", "Excel course", "Elbe Print");
        var page = await fixture.LoginAsync("l.braun", $"/deal.html?id={id}");
        await UiFixture.WaitLive(page);
        await page.Locator("#markLost").WaitForAsync(Soon);

        // Lost is not among the forward moves.
        Assert.Equal(0, await page.Locator("button[data-move='lost']").CountAsync());
        Assert.Equal(1, await page.Locator("button[data-move='client-card']").CountAsync());

        // The dialog takes focus, no reason is preset, Enter without a reason is refused, Tab stays inside, Escape closes.
        await page.Locator("#markLost").ClickAsync();
        var dialog = page.Locator("#lostDialog");
        await dialog.WaitForAsync();
        Assert.Equal("lostReason", await page.EvaluateAsync<string>("() => document.activeElement?.id"));
        Assert.Equal("", await page.Locator("#lostReason").InputValueAsync());
        await page.Keyboard.PressAsync("Enter");
        await dialog.Locator(".dialog-message", new() { HasTextString = "Choose the reason" }).WaitForAsync();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('lostDialog').contains(document.activeElement)"));
        }

        await page.Keyboard.PressAsync("Escape");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var manager = await fixture.Node.ClientAsync("l.braun");
        Assert.Equal("Open", (await Get(manager, $"/api/deals/{id}")).GetProperty("status").GetString());

        // Chosen, commented, confirmed with Enter.
        await page.Locator("#markLost").ClickAsync();
        await page.Locator("#lostReason").SelectOptionAsync("no budget");
        await page.Locator("#lostComment").FillAsync("Budget frozen until next year");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#dealStatus", new() { HasTextString = "lost" }).WaitForAsync(Soon);
        var lost = await Get(manager, $"/api/deals/{id}");
        Assert.Equal(("Lost", "no budget"), (lost.GetProperty("status").GetString(), lost.GetProperty("lostReason").GetString()));
        await page.Locator("#journal", new() { HasTextString = "Budget frozen until next year" }).WaitForAsync(Soon);

        // A manager cannot reopen: no button, and the API refuses.
        Assert.Equal(0, await page.Locator("#reopenDeal").CountAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync($"/api/deals/{id}/reopen", new { comment = "please" })).StatusCode);

        // The head of the department reopens it; the journal says who and why, and the owner's card follows live.
        var supervisor = await fixture.LoginAsync("e.keller", $"/deal.html?id={id}");
        await supervisor.Locator("#reopenDeal").ClickAsync();
        await supervisor.Locator("#reopenComment").FillAsync("Budget found after all");
        await supervisor.Keyboard.PressAsync("Enter");
        await supervisor.Locator("#dealStatus", new() { HasTextString = "open" }).WaitForAsync(Soon);
        await page.Locator("#dealStatus", new() { HasTextString = "open" }).WaitForAsync(Soon);
        var reopened = await Get(manager, $"/api/deals/{id}");
        Assert.Equal(("Open", "first-contact"), (reopened.GetProperty("status").GetString(), reopened.GetProperty("stage").GetString()));
        Assert.Contains("Deal reopened (was lost: no budget): Budget found after all", await supervisor.Locator("#journal").InnerTextAsync());
        await page.Locator("#markLost").WaitForAsync(Soon);
    }

    [Fact]
    public async Task A_click_pressed_while_the_deal_card_reads_itself_again_opens_its_dialog()
    {
        // The card reads itself once more when its live connection stands (and on every push about the deal). A read that
        // changed nothing must keep the buttons: a press on one, a redraw, and the release on its replacement is no click.
        var id = await CreateDeal("l.braun", "Excel refresher", "Ostsee Druck");
        var page = await fixture.LoginAsync("l.braun", $"/deal.html?id={id}");
        await UiFixture.WaitLive(page);
        var box = await page.Locator("#markLost").BoundingBoxAsync();
        Assert.NotNull(box);
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await page.Mouse.DownAsync();
        await page.EvaluateAsync("() => DealCard.reload()");
        await page.Mouse.UpAsync();
        await page.Locator("#lostDialog").WaitForAsync(Soon);
        await page.Keyboard.PressAsync("Escape");

        // A real change still shows: the card follows a parameter set by someone else.
        var manager = await fixture.Node.ClientAsync("l.braun");
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Excel for 9 clerks" })).StatusCode);
        await page.WaitForFunctionAsync("() => document.querySelector('#parameters input[name=request]')?.value === 'Excel for 9 clerks'", null, new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task A_new_deal_task_rings_its_executors_bell_and_opens_the_deal()
    {
        var page = await fixture.LoginAsync("k.weber", "/tasks.html");
        await UiFixture.WaitLive(page);
        await page.Locator("#bell").WaitForAsync();
        var before = int.Parse((await page.Locator("#bell").GetAttributeAsync("data-unread")) ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        // The supervisor opens a deal for k.weber: its first task is k.weber's.
        var title = $"Leadership course {Guid.NewGuid():N}"[..26];
        var id = await CreateDeal("e.keller", title, "Alster Bank", owner: "k.weber");
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('bell').dataset.unread) > {before}", null, new() { Timeout = 15_000 });
        await page.Locator("#bell").ClickAsync();
        var item = page.Locator("#notifications li.unread", new() { HasTextString = title });
        await item.WaitForAsync(Soon);
        Assert.Contains("New task", await item.InnerTextAsync());
        // Live in "My tasks" too.
        await page.Locator($"tr[data-task^='{id}/']").WaitForAsync(Soon);
        // With the stage's name, not its id.
        Assert.Contains("First contact", await page.Locator($"tr[data-task^='{id}/']").InnerTextAsync());
        await UiFixture.Screenshot(page, "notifications");

        // Clicked on the element itself, not at its screen position: other tests' live notifications to k.weber re-render
        // the list and push this item down between Playwright's hit check and its click, which then opened another item.
        await item.Locator("a").EvaluateAsync("a => a.click()");
        // The address, then the deal page's own element: WaitForURL (even with DOMContentLoaded) sometimes missed a
        // navigation that had already committed by the time it started waiting, and timed out on a page that was there.
        await Until(() => Task.FromResult(page.Url.EndsWith($"/deal.html?id={id}", StringComparison.Ordinal)), "the bell's link opening the deal", 60);
        await page.Locator("#deal").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        var api = await fixture.Node.ClientAsync("k.weber");
        var mine = await Get(api, "/api/notifications?limit=100");
        var notification = mine.EnumerateArray().Single(n => n.GetProperty("sourceId").GetGuid() == id);
        Assert.Equal(("deal", "Task", $"/deal.html?id={id}"), (notification.GetProperty("source").GetString(), notification.GetProperty("kind").GetString(), notification.GetProperty("link").GetString()));
        Assert.NotEqual(JsonValueKind.Null, notification.GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task The_call_pop_up_stays_through_answered_answering_assigns_the_lead_and_a_missed_call_lands_in_my_tasks()
    {
        // Nobody in the industrial queue is present, so a new caller's lead waits unassigned.
        var supervisor = await fixture.Node.ClientAsync("s.volkov");
        foreach (var who in new[] { "i.petrov", "m.sokolova" })
        {
            Assert.True((await supervisor.PostAsJsonAsync("/api/queues/industrial/presence", new { user = who, absent = true })).IsSuccessStatusCode);
        }

        try
        {
            var page = await fixture.LoginAsync("m.sokolova", "/tasks.html");
            await UiFixture.WaitLive(page);
            var pbx = new HttpClient { BaseAddress = fixture.Node.Address };
            pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
            var number = $"+7916{Random.Shared.Next(1_000_000, 9_999_999)}";
            var callId = $"wf-{Guid.NewGuid():N}";
            var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            async Task Send(string @event, double at, string? extension = null, string? callIdOverride = null) =>
                Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event, call_id = callIdOverride ?? callId, caller = number, called = "+74952233211", ts = at, extension, caller_name = "Olga Caller" })).IsSuccessStatusCode);

            await Send("incoming", ts);
            await Send("ringing", ts + 0.5, "202");
            var popup = page.Locator($".call-popup[data-call='{callId}']");
            await popup.Locator(".card-line", new() { HasTextString = "New lead" }).WaitForAsync(Soon);
            await popup.Locator("button", new() { HasTextString = "Take this lead" }).WaitForAsync(Soon);

            // Answered: the pop-up stays, and the lead is now the answerer's.
            await Send("answered", ts + 3);
            await page.Locator($".call-popup[data-call='{callId}'][data-state=answered]").WaitForAsync(Soon);
            await popup.Locator(".lead-line", new() { HasTextString = "The lead is yours." }).WaitForAsync(Soon);
            // The pop-up must stay for the whole call: let time pass, then it is still there.
            await Task.Delay(1500);
            Assert.Equal(1, await popup.CountAsync());
            var manager = await fixture.Node.ClientAsync("m.sokolova");
            var leads = await Get(manager, "/api/leads?status=all&limit=300");
            var lead = leads.EnumerateArray().Single(l => l.GetProperty("phone").GetString()?.EndsWith(number[^7..], StringComparison.Ordinal) == true);
            Assert.Equal("m.sokolova", lead.GetProperty("assignee").GetString());
            Assert.Contains("answered the call", lead.GetProperty("assignmentReason").GetString());
            await UiFixture.Screenshot(page, "call-answered");

            // Hang-up closes it.
            await Send("hangup", ts + 40);
            await popup.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 15_000 });

            // The customer calls again and nobody answers: the call-back task is in the responsible manager's "My tasks".
            var missed = $"wf-{Guid.NewGuid():N}";
            await Send("incoming", ts + 100, callIdOverride: missed);
            await Send("no_answer", ts + 130, callIdOverride: missed);
            await page.Locator("tr[data-kind='call-back']", new() { HasTextString = "Olga Caller" }).WaitForAsync(new() { Timeout = 20_000 });

            // The lead card shows the call history.
            await page.GotoAsync($"/leads.html?id={lead.GetProperty("id").GetString()}");
            var row = page.Locator($"#leads tr[data-lead='{lead.GetProperty("id").GetString()}']");
            await row.Locator("summary").ClickAsync();
            await row.Locator($".call-history tr[data-call='{callId}']").WaitForAsync(Soon);
            await row.Locator($".call-history tr[data-call='{missed}']").WaitForAsync(Soon);

            // Converted, the deal card lists the same customer's calls.
            var converted = await manager.PostAsJsonAsync($"/api/leads/{lead.GetProperty("id").GetString()}/convert",
                new { processKind = "industrial-equipment", company = "Caller Industries", needs = "Two pumps", legalDetails = "OOO Caller", contacts = "Olga Caller" });
            Assert.True(converted.IsSuccessStatusCode, await converted.Content.ReadAsStringAsync());
            var dealId = JsonDocument.Parse(await converted.Content.ReadAsStringAsync()).RootElement.GetProperty("dealId").GetString();
            await page.GotoAsync($"/deal.html?id={dealId}");
            await page.Locator($"#calls .call-history tr[data-call='{callId}'][data-outcome='answered']").WaitForAsync(Soon);
            await page.Locator($"#calls .call-history tr[data-call='{missed}']").WaitForAsync(Soon);
        }
        finally
        {
            foreach (var who in new[] { "i.petrov", "m.sokolova" })
            {
                await supervisor.PostAsJsonAsync("/api/queues/industrial/presence", new { user = who, absent = false });
            }
        }
    }

    [Fact]
    public async Task The_owner_edits_title_amount_currency_expected_close_and_owner_on_the_deal_card()
    {
        var id = await CreateDeal("k.weber", "Excel basics", "Werft Nord");
        var page = await fixture.LoginAsync("k.weber", $"/deal.html?id={id}");
        var details = page.Locator("#details");
        await details.Locator("input[name=title]").WaitForAsync(Soon);
        Assert.Equal("Excel basics", await details.Locator("input[name=title]").InputValueAsync());

        await details.Locator("input[name=title]").FillAsync("Excel for controllers");
        await details.Locator("input[name=amount]").FillAsync("9800,50");
        await details.Locator("input[name=currency]").FillAsync("chf");
        await details.Locator("input[name=expectedCloseDate]").FillAsync("2027-03-31");
        await details.Locator("select[name=owner]").SelectOptionAsync("l.braun");
        await details.Locator("input[name=title]").PressAsync("Enter");

        await page.Locator("h1", new() { HasTextString = "Excel for controllers" }).WaitForAsync(Soon);
        var deal = await Get(await fixture.Node.ClientAsync("k.weber"), $"/api/deals/{id}");
        Assert.Equal(("Excel for controllers", 9800.5m, "CHF", "2027-03-31", "l.braun"), (deal.GetProperty("title").GetString(), deal.GetProperty("amount").GetDecimal(),
            deal.GetProperty("currency").GetString(), deal.GetProperty("expectedCloseDate").GetString(), deal.GetProperty("owner").GetString()));
        await page.Locator("#journal", new() { HasTextString = "owner k.weber → l.braun" }).WaitForAsync(Soon);
        Assert.Equal("CHF", await details.Locator("input[name=currency]").InputValueAsync());
        Assert.Equal(0, await details.Locator(".changed-by").CountAsync());

        // A bad value is said once, next to the form, naming the field; nothing changes.
        await details.Locator("input[name=currency]").FillAsync("EU1");
        await details.Locator("button[type=submit]").ClickAsync();
        await details.Locator(".error", new() { HasTextString = "currency" }).WaitForAsync(Soon);
        Assert.Equal("CHF", (await Get(await fixture.Node.ClientAsync("k.weber"), $"/api/deals/{id}")).GetProperty("currency").GetString());

        // Another department's manager cannot change it.
        var stranger = await fixture.Node.ClientAsync("i.petrov");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PatchAsJsonAsync($"/api/deals/{id}", new { amount = 1 })).StatusCode);
    }
}
