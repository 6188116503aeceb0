using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class BoardTests(UiFixture fixture)
{
    private static readonly PageWaitForFunctionOptions Soon = new() { Timeout = 10_000 };

    private async Task<Guid> CreateDeal(string user, string process, string company, string title = "Corporate training")
    {
        var client = await fixture.Node.ClientAsync(user);
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = process, title, company, amount = 7200 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_task_completed_by_the_manager_changes_the_supervisors_view_live()
    {
        var supervisor = await fixture.LoginAsync("e.keller", "/supervisor.html");
        await UiFixture.WaitLive(supervisor);
        var manager = await fixture.LoginAsync("l.braun", "/tasks.html");
        await UiFixture.WaitLive(manager);

        // The deal appears on the supervisor's page as soon as it is created, stuck on its owner.
        var id = await CreateDeal("l.braun", "training-sales", "Baltic Foods");
        var row = $"#stuck tr[data-id='{id}'] .stuck-on";
        await supervisor.WaitForFunctionAsync($"() => document.querySelector(\"{row}\")?.dataset.user === 'l.braun'", null, Soon);

        // Into "client card": the manager's task and the supervisor's "agree terms" task; the manager's is due first.
        var api = await fixture.Node.ClientAsync("l.braun");
        await api.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Sales training" });
        var first = JsonDocument.Parse(await (await api.GetAsync($"/api/deals/{id}")).Content.ReadAsStringAsync()).RootElement.GetProperty("tasks")[0].GetProperty("id").GetString();
        await api.PostAsJsonAsync($"/api/deals/{id}/tasks/{first}/complete", new { result = "Request recorded" });
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card" })).StatusCode);

        await manager.WaitForSelectorAsync($"tr[data-task^='{id}/'] >> text=Create the client card", new() { Timeout = 10_000 });
        await UiFixture.Screenshot(manager, "tasks");
        var task = manager.Locator($"tr[data-task^='{id}/']", new() { HasTextString = "client card" });
        await task.Locator("input[name=result]").FillAsync("Card created in ERP");
        await task.Locator("button", new() { HasTextString = "Done" }).ClickAsync();

        await supervisor.WaitForFunctionAsync($"() => document.querySelector(\"{row}\")?.dataset.user === 'e.keller'", null, Soon);
        await UiFixture.Screenshot(supervisor, "supervisor");
    }

    [Fact]
    public async Task Dragging_a_card_past_an_unmet_gate_shows_what_is_missing()
    {
        var id = await CreateDeal("k.weber", "training-sales", "Rhein Logistik");
        var page = await fixture.LoginAsync("k.weber", "/board.html?process=training-sales");
        await UiFixture.WaitLive(page);
        var card = page.Locator($".card[data-id='{id}']");

        await card.DragToAsync(page.Locator(".column[data-stage='client-card']"));

        var error = card.Locator(".error");
        await error.WaitForAsync();
        Assert.Contains("Missing: the client's request recorded", await error.InnerTextAsync());
        Assert.Equal(1, await page.Locator(".column[data-stage='first-contact']").Locator($".card[data-id='{id}']").CountAsync());
        await UiFixture.Screenshot(page, "board");
    }

    [Fact]
    public async Task Dragging_a_card_whose_stage_has_open_tasks_asks_before_cancelling_them()
    {
        var id = await CreateDeal("k.weber", "training-sales", "Ostsee Reederei");
        var api = await fixture.Node.ClientAsync("k.weber");
        await api.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Verhandlungstraining für 8 Personen" });
        var page = await fixture.LoginAsync("k.weber", "/board.html?process=training-sales");
        await UiFixture.WaitLive(page);
        var card = page.Locator($".card[data-id='{id}']");

        // The first time the user keeps the task: nothing moves.
        await card.DragToAsync(page.Locator(".column[data-stage='client-card']"));
        var ask = page.Locator("#cancelTasks");
        await ask.WaitForAsync();
        Assert.Contains("'Record the client's request' (k.weber)", await ask.InnerTextAsync());
        await page.Locator("#keepTasks").ClickAsync();
        await card.Locator(".error").WaitForAsync();
        Assert.Equal(1, await page.Locator(".column[data-stage='first-contact']").Locator($".card[data-id='{id}']").CountAsync());

        // Then confirms: the move goes through and the task is cancelled.
        await card.DragToAsync(page.Locator(".column[data-stage='client-card']"));
        await page.Locator("#confirmCancelTasks").ClickAsync();
        await page.Locator(".column[data-stage='client-card']").Locator($".card[data-id='{id}']").WaitForAsync(new() { Timeout = 10_000 });
        var deal = JsonDocument.Parse(await (await api.GetAsync($"/api/deals/{id}")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Cancelled", deal.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("stage").GetString() == "first-contact").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Text_typed_by_anyone_is_shown_as_text_never_as_markup()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var id = await CreateDeal("k.weber", "training-sales", hostile, hostile);
        var page = await fixture.LoginAsync("k.weber", "/board.html?process=training-sales");
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        var title = page.Locator($".card[data-id='{id}'] .title");
        await title.WaitForAsync();
        Assert.Equal(hostile, await title.InnerTextAsync());
        Assert.Equal(0, await page.Locator(".card img").CountAsync());

        await page.GotoAsync($"/deal.html?id={id}");
        await page.Locator("h1", new() { HasTextString = "onerror" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("main img").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task A_call_pops_up_with_the_callers_card_for_the_manager_whose_extension_rings_and_its_lead_arrives_in_the_inbox_live()
    {
        // Two managers of the industrial department: m.sokolova has extension 202, i.petrov 201.
        var page = await fixture.LoginAsync("m.sokolova", "/leads.html");
        var colleague = await fixture.LoginAsync("i.petrov", "/board.html");
        await UiFixture.WaitLive(page);
        await UiFixture.WaitLive(colleague);
        var pbx = new HttpClient { BaseAddress = fixture.Node.Address };
        pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
        var number = $"+7916{Random.Shared.Next(1_000_000, 9_999_999)}";
        var callId = $"ui-{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        // Incoming on the department's number, no extension yet: the ring group — both pages pop up.
        var posted = await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = callId, caller = number, called = "+74952233211", ts, caller_name = "Oleg Caller" });
        Assert.True(posted.IsSuccessStatusCode, $"{posted.StatusCode}");
        var popup = page.Locator($".call-popup[data-call='{callId}']");
        var colleaguePopup = colleague.Locator($".call-popup[data-call='{callId}']");
        await popup.WaitForAsync(new() { Timeout = 10_000 });
        await colleaguePopup.WaitForAsync(new() { Timeout = 10_000 });
        await popup.Locator(".card-line", new() { HasTextString = "New lead" }).WaitForAsync(new() { Timeout = 10_000 });

        // Extension 202 rings: the pop-up stays on its owner's page only.
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "ringing", call_id = callId, caller = number, called = "+74952233211", ts = ts + 0.5, extension = "202" })).IsSuccessStatusCode);
        await colleaguePopup.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        await page.Locator($".call-popup[data-call='{callId}']", new() { HasTextString = "→ 202" }).WaitForAsync(new() { Timeout = 10_000 });
        var digits = number[1..];
        await page.Locator("#leads tr", new() { HasTextString = digits }).WaitForAsync(new() { Timeout = 10_000 });
        await UiFixture.Screenshot(page, "leads");

        // Answered: the pop-up stays for the call (the card is needed now); the hang-up closes it.
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "answered", call_id = callId, caller = number, called = "+74952233211", ts = ts + 3 })).IsSuccessStatusCode);
        await page.Locator($".call-popup[data-call='{callId}'][data-state=answered]").WaitForAsync(new() { Timeout = 10_000 });
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "hangup", call_id = callId, caller = number, called = "+74952233211", ts = ts + 6 })).IsSuccessStatusCode);
        await popup.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });

        // The same customer calls again and extension 201 rings: i.petrov sees the known caller's card, m.sokolova nothing.
        var again = $"ui-{Guid.NewGuid():N}";
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "ringing", call_id = again, caller = number, called = "+74952233211", ts = ts + 10, extension = "201" })).IsSuccessStatusCode);
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = again, caller = number, called = "+74952233211", ts = ts + 9.5 })).IsSuccessStatusCode);
        var known = colleague.Locator($".call-popup[data-call='{again}'] .card-line", new() { HasTextString = "Oleg Caller" });
        await known.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Contains("2 inquiries", await known.InnerTextAsync());
        // Proving a pop-up does NOT come: give it the time it took the colleague's to come, then look.
        await Task.Delay(500);
        Assert.Equal(0, await page.Locator($".call-popup[data-call='{again}']").CountAsync());

        // Another department's manager neither lists nor sees it.
        var other = await fixture.Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/leads?department=industrial")).StatusCode);
        Assert.DoesNotContain(digits, await (await other.GetAsync("/api/leads?status=all")).Content.ReadAsStringAsync());
        await colleague.Context.CloseAsync();
    }

    [Fact]
    public async Task A_supervisor_assigns_a_lead_in_the_inbox_and_sees_leads_in_the_workload()
    {
        var pbx = new HttpClient { BaseAddress = fixture.Node.Address };
        pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
        var number = $"+7916{Random.Shared.Next(1_000_000, 9_999_999)}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.True((await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = $"as-{Guid.NewGuid():N}", caller = number, called = "+74952233211", ts })).IsSuccessStatusCode);

        var page = await fixture.LoginAsync("s.volkov", "/leads.html");
        var row = page.Locator("#leads tr", new() { HasTextString = number });
        await row.WaitForAsync(new() { Timeout = 10_000 });
        var current = await row.Locator("td").Nth(4).InnerTextAsync();
        var target = current.StartsWith("m.sokolova", StringComparison.Ordinal) ? "i.petrov" : "m.sokolova";
        await row.Locator("select[name=assignee]").SelectOptionAsync(target);
        await row.Locator("button", new() { HasTextString = "Assign" }).ClickAsync();
        // The assignee column (the fifth cell) of the lead's row.
        await page.WaitForFunctionAsync(
            $"() => [...document.querySelectorAll('#leads tr')].some(r => r.cells[2]?.textContent.includes('{number}') && r.cells[4].textContent.startsWith('{target}'))",
            null, new() { Timeout = 10_000 });

        var supervisor = await fixture.LoginAsync("s.volkov", "/supervisor.html");
        await supervisor.WaitForFunctionAsync($"() => Number(document.querySelector(\"#workload tr[data-user='{target}'] .leads\")?.textContent) >= 1", null, new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task The_deal_environment_is_edited_on_the_deal_card()
    {
        var id = await CreateDeal("a.ivanova", "order-driven", "Samara Glass", "MES rollout");
        var page = await fixture.LoginAsync("a.ivanova", $"/deal.html?id={id}");
        var environment = page.Locator("#environment");
        await environment.WaitForAsync();

        await environment.Locator("select[name=kind]").SelectOptionAsync("competitor");
        await environment.Locator("input[name=partyName]").FillAsync("Volga Systems");
        await environment.Locator("select[name=relatesTo]").SelectOptionAsync("customer");
        await environment.Locator("input[name=relation]").FillAsync("incumbent supplier of");
        await environment.Locator("button", new() { HasTextString = "Add" }).ClickAsync();

        var row = page.Locator("#environment tr[data-party='P1']");
        await row.WaitForAsync();
        Assert.Contains("incumbent supplier of Samara Glass (customer)", await row.InnerTextAsync());
        Assert.Contains("Added competitor Volga Systems", await page.Locator("#journal").InnerTextAsync());
    }

    [Fact]
    public async Task A_manager_cannot_open_another_departments_deal_by_url_or_api()
    {
        var foreign = await CreateDeal("i.petrov", "industrial-equipment", "Kama Plastics", "Extruder line");
        var page = await fixture.LoginAsync("k.weber", $"/deal.html?id={foreign}");

        await page.Locator(".error").WaitForAsync();
        // Not theirs to see: the page says what a missing deal says, and names no owner or department.
        Assert.Contains("does not exist", await page.Locator(".error").InnerTextAsync());
        Assert.Equal(0, await page.Locator("text=Extruder line").CountAsync());

        var api = await fixture.Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/deals/{foreign}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync($"/api/deals/{foreign}/notes", new { text = "peek" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/deals?department=industrial")).StatusCode);
        var listed = JsonDocument.Parse(await (await api.GetAsync("/api/deals?status=all&limit=500")).Content.ReadAsStringAsync()).RootElement;
        Assert.DoesNotContain(listed.EnumerateArray(), d => d.GetProperty("id").GetGuid() == foreign);

        var owner = await fixture.LoginAsync("i.petrov", $"/deal.html?id={foreign}");
        await owner.Locator("#journal").WaitForAsync();
        await UiFixture.Screenshot(owner, "deal");
    }

    [Fact]
    public async Task A_deal_moved_while_the_board_reads_its_list_shows_in_its_new_column_without_a_reload()
    {
        var first = await CreateDeal("k.weber", "training-sales", "Elbe Druck");
        var second = await CreateDeal("k.weber", "training-sales", "Haffkrug Hotel");
        var api = await fixture.Node.ClientAsync("k.weber");
        foreach (var id in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Excel for 6" })).StatusCode);
        }

        // The board's list reads are held after the server answered: the first before the page listens for pushes, the
        // second (its catch-up once listening) while a push arrives. Each time the deal moves in between.
        var page = await fixture.LoginAsync("k.weber", "/account.html");
        var reads = 0;
        var answered = new[] { Signal(), Signal() };
        var release = new[] { Signal(), Signal() };
        await page.RouteAsync(url => url.Contains("/api/deals?process=training-sales"), async route =>
        {
            var n = Interlocked.Increment(ref reads) - 1;
            if (n > 1)
            {
                await route.ContinueAsync();
                return;
            }

            var response = await route.FetchAsync();
            answered[n].SetResult();
            await release[n].Task;
            await route.FulfillAsync(new() { Response = response });
        });
        await page.GotoAsync("/board.html?process=training-sales");
        string In(string stage, Guid id) => $".column[data-stage='{stage}'] .card[data-id='{id}']";

        // Moved after the first read and before the page listens: no push reaches it, so its catch-up read shows the move.
        await answered[0].Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Move(first);
        release[0].SetResult();
        await answered[1].Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.Locator(In("first-contact", first)).WaitForAsync();

        // Moved while the catch-up read is held: the push moves the card, and the older read does not move it back.
        await Move(second);
        await page.Locator(In("client-card", second)).WaitForAsync(new() { Timeout = 10_000 });
        release[1].SetResult();
        await UiFixture.WaitLive(page);
        Assert.Equal(1, await page.Locator(In("client-card", first)).CountAsync());
        Assert.Equal(1, await page.Locator(In("client-card", second)).CountAsync());
        Assert.Equal(0, await page.Locator(In("first-contact", second)).CountAsync());

        static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Move(Guid id) => Assert.Equal(HttpStatusCode.OK,
            (await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true })).StatusCode);
    }

    [Fact]
    public async Task A_deal_lost_or_moved_while_the_supervisors_page_reads_its_list_is_not_put_back_as_it_was()
    {
        var lost = await CreateDeal("l.braun", "training-sales", "Rügener Reederei");
        var moved = await CreateDeal("l.braun", "training-sales", "Kieler Werft & Söhne");
        var api = await fixture.Node.ClientAsync("l.braun");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{moved}/parameters", new Dictionary<string, string> { ["request"] = "Excel for 4" })).StatusCode);

        // The page's second read of the list (its catch-up once it listens) is held after the server answered, with
        // both deals open in the first stage; meanwhile one is lost and the other moved, and their pushes arrive.
        var page = await fixture.LoginAsync("e.keller", "/account.html");
        var reads = 0;
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => url.Contains("/api/deals?limit="), async route =>
        {
            if (Interlocked.Increment(ref reads) != 2)
            {
                await route.ContinueAsync();
                return;
            }

            var response = await route.FetchAsync();
            answered.SetResult();
            await release.Task;
            await route.FulfillAsync(new() { Response = response });
        });
        await page.GotoAsync("/supervisor.html");
        await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{lost}/moves", new { toStage = "lost", lostReason = "no budget", cancelOpenTasks = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/deals/{moved}/moves", new { toStage = "client-card", cancelOpenTasks = true })).StatusCode);
        var clientCard = await page.EvaluateAsync<string>("() => App.stageName('training-sales', 'client-card')");
        var stage = $"() => document.querySelector(\"#stuck tr[data-id='{moved}'] td:nth-child(2)\")?.textContent";
        await page.WaitForFunctionAsync($"() => !document.querySelector(\"#stuck tr[data-id='{lost}']\") && ({stage})() === {JsonSerializer.Serialize(clientCard)}", null, Soon);

        // The older read comes back: the lost deal stays gone and the moved one stays in its new stage.
        release.SetResult();
        await page.WaitForFunctionAsync("() => Supervisor.reading === null", null, Soon);
        Assert.Equal(0, await page.Locator($"#stuck tr[data-id='{lost}']").CountAsync());
        Assert.Equal(clientCard, await page.EvaluateAsync<string>(stage));
    }
}
