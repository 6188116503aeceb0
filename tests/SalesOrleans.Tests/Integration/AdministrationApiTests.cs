using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>A node of its own: these tests change calendars, departments and process versions the other API tests rely on.</summary>
public sealed class AdministrationNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync(await TestDatabase.CreateAsync());

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[Trait("Category", "Integration")]
public class AdministrationApiTests(AdministrationNodeFixture fixture) : IClassFixture<AdministrationNodeFixture>
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    private static object Person(JsonElement u, Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["displayName"] = u.GetProperty("displayName").GetString(),
            ["email"] = u.GetProperty("email").GetString(),
            ["roles"] = u.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray(),
            ["department"] = u.GetProperty("department").GetString(),
            ["extension"] = u.GetProperty("extension").GetString(),
            ["calendarId"] = u.GetProperty("calendarId").GetString(),
            ["timeZone"] = u.GetProperty("timeZone").GetString(),
            ["workStart"] = u.GetProperty("workStart").GetString(),
            ["workEnd"] = u.GetProperty("workEnd").GetString(),
            ["workDays"] = u.GetProperty("workDays").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
        };
        change?.Invoke(body);
        return body;
    }

    private async Task<JsonElement> UserView(HttpClient admin, string user) =>
        (await Ok(await admin.GetAsync("/api/admin/users"))).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == user);

    [Fact]
    public async Task A_Russian_admin_reads_every_refusal_of_the_administration_in_Russian_and_nothing_changes()
    {
        var admin = await Node.ClientAsync("admin");
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ru-RU,ru;q=0.9,en;q=0.5");
        var petrov = await UserView(admin, "i.petrov");
        var departments = (await Ok(await admin.GetAsync("/api/admin/departments"))).GetRawText();
        var calendars = (await Ok(await admin.GetAsync("/api/calendars"))).GetRawText();

        async Task Refused(Task<HttpResponseMessage> call, string field, string russian)
        {
            var response = await call;
            var problem = await Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {problem}");
            Assert.Equal(("Неверные данные", russian), (problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()));
            Assert.Equal(russian, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        }

        Task<HttpResponseMessage> ChangePetrov(Action<Dictionary<string, object?>> change) => admin.PutAsJsonAsync("/api/admin/users/i.petrov", Person(petrov, change));

        await Refused(admin.PostAsJsonAsync("/api/admin/users", new { userName = "Иван Петров", password = "Lange-Passwort-99", displayName = "Иван", roles = new[] { "manager" } }),
            "userName", "Логин — от 2 до 64 строчных латинских букв, цифр, точек, дефисов или подчёркиваний, начинается с буквы (например, «j.mueller»).");
        await Refused(admin.PostAsJsonAsync("/api/admin/users", new { userName = "i.petrov", password = "Lange-Passwort-99", displayName = "Иван", roles = new[] { "manager" } }),
            "userName", "«i.petrov» уже существует.");
        await Refused(ChangePetrov(b => b["department"] = "sibir"), "department", "Отдел «sibir» не найден.");
        await Refused(ChangePetrov(b => b["extension"] = "1"), "extension", "Внутренний номер — от 2 до 8 цифр.");
        await Refused(ChangePetrov(b => b["timeZone"] = "Europe/Novosibirskk"), "timeZone",
            "Часовой пояс «Europe/Novosibirskk» не найден: укажите идентификатор IANA, например «Europe/Moscow».");
        await Refused(ChangePetrov(b => b["workStart"] = "9 утра"), "workStart", "Начало рабочего дня — в виде ЧЧ:ММ.");
        await Refused(ChangePetrov(b => b["calendarId"] = "KZ"), "calendarId", "Календарь «KZ» не найден (пусто — календарь отдела).");
        await Refused(ChangePetrov(b => b["language"] = "uk"), "language", "Язык — один из en, ru, de (или пусто: язык браузера).");
        await Refused(admin.PutAsJsonAsync("/api/admin/departments/Отдел_1", new { name = "Сибирь" }), "department",
            "Код отдела — от 2 до 40 строчных латинских букв, цифр или дефисов (например, «service-east»).");
        await Refused(admin.PutAsJsonAsync("/api/admin/departments/sibir", new { name = "Сибирь", supervisor = "a.nobody" }), "supervisor",
            "Пользователь «a.nobody» не найден или отключён.");
        await Refused(admin.PutAsJsonAsync("/api/admin/departments/sibir", new { name = "Сибирь", calendarId = "RU-NSK" }), "calendarId", "Календарь «RU-NSK» не найден.");
        await Refused(admin.PutAsJsonAsync("/api/admin/departments/sibir", new { name = " " }), "name", "Поле «name» обязательно (простой текст, не длиннее 200 символов).");
        await Refused(admin.PutAsJsonAsync("/api/calendars/RU-NSK", new { name = "Новосибирск", country = "RUS" }), "country",
            "Страна — двухбуквенный код ISO, например «RU» или «DE».");
        await Refused(admin.PutAsJsonAsync("/api/calendars/RU/days/2026-11-31", new { kind = "holiday", name = "Нет такого дня" }), "date",
            $"Дата — в виде ГГГГ-ММ-ДД, с {HolidayList.Earliest.Year} по {HolidayList.Latest.Year} год.");
        await Refused(admin.PutAsJsonAsync("/api/calendars/RU/days/2026-11-30", new { kind = "отгул", name = "День" }), "kind",
            "Вид дня — «holiday» (выходной), «workday» (рабочий) или «short» (сокращённый).");

        // A calendar that is not there is a 404, in Russian too.
        var missing = await admin.PutAsJsonAsync("/api/calendars/KZ/days/2026-11-30", new { kind = "holiday", name = "День" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Календаря «KZ» нет.", (await Json(missing)).GetProperty("detail").GetString());

        Assert.Equal(petrov.GetRawText(), (await UserView(admin, "i.petrov")).GetRawText());
        Assert.Equal(departments, (await Ok(await admin.GetAsync("/api/admin/departments"))).GetRawText());
        Assert.Equal(calendars, (await Ok(await admin.GetAsync("/api/calendars"))).GetRawText());
    }

    [Fact]
    public async Task The_shipped_calendars_hold_russian_and_german_holidays_for_2026_to_2028()
    {
        var manager = await Node.ClientAsync("k.weber");
        var calendars = await Ok(await manager.GetAsync("/api/calendars"));
        var ru = calendars.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "RU");
        Assert.Equal([2026, 2027, 2028], ru.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        var ru2027 = await Ok(await manager.GetAsync("/api/calendars/RU?year=2027"));
        var days = ru2027.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("date").GetString()).ToList();
        Assert.Contains("2027-02-23", days);
        Assert.Contains("2027-05-03", days); // 1 May 2027 is a Saturday: the day off moves to Monday
        var de = await Ok(await manager.GetAsync("/api/calendars/DE?year=2026"));
        Assert.Contains(de.GetProperty("days").EnumerateArray(), d => d.GetProperty("date").GetString() == "2026-05-14" && d.GetProperty("name").GetString() == "Christi Himmelfahrt");
        // A manager reads calendars, only an admin changes them.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync("/api/calendars/XX", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_training_deal_fans_its_tasks_out_with_deadlines_that_skip_an_imported_public_holiday()
    {
        var admin = await Node.ClientAsync("admin");
        // The training centre's own production calendar: the next working day is declared a public holiday.
        var now = DateTimeOffset.UtcNow;
        var holiday = NextWorkingDay(now);
        await Ok(await admin.PutAsJsonAsync("/api/calendars/RU-UC", new { name = "Учебный центр (Москва)", country = "ru" }));
        var csv = $"date;kind;name\n{holiday:yyyy-MM-dd};holiday;День защитника Отечества (перенос)\n{holiday.AddYears(1):yyyy-MM-dd};holiday;Праздник\n";
        var imported = await Ok(await admin.PostAsync("/api/calendars/RU-UC/days", new StringContent(csv, Encoding.UTF8, "text/csv")));
        Assert.Equal(2, imported.GetProperty("days").GetInt32());

        // A bad list is refused whole, naming the line.
        var bad = await admin.PostAsync("/api/calendars/RU-UC/days", new StringContent("2031-02-30;holiday;Nie", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("line 1", (await Json(bad)).GetProperty("errors").GetProperty("days")[0].GetString());

        // The owner follows the calendar through his own setting, the head of department through the department's.
        var weber = await UserView(admin, "k.weber");
        await Ok(await admin.PutAsJsonAsync("/api/admin/users/k.weber", Person(weber, b => b["calendarId"] = "RU-UC")));
        await Ok(await admin.PutAsJsonAsync("/api/admin/departments/training", new { name = "Обучение и консалтинг", supervisor = "e.keller", calendarId = "RU-UC" }));
        Assert.Equal("RU-UC", (await UserView(admin, "e.keller")).GetProperty("effectiveCalendar").GetString());

        var owner = await Node.ClientAsync("k.weber");
        var created = await Ok(await owner.PostAsJsonAsync("/api/deals", new
        {
            processKind = "training-sales", title = "Курс 1С:ERP для ООО «Уралхим»", company = "ООО «Уралхим»", contact = "Светлана Григорьева",
            amount = 240000, currency = "RUB",
        }));
        var id = created.GetProperty("id").GetGuid();
        await Ok(await owner.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Обучение 12 сотрудников работе в 1С:ERP" }));
        var first = created.GetProperty("tasks")[0];
        // The first task follows the owner's calendar too: created now, it cannot fall due on the holiday.
        Assert.NotEqual(holiday, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first.GetProperty("deadline").GetDateTimeOffset(), Berlin).DateTime));
        await Ok(await owner.PostAsJsonAsync($"/api/deals/{id}/tasks/{first.GetProperty("id").GetString()}/complete", new { result = "Запрос записан" }));
        var moved = await Ok(await owner.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card" }));

        var tasks = moved.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("stage").GetString() == "client-card").ToList();
        Assert.Equal(["e.keller", "k.weber"], tasks.Select(t => t.GetProperty("executor").GetString()).Order());
        var withHoliday = new WorkingCalendar("Europe/Berlin", holidays: [holiday]);
        var without = new WorkingCalendar("Europe/Berlin");
        foreach (var task in tasks)
        {
            var createdAt = task.GetProperty("createdAt").GetDateTimeOffset();
            var deadline = task.GetProperty("deadline").GetDateTimeOffset();
            var hours = task.GetProperty("executor").GetString() == "k.weber" ? 8 : 16;
            Assert.Equal(withHoliday.AddWorkingHours(createdAt, hours), deadline);
            Assert.True(deadline > without.AddWorkingHours(createdAt, hours), "the holiday must push the deadline back");
            Assert.Equal(hours, withHoliday.WorkingHoursBetween(createdAt, deadline), 6);
        }
    }

    [Fact]
    public async Task People_are_created_and_changed_by_an_admin_and_by_heads_only_within_their_department()
    {
        var admin = await Node.ClientAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "j.mueller", password = "Maschinenbau-2027!", displayName = "Jürgen Müller", email = "j.mueller@nordwerk.de",
            roles = new[] { "engineer" }, department = "industrial", extension = "230", language = "de", calendarId = "RU",
            timeZone = "Europe/Moscow", workStart = "08:00", workEnd = "17:00", workDays = new[] { 1, 2, 3, 4, 5 },
        });
        var view = await Ok(created);
        Assert.Equal("Jürgen Müller", view.GetProperty("displayName").GetString());
        Assert.Equal("RU", view.GetProperty("effectiveCalendar").GetString());

        // The new person signs in at once: no restart, no SQL.
        var jm = await Node.ClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await jm.PostAsJsonAsync("/api/auth/login", new { userName = "j.mueller", password = "Maschinenbau-2027!" })).StatusCode);

        // A taken extension is refused naming the field; nothing changes.
        var taken = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "p.schulz", password = "Lange-Passwort-99", displayName = "Paul Schulz", roles = new[] { "manager" }, department = "training", extension = "230" });
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.True((await Json(taken)).GetProperty("errors").TryGetProperty("extension", out _));
        Assert.DoesNotContain((await Ok(await admin.GetAsync("/api/admin/users"))).EnumerateArray(), u => u.GetProperty("userName").GetString() == "p.schulz");

        // The head of training sees and changes only training people, with working roles.
        var head = await Node.ClientAsync("e.keller");
        var mine = await Ok(await head.GetAsync("/api/admin/users"));
        Assert.All(mine.EnumerateArray(), u => Assert.Equal("training", u.GetProperty("department").GetString()));
        var petrov = await UserView(admin, "i.petrov");
        var foreign = await head.PutAsJsonAsync("/api/admin/users/i.petrov", Person(petrov));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.True((await Json(foreign)).GetProperty("errors").TryGetProperty("userName", out _));
        var braun = mine.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "l.braun");
        var promote = await head.PutAsJsonAsync("/api/admin/users/l.braun", Person(braun, b => b["roles"] = new[] { "manager", "admin" }));
        Assert.Equal(HttpStatusCode.BadRequest, promote.StatusCode);
        Assert.True((await Json(promote)).GetProperty("errors").TryGetProperty("roles", out _));

        // Absence with a deputy: while Lena Braun is away, her new tasks go to Klaus Weber.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Berlin).DateTime);
        var away = await Ok(await head.PutAsJsonAsync("/api/admin/users/l.braun", Person(braun, b =>
        {
            b["absentFrom"] = today.AddDays(-1).ToString("yyyy-MM-dd");
            b["absentUntil"] = today.AddDays(7).ToString("yyyy-MM-dd");
            b["deputy"] = "k.weber";
        })));
        Assert.Equal("k.weber", away.GetProperty("deputy").GetString());
        var noDeputy = await head.PutAsJsonAsync("/api/admin/users/l.braun", Person(braun, b => b["absentFrom"] = today.ToString("yyyy-MM-dd")));
        Assert.True((await Json(noDeputy)).GetProperty("errors").TryGetProperty("deputy", out _));

        var lena = await Node.ClientAsync("l.braun");
        var deal = await Ok(await lena.PostAsJsonAsync("/api/deals", new
        {
            processKind = "training-sales", title = "Führungskräftetraining für Rhein Logistik", company = "Rhein Logistik", amount = 9600, currency = "EUR",
        }));
        Assert.Equal("k.weber", deal.GetProperty("tasks")[0].GetProperty("executor").GetString());

        // Deactivation by the head: the person can no longer sign in.
        await Ok(await head.PutAsJsonAsync("/api/admin/users/l.braun/active", new { active = false }));
        var login = await (await Node.ClientAsync()).PostAsJsonAsync("/api/auth/login", new { userName = "l.braun", password = "demo" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        await Ok(await head.PutAsJsonAsync("/api/admin/users/l.braun/active", new { active = true }));
    }

    [Fact]
    public async Task Only_the_owning_head_or_an_admin_publishes_and_running_deals_keep_their_version()
    {
        var head = await Node.ClientAsync("e.keller");
        var stranger = await Node.ClientAsync("s.volkov");
        var owner = await Node.ClientAsync("k.weber");
        var current = JsonNode.Parse(await head.GetStringAsync("/api/processes/training-sales"))!.AsObject();
        var before = current["version"]!.GetValue<int>();

        var old = await Ok(await owner.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Excel für Hansa Print", company = "Hansa Print", amount = 4800, currency = "EUR" }));
        Assert.Equal(before, old.GetProperty("processVersion").GetInt32());

        current.Remove("version");
        current["stages"]![0]!["tasks"]![0]!["deadlineHours"] = 2;
        var draft = current.ToJsonString();

        // The head of industrial equipment may not publish training's process.
        var refused = await stranger.PostAsync("/api/processes", new StringContent(draft, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The editor's check names the problem before anything is stored.
        var broken = JsonNode.Parse(draft)!;
        broken["initialStage"] = "nowhere";
        var check = await head.PostAsync("/api/processes/validate", new StringContent(broken.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, check.StatusCode);
        Assert.Contains((await Json(check)).GetProperty("errors").GetProperty("definition").EnumerateArray(), p => p.GetString()!.Contains("nowhere"));
        Assert.True((await Ok(await head.PostAsync("/api/processes/validate", new StringContent(draft, Encoding.UTF8, "application/json")))).GetProperty("valid").GetBoolean());

        var published = await Ok(await head.PostAsync("/api/processes", new StringContent(draft, Encoding.UTF8, "application/json")));
        Assert.Equal(before + 1, published.GetProperty("version").GetInt32());

        var fresh = await Ok(await owner.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "SAP-Schulung für Nordwerk", company = "Nordwerk GmbH", amount = 7200, currency = "EUR" }));
        Assert.Equal(before + 1, fresh.GetProperty("processVersion").GetInt32());
        var oldNow = await Ok(await owner.GetAsync($"/api/deals/{old.GetProperty("id").GetGuid()}"));
        Assert.Equal(before, oldNow.GetProperty("processVersion").GetInt32());

        // Which deals run which version (the read model catches up by itself).
        var versions = await Eventually(async () =>
        {
            var v = await Ok(await head.GetAsync("/api/processes/training-sales/versions"));
            var list = v.GetProperty("versions").EnumerateArray().ToList();
            return list.Any(x => x.GetProperty("version").GetInt32() == before + 1 && x.GetProperty("deals").GetInt32() == 1) ? v : (JsonElement?)null;
        });
        Assert.Equal("training", versions.GetProperty("owner").GetString());
        Assert.True(versions.GetProperty("versions").EnumerateArray().Single(x => x.GetProperty("version").GetInt32() == before).GetProperty("deals").GetInt32() >= 1);

        // A new kind becomes its head's department's; another head may not publish it.
        var mine = JsonNode.Parse(draft)!;
        mine["kind"] = "projects-workshop";
        mine["name"] = "Воркшоп по проекту";
        var projectsHead = await Node.ClientAsync("o.smirnova");
        await Ok(await projectsHead.PostAsync("/api/processes", new StringContent(mine.ToJsonString(), Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.Forbidden, (await head.PostAsync("/api/processes", new StringContent(mine.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        var admin = await Node.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/processes", new StringContent(mine.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task A_role_based_task_goes_to_the_least_loaded_holder_of_the_role()
    {
        // A process whose first stage gives the warehouse a task at once.
        var admin = await Node.ClientAsync("admin");
        var definition = JsonNode.Parse(await admin.GetStringAsync("/api/processes/training-sales"))!.AsObject();
        definition.Remove("version");
        definition["kind"] = "stock-check";
        definition["name"] = "Проверка наличия";
        definition["stages"]![0]!["tasks"] = new JsonArray(JsonNode.Parse("{ \"id\": \"check-stock\", \"title\": \"Наличие на складе\", \"executor\": { \"kind\": \"role\", \"role\": \"warehouse\" }, \"deadlineHours\": 8 }"));
        await Ok(await admin.PostAsync("/api/processes", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")));

        var manager = await Node.ClientAsync("m.sokolova");
        async Task<string> NewDealExecutor(int n)
        {
            var deal = await Ok(await manager.PostAsJsonAsync("/api/deals", new { processKind = "stock-check", title = $"Станок ТВ-{n} для «Уралмаш Сервис»", company = "Уралмаш Сервис", amount = 180000, currency = "RUB" }));
            return deal.GetProperty("tasks")[0].GetProperty("executor").GetString()!;
        }

        // Werner Lager is the only warehouse keeper of industrial equipment: three tasks are his.
        for (var n = 1; n <= 3; n++)
        {
            Assert.Equal("w.lager", await NewDealExecutor(n));
        }

        await using (var db = Npgsql.NpgsqlDataSource.Create(Node.ConnectionString))
        {
            await Eventually(async () =>
            {
                await using var cmd = db.CreateCommand("SELECT count(*)::int FROM deal_task WHERE executor = 'w.lager' AND status = 'Open'");
                return (int)(await cmd.ExecuteScalarAsync())! >= 3 ? JsonDocument.Parse("{}").RootElement : null;
            });
        }

        // A second keeper joins with nothing to do: the next three go to her, not by the deal id.
        await Ok(await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "f.lagerkvist", password = "Lagerhalle-Nord-7", displayName = "Frida Lagerkvist", roles = new[] { "warehouse" }, department = "industrial",
        }));
        Assert.Equal(3, (await UserView(admin, "w.lager")).GetProperty("openTasks").GetInt32());
        for (var n = 4; n <= 6; n++)
        {
            Assert.Equal("f.lagerkvist", await NewDealExecutor(n));
        }

        // Now both have three: the work is shared again.
        var next = new[] { await NewDealExecutor(7), await NewDealExecutor(8) };
        Assert.Equal(["f.lagerkvist", "w.lager"], next.Order());
    }

    [Fact]
    public async Task A_change_made_on_one_node_reaches_the_other_node_at_once()
    {
        await using var other = await TestNode.StartAsync(Node.ConnectionString);
        var directory = other.Services.GetRequiredService<SalesOrleans.ReadModel.UserDirectory>();
        var admin = await Node.ClientAsync("admin");
        var sokolova = await UserView(admin, "m.sokolova");
        await Ok(await admin.PutAsJsonAsync("/api/admin/users/m.sokolova", Person(sokolova, b => { b["extension"] = "299"; b["calendarId"] = "DE"; })));

        // Well inside the 30 s periodic reload: the other node heard the change announced.
        await Poll.Until(() => Task.FromResult(directory.Find("m.sokolova")?.Extension == "299"), "the other node did not reload its directory", 10);

        Assert.Contains(new DateOnly(2027, 5, 6), directory.CalendarOf("m.sokolova").Holidays);
    }

    [Fact]
    public async Task Overlapping_reloads_never_put_an_older_directory_back()
    {
        // The 30 s poll, a NOTIFY and an admin write each reload; a slow reload that read before a change must not win
        // over one that read after it (seen once: an admin read back the department he had just replaced).
        var directory = Node.Services.GetRequiredService<SalesOrleans.ReadModel.UserDirectory>();
        var db = Node.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var user = $"r{Guid.NewGuid():N}"[..12];
        await Node.Services.GetRequiredService<SalesOrleans.ReadModel.UserStore>().CreateUserIfMissingAsync(new SalesOrleans.ReadModel.UserRecord(user,
            "Rita Reload", $"{user}@salesorleans.test", ["manager"], "training", "700", "Europe/Berlin", new TimeOnly(9, 0), new TimeOnly(18, 0),
            [1, 2, 3, 4, 5], true), "not-a-login");
        var installed = -1; // the highest round whose reload (started after its write) has finished
        var regressions = new List<string>();
        using var stop = new CancellationTokenSource();

        async Task Background()
        {
            while (!stop.IsCancellationRequested)
            {
                await directory.ReloadAsync();
                var floor = Volatile.Read(ref installed);
                var seen = directory.Find(user)?.Extension;
                if (floor >= 0 && seen is { } ext && ext.StartsWith('7') && int.Parse(ext[1..]) < floor)
                {
                    lock (regressions)
                    {
                        regressions.Add($"round {floor}, saw {ext}");
                    }
                }
            }
        }

        var racers = Enumerable.Range(0, 3).Select(_ => Task.Run(Background)).ToArray();
        for (var round = 0; round < 40; round++)
        {
            await using (var update = db.CreateCommand("UPDATE app_user SET extension = $1 WHERE user_name = $2"))
            {
                update.Parameters.AddWithValue($"7{round:D2}");
                update.Parameters.AddWithValue(user);
                await update.ExecuteNonQueryAsync();
            }

            await directory.ReloadAsync();
            Volatile.Write(ref installed, round);
            Assert.Equal($"7{round:D2}", directory.Find(user)?.Extension);
        }

        stop.Cancel();
        await Task.WhenAll(racers);
        Assert.True(regressions.Count == 0, string.Join("; ", regressions));
    }

    private static Task<JsonElement> Eventually(Func<Task<JsonElement?>> probe) => Poll.Until(probe, "the read model did not catch up in 20 s", 20);

    /// <summary>The first Berlin working day (Mon–Fri) whose working hours are not over yet.</summary>
    private static DateOnly NextWorkingDay(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Berlin);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (local.Hour >= 17)
        {
            day = day.AddDays(1);
        }

        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
