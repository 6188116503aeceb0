using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Deal task titles in the reader's language wherever tasks are listed: "My tasks" of a Russian and a German manager
/// (title and stage from the deal's own process version), the deal card (open tasks, the process map, "stuck on") and
/// the supervisor's lost-deal reviews; the read model keeps each task's template id (migration 0100), and rows from
/// before it get theirs from their English title or keep the stored title. A refused move on the deal card is explained
/// in the reader's language too.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class TaskTitleLanguageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private async Task<string> NewManager(string displayName, string language)
    {
        var name = $"t{Guid.NewGuid():N}"[..12];
        await fixture.Node.Services.GetRequiredService<UserStore>().CreateUserIfMissingAsync(new UserRecord(name, displayName, null, ["manager"], "training", null,
            "Europe/Berlin", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(name, "demo"));
        await fixture.Node.Services.GetRequiredService<UserLanguageStore>().SetAsync(name, language);
        await fixture.Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();
        return name;
    }

    private async Task<Guid> CreateDeal(string user, string title, string company)
    {
        var client = await fixture.Node.ClientAsync(user);
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title, company, amount = 5400 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<string?> TemplateId(Guid deal, string title)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Node.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT template_id FROM deal_task WHERE deal_id = $1 AND title = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deal });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
        return await cmd.ExecuteScalarAsync() as string;
    }

    private static ILocator TaskRow(IPage page, Guid deal) => page.Locator($"#tasks tbody tr[data-task^='{deal}/']");

    [Fact]
    public async Task A_Russian_manager_reads_in_Russian_why_a_colleagues_deal_did_not_move()
    {
        var owner = await NewManager("Ольга Смирнова", "ru");
        var colleague = await NewManager("Пётр Кузнецов", "ru");
        var deal = await CreateDeal(owner, "Курс 1С:Управление торговлей", "ООО «Сибирский текстиль»");

        // The colleague sees the department's deal and its move; only its owner or a supervisor moves it.
        var page = await fixture.LoginAsync(colleague, $"/deal.html?id={deal}");
        var move = page.Locator("button[data-move]").First;
        await move.WaitForAsync(Soon);
        await move.ClickAsync();
        var message = page.Locator("#moveMessage .error");
        await message.WaitForAsync(Soon);
        // The card reads itself again (its catch-up once live, any push): the refusal stays readable.
        await page.EvaluateAsync("() => DealCard.reload()");
        Assert.Equal($"Переводить сделку по этапам может только ответственный ({owner}) или руководитель отдела.", (await message.InnerTextAsync()).Trim());

        var view = JsonDocument.Parse(await (await fixture.Node.ClientAsync(owner)).GetStringAsync($"/api/deals/{deal}")).RootElement;
        Assert.Equal("first-contact", view.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task A_Russian_and_a_German_manager_read_their_task_titles_and_stages_in_their_language_on_my_tasks_and_the_deal_card()
    {
        var russian = await NewManager("Ольга Смирнова", "ru");
        var german = await NewManager("Jörg Bäcker", "de");
        var ruDeal = await CreateDeal(russian, "Курс Excel для бухгалтерии", "ООО «Северсталь-Сервис»");
        var deDeal = await CreateDeal(german, "Excel-Schulung", "Müller & Söhne GmbH");
        // The read model knows which process task each is.
        await Poll.Until(async () => await TemplateId(ruDeal, "Record the client's request") == "record-request", "the template id of the Russian deal's task");

        var ru = await fixture.LoginAsync(russian, "/tasks.html");
        var ruRow = TaskRow(ru, ruDeal);
        await ruRow.WaitForAsync(Soon);
        Assert.Contains("Зафиксировать запрос клиента", await ruRow.InnerTextAsync());
        Assert.Contains("Первичный контакт", await ruRow.InnerTextAsync());
        Assert.DoesNotContain("Record the client's request", await ruRow.InnerTextAsync());
        Assert.Equal("Мои задачи", await ru.InnerTextAsync("main h1"));
        // The deadline in the Russian date format ("4 дек. 2026 г., 17:00").
        Assert.Matches(@"\d{1,2} [а-я]+\.? \d{4} г\.", await ruRow.Locator("td").First.InnerTextAsync());

        var de = await fixture.LoginAsync(german, "/tasks.html");
        var deRow = TaskRow(de, deDeal);
        await deRow.WaitForAsync(Soon);
        Assert.Contains("Anfrage des Kunden erfassen", await deRow.InnerTextAsync());
        Assert.Contains("Erstkontakt", await deRow.InnerTextAsync());
        Assert.Matches(@"\d{2}\.\d{2}\.\d{4}", await deRow.Locator("td").First.InnerTextAsync());

        // The deal card: the open task, the process map and whom the deal waits for, in German, with names not logins.
        await de.GotoAsync($"/deal.html?id={deDeal}");
        var task = de.Locator("#tasks form.task").First;
        await task.WaitForAsync(Soon);
        Assert.Equal("Anfrage des Kunden erfassen", await task.Locator("strong").First.InnerTextAsync());
        Assert.Contains("Jörg Bäcker", await task.InnerTextAsync());
        var map = de.Locator(".map .stage[data-stage='first-contact']");
        Assert.Contains("Erstkontakt", await map.InnerTextAsync());
        Assert.Contains("Anfrage des Kunden erfassen — Jörg Bäcker (offen", await map.InnerTextAsync());
        var stuck = await de.InnerTextAsync("#stuckOn");
        Assert.Contains("Anfrage des Kunden erfassen", stuck);
        Assert.Contains("Jörg Bäcker", stuck);
        Assert.Equal("Erstkontakt", await de.InnerTextAsync("#stage"));
        // Money in the German format; Intl puts a no-break space before the sign.
        Assert.Contains("5.400,00 €", (await de.InnerTextAsync("#deal")).Replace('\u00a0', ' ').Replace('\u202f', ' '));
    }

    [Fact]
    public async Task A_German_supervisor_reads_the_lost_deal_review_in_German_and_rows_from_before_the_template_id_still_read_well()
    {
        var supervisor = await fixture.Node.ClientAsync("e.keller");
        Assert.True((await supervisor.PutAsJsonAsync("/api/account/language", new { language = "de" })).IsSuccessStatusCode);
        try
        {
            var deal = await CreateDeal("k.weber", "Führungskräfte-Seminar", "Elbe Werft AG");
            var weber = await fixture.Node.ClientAsync("k.weber");
            var lost = await weber.PostAsJsonAsync($"/api/deals/{deal}/moves", new { toStage = "lost", lostReason = "no budget", comment = "Budget gestrichen", cancelOpenTasks = true });
            Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
            await Poll.Until(async () => await TemplateId(deal, "Review lost deal: Führungskräfte-Seminar (no budget, k.weber)") == "lost-review", "the lost review's template id");

            var page = await fixture.LoginAsync("e.keller", "/supervisor.html");
            var review = page.Locator($"#reviews li[data-task^='{deal}/']");
            await review.WaitForAsync(Soon);
            Assert.Contains("Verlorenen Deal prüfen: Führungskräfte-Seminar (kein Budget, Klaus Weber)", await review.InnerTextAsync());

            // Rows projected before migration 0100 have no template id: the migration's own fill gives the process
            // tasks and the deal's own tasks theirs, and a title that matches nothing keeps NULL and is shown as stored.
            var other = await CreateDeal("k.weber", "Zeitmanagement", "Hafen Logistik");
            await Poll.Until(async () => await TemplateId(other, "Record the client's request") == "record-request", "the template id");
            await using (var db = NpgsqlDataSource.Create(fixture.Node.ConnectionString))
            {
                await using (var clear = db.CreateCommand("UPDATE deal_task SET template_id = NULL WHERE deal_id = ANY($1)"))
                {
                    clear.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [deal, other] });
                    await clear.ExecuteNonQueryAsync();
                }

                await using (var oddTitle = db.CreateCommand("UPDATE deal_task SET title = 'Call the customer back (old wording)' WHERE deal_id = $1"))
                {
                    oddTitle.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = other });
                    await oddTitle.ExecuteNonQueryAsync();
                }

                await using var migration = db.CreateCommand(Migration("0100_deal_task_template.sql"));
                await migration.ExecuteNonQueryAsync();
            }

            Assert.Equal("lost-review", await TemplateId(deal, "Review lost deal: Führungskräfte-Seminar (no budget, k.weber)"));
            Assert.Equal("record-request", await TemplateId(deal, "Record the client's request"));
            Assert.Null(await TemplateId(other, "Call the customer back (old wording)"));

            await page.ReloadAsync();
            await page.Locator($"#reviews li[data-task^='{deal}/']", new() { HasTextString = "Verlorenen Deal prüfen" }).WaitForAsync(Soon);
            var weberPage = await fixture.LoginAsync("k.weber", "/tasks.html");
            var row = TaskRow(weberPage, other);
            await row.WaitForAsync(Soon);
            Assert.Contains("Call the customer back (old wording)", await row.InnerTextAsync());
            Assert.Contains("First contact", await row.InnerTextAsync());
        }
        finally
        {
            await supervisor.PutAsJsonAsync("/api/account/language", new { language = "" });
        }
    }

    private static string Migration(string name)
    {
        using var stream = typeof(DealQueries).Assembly.GetManifestResourceStream($"sql/{name}")
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
