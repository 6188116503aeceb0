using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Sub-processes on the deal card (issue 11) in Debian's Chromium: the parent shows its running child with a link, the
/// child links back to its parent and the stage that waits, and a lost child shows on the parent with its reason. The
/// process editor shows the stage's sub-process and edits it.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class SubProcessPageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private async Task<string> PublishParentAsync()
    {
        var admin = await fixture.Node.ClientAsync("admin");
        var kind = $"kammer-{Guid.NewGuid():N}"[..15];
        var json = $$"""
            {
              "kind": "{{kind}}", "name": "Prüfkammer", "names": { "ru": "Испытательная камера", "de": "Prüfkammer" }, "mode": "manual", "initialStage": "zertifizierung",
              "lostReasons": ["no budget"],
              "stages": [
                { "id": "zertifizierung", "name": "Certification", "names": { "ru": "Сертификация", "de": "Zertifizierung" }, "probability": 0.6,
                  "subProcess": { "kind": "certification" }, "transitions": [ { "to": "won" }, { "to": "lost" } ] },
                { "id": "won", "name": "Won", "probability": 1, "outcome": "won" },
                { "id": "lost", "name": "Lost", "probability": 0, "outcome": "lost" }
              ]
            }
            """;
        await Expect(await admin.PostAsync("/api/processes", new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        return kind;
    }

    [Fact]
    public async Task The_parent_and_child_cards_link_each_other_and_a_lost_child_shows_its_reason_on_the_parent()
    {
        var kind = await PublishParentAsync();
        var owner = await fixture.Node.ClientAsync("i.petrov");
        var parent = await Expect(await owner.PostAsJsonAsync("/api/deals", new { processKind = kind, title = "Klimakammer für НИИ «Полюс»", company = "НИИ «Полюс»", amount = 58_000 }),
            HttpStatusCode.Created);
        var parentId = parent.GetProperty("id").GetGuid();
        var childId = parent.GetProperty("subProcesses")[0].GetProperty("dealId").GetGuid();

        var page = await fixture.LoginAsync("i.petrov", $"/deal.html?id={parentId}");
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        var child = page.Locator($"#subProcesses li[data-deal='{childId}']");
        try
        {
            await child.WaitForAsync(Soon);
        }
        catch (TimeoutException) when (errors.Count > 0)
        {
            Assert.Fail(string.Join("\n", errors));
        }

        Assert.Equal("Running", await child.GetAttributeAsync("data-status"));

        // Following the link opens the child, which links back to the parent.
        await child.Locator("a").ClickAsync();
        await UiFixture.WaitForAddress(page, $@"/deal\.html\?id={childId}$", 20_000);
        var back = page.Locator("#parentDeal a");
        await back.WaitForAsync(Soon);
        Assert.Contains("Klimakammer für НИИ «Полюс»", await back.InnerTextAsync());
        Assert.Equal($"/deal.html?id={parentId}", await back.GetAttributeAsync("href"));
        Assert.True(await page.Locator("#journal a.journal-deal").CountAsync() >= 1);

        // The certification fails: the parent's card says so, with the reason, live.
        await page.GotoAsync($"/deal.html?id={parentId}");
        await UiFixture.WaitLive(page);
        await Expect(await owner.PostAsJsonAsync($"/api/deals/{childId}/moves", new { toStage = "failed", lostReason = "certificate refused", cancelOpenTasks = true }), HttpStatusCode.OK);
        await page.Locator($"#subProcesses li[data-deal='{childId}'][data-status='Lost']").WaitForAsync(Soon);
        Assert.Contains("certificate refused", await page.Locator($"#subProcesses li[data-deal='{childId}'] .sub-status").InnerTextAsync());
    }

    [Fact]
    public async Task The_process_editor_shows_the_stages_sub_process_and_removing_it_publishes_a_version_without_one()
    {
        var kind = await PublishParentAsync();
        var page = await fixture.LoginAsync("admin", $"/processes.html?kind={kind}");
        var select = page.Locator("fieldset[data-stage='zertifizierung'] select[name=subProcess]");
        await select.WaitForAsync(Soon);
        Assert.Equal("certification", await select.InputValueAsync());
        Assert.False(await page.Locator("fieldset[data-stage='zertifizierung'] input[name=subProcessOwnerRole]").IsHiddenAsync());

        await page.Locator("fieldset[data-stage='zertifizierung'] input[name=subProcessOwnerRole]").FillAsync("engineer");
        await page.Locator("select[name=satisfactionRole]").SelectOptionAsync("supervisor");
        await page.Locator("#publish").ClickAsync();
        await page.Locator("#message").Filter(new() { HasText = "2" }).WaitForAsync(Soon);
        var admin = await fixture.Node.ClientAsync("admin");
        var v2 = await Expect(await admin.GetAsync($"/api/processes/{kind}"), HttpStatusCode.OK);
        var stage = v2.GetProperty("stages")[0];
        Assert.Equal(("certification", "engineer", "supervisor"), (stage.GetProperty("subProcess").GetProperty("kind").GetString(),
            stage.GetProperty("subProcess").GetProperty("ownerRole").GetString(), v2.GetProperty("satisfactionRole").GetString()));

        await page.Locator("fieldset[data-stage='zertifizierung'] select[name=subProcess]").SelectOptionAsync("");
        await page.Locator("#publish").ClickAsync();
        await page.Locator("#message").Filter(new() { HasText = "3" }).WaitForAsync(Soon);
        var v3 = await Expect(await admin.GetAsync($"/api/processes/{kind}"), HttpStatusCode.OK);
        Assert.False(v3.GetProperty("stages")[0].TryGetProperty("subProcess", out _));
    }
}
