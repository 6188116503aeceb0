using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record PersonRequest(
    string? UserName,
    string? Password,
    string? DisplayName,
    string? Email,
    string[]? Roles,
    string? Department,
    string? Extension,
    string? Language,
    string? CalendarId,
    string? TimeZone,
    string? WorkStart,
    string? WorkEnd,
    int[]? WorkDays,
    DateOnly? AbsentFrom,
    DateOnly? AbsentUntil,
    string? Deputy);

public sealed record DepartmentRequest(string? Name, string? Supervisor, string? CalendarId);

public sealed record CalendarRequest(string? Name, string? Country);

/// <summary>One special day: kind holiday, workday or short; minutes how much shorter a short day is (default 60).</summary>
public sealed record CalendarDayRequest(string? Kind, string? Name, int? Minutes);

public sealed record ProcessOwnerRequest(string? Department);

/// <summary>A department's routing keywords by language ("en", "ru", "de"); a language left out keeps its list, an empty list clears it.</summary>
public sealed record RoutingKeywordsRequest(Dictionary<string, string[]?>? Keywords);

/// <summary>A person as administration shows them: working hours, calendar (own and effective), absence, open tasks.</summary>
public sealed record PersonView(string UserName, string DisplayName, string? Email, IReadOnlyList<string> Roles, string? Department, string? Extension,
    string? CalendarId, string? EffectiveCalendar, string TimeZone, string WorkStart, string WorkEnd, IReadOnlyList<int> WorkDays,
    DateOnly? AbsentFrom, DateOnly? AbsentUntil, string? Deputy, bool Active, int OpenTasks, string? Language);

/// <summary>A department with its active head count and routing keywords by language.</summary>
public sealed record DepartmentView(string Id, string Name, string? Supervisor, string? CalendarId, int People,
    Dictionary<string, IReadOnlyList<string>> Keywords);

/// <summary>A department's routing keywords by language.</summary>
public sealed record DepartmentKeywordsView(string Department, Dictionary<string, IReadOnlyList<string>> Keywords);

/// <summary>Which department owns a process kind (null: none).</summary>
public sealed record ProcessOwnerView(string Kind, string? Department);

/// <summary>A working calendar in the list: the years it covers and how many special days of each kind.</summary>
public sealed record CalendarSummary(string Id, string Name, string? Country, int[] Years, int Holidays, int Workdays, int ShortDays);

/// <summary>A working calendar with its special days (of one year when asked).</summary>
public sealed record CalendarView(string Id, string Name, string? Country, IEnumerable<CalendarDayView> Days);

/// <summary>One special day: date YYYY-MM-DD, kind holiday, workday or short, and how many minutes shorter.</summary>
public sealed record CalendarDayView(string Date, string Kind, string Name, int Minutes);

/// <summary>A calendar as saved.</summary>
public sealed record CalendarSaved(string Id, string Name, string? Country);

/// <summary>A holiday list imported: how many years it replaced and how many days it brought.</summary>
public sealed record CalendarDaysImported(string Id, int Years, int Days);

/// <summary>One special day as saved.</summary>
public sealed record CalendarDaySaved(string Date, string Kind, string Name, int Minutes);

/// <summary>
/// Administration without a technician: people (admin for everyone, a department head for their own people),
/// departments, working calendars with holiday imports, and which department owns a process kind. Every change is
/// announced to all nodes (PostgreSQL NOTIFY), which reload their people directory at once.
/// </summary>
public static partial class AdminEndpoints
{
    private const int MaxText = 200;

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/admin/users").WithTags("Administration").Requires(Capability.UserManage);
        people.MapGet("/", ListPeople);
        people.MapPost("/", CreatePerson);
        people.MapPut("/{user}", UpdatePerson);
        // A head switches their own people on and off; the admin-only /api/users/{user}/active does the same for anyone.
        people.MapPut("/{user}/active", SetPersonActive);

        var departments = app.MapGroup("/api/admin/departments").WithTags("Administration");
        departments.MapGet("/", ListDepartments).Requires(Capability.PeopleRead);
        departments.MapGet("/{department}/keywords", GetKeywords).Requires(Capability.PeopleRead, Resource.Department());
        // An admin for every department, a head for their own (the access layer scopes it by the route's department).
        departments.MapPut("/{department}/keywords", SetKeywords).Requires(Capability.RoutingKeywords, Resource.Department());
        departments.MapPut("/{department}", SaveDepartment).Requires(Capability.DepartmentAdmin);

        app.MapPut("/api/admin/processes/{kind}/owner", SetProcessOwner).WithTags("Administration").Requires(Capability.DepartmentAdmin);

        var calendarsGroup = app.MapGroup("/api/calendars").WithTags("Administration");
        calendarsGroup.MapGet("/", ListCalendars).Requires(Capability.PeopleRead);
        calendarsGroup.MapGet("/{id}", GetCalendar).Requires(Capability.PeopleRead);
        calendarsGroup.MapPut("/{id}", SaveCalendar).Requires(Capability.CalendarAdmin);
        // The body is the list itself: CSV (date;kind;name) or JSON ([{date, kind, name}]). The years it covers are replaced.
        calendarsGroup.MapPost("/{id}/days", ImportDays).Accepts<string>("text/csv", "application/json", "text/plain").Requires(Capability.CalendarAdmin);
        // One day set on the page: a holiday, a worked weekend day, or a short day (minutes shorter, one hour by default).
        calendarsGroup.MapPut("/{id}/days/{date}", SetDay).Requires(Capability.CalendarAdmin);
        calendarsGroup.MapDelete("/{id}/days/{date}", DeleteDay).Requires(Capability.CalendarAdmin);
    }

    /// <summary>
    /// What every administration change is given: who makes it, the directory it checks against and reloads, and the
    /// calendar store that announces the change to every node (<see cref="Announce"/>).
    /// </summary>
    public readonly record struct AdminServices(ClaimsPrincipal Actor, UserDirectory Directory, CalendarStore Calendars, CancellationToken Ct);

    private static Ok<IEnumerable<PersonView>> ListPeople(ClaimsPrincipal actor, UserDirectory directory) =>
        TypedResults.Ok(directory.Users.Where(u => actor.IsAdmin() || u.Department == actor.DepartmentOf()).Select(u => View(u, directory)));

    private static async Task<Results<Created<PersonView>, ProblemHttpResult>> CreatePerson(PersonRequest body, UserAdminStore store, [AsParameters] AdminServices s)
    {
        var directory = s.Directory;
        var userName = body.UserName?.Trim() ?? "";
        if (!UserNamePattern().IsMatch(userName))
        {
            return Problems.Invalid("userName", "'userName' is 2–64 lower-case letters, digits, dots, dashes or underscores, starting with a letter (e.g. 'j.mueller').");
        }

        if (directory.Find(userName) is not null)
        {
            return Problems.Invalid("userName", $"'{userName}' already exists.");
        }

        if (Credentials.WeakPassword(userName, body.Password) is { } weak)
        {
            return Problems.Invalid("password", weak);
        }

        var check = Check(body, s.Actor, directory, null);
        if (check.Result is { } invalid)
        {
            return invalid;
        }

        var change = check.Change!;
        if (!await store.CreateAsync(userName, Credentials.HashPassword(userName, body.Password!), change, s.Ct))
        {
            return Problems.Invalid("userName", $"'{userName}' already exists.");
        }

        await Announce(s);
        return TypedResults.Created($"/api/admin/users/{userName}", View(directory.Find(userName)!, directory));
    }

    private static async Task<Results<Ok<PersonView>, ProblemHttpResult>> UpdatePerson(string user, PersonRequest body, UserAdminStore store,
        [AsParameters] AdminServices s)
    {
        if (s.Directory.Find(user) is not { } current)
        {
            return Problems.NotFound($"No user '{user}'.");
        }

        var check = Check(body, s.Actor, s.Directory, current);
        if (check.Result is { } invalid)
        {
            return invalid;
        }

        await store.UpdateAsync(user, check.Change!, s.Ct);
        await Announce(s);
        return TypedResults.Ok(View(s.Directory.Find(user)!, s.Directory));
    }

    private static async Task<Results<Ok<UserActiveView>, ProblemHttpResult>> SetPersonActive(string user, UserActiveRequest body, AccountStore accounts,
        Sessions sessions, [AsParameters] AdminServices s)
    {
        if (s.Directory.Find(user) is not { } current || (!s.Actor.IsAdmin() && current.Department != s.Actor.DepartmentOf()))
        {
            return Problems.NotFound($"No user '{user}' in your department.");
        }

        if (body.Active is not { } active)
        {
            return Problems.Invalid("active", "'active' is required (true or false).");
        }

        if (!active && user == s.Actor.Name())
        {
            return Problems.Invalid("active", "Nobody deactivates themselves.");
        }

        await accounts.SetActiveAsync(user, active, s.Ct);
        var ended = active ? 0 : await sessions.EndAllAsync(user, null, s.Ct);
        await Announce(s);
        return TypedResults.Ok(new UserActiveView(user, active, ended));
    }

    private static Ok<IEnumerable<DepartmentView>> ListDepartments(UserDirectory directory) =>
        TypedResults.Ok(directory.Departments.Select(d => new DepartmentView(
            d.Id, d.Name, d.Supervisor, d.CalendarId,
            directory.Users.Count(u => u.Active && u.Department == d.Id),
            KeywordsOf(directory, d.Id))));

    private static Ok<DepartmentKeywordsView> GetKeywords(string department, UserDirectory directory) =>
        TypedResults.Ok(new DepartmentKeywordsView(department, KeywordsOf(directory, department)));

    private static async Task<Results<Ok<DepartmentKeywordsView>, ProblemHttpResult>> SetKeywords(string department, RoutingKeywordsRequest body,
        RoutingKeywordStore store, [AsParameters] AdminServices s)
    {
        if (body.Keywords is not { Count: > 0 } byLanguage)
        {
            return Problems.Invalid("keywords", "'keywords' is an object of lists by language, e.g. {\"de\": [\"Pumpe\"], \"ru\": [\"насос\"]}.");
        }

        if (KeywordMatcher.Validate(byLanguage).FirstOrDefault() is { Field: not null } problem)
        {
            return Problems.Invalid(problem.Field, problem.Message);
        }

        var clean = byLanguage.ToDictionary(l => l.Key, l => (l.Value ?? []).Select(k => k.Trim()).ToArray());
        await store.ReplaceAsync(department, clean, s.Actor.Name(), s.Ct);
        await Announce(s);
        return TypedResults.Ok(new DepartmentKeywordsView(department, KeywordsOf(s.Directory, department)));
    }

    private static async Task<Results<Ok<DepartmentRecord>, ProblemHttpResult>> SaveDepartment(string department, DepartmentRequest body, UserStore users,
        [AsParameters] AdminServices s)
    {
        var directory = s.Directory;
        if (!IdPattern().IsMatch(department))
        {
            return Problems.Invalid("department", "A department id is 2–40 lower-case letters, digits or dashes (e.g. 'service-east').");
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > MaxText || !TextHygiene.IsClean(body.Name, multiline: false))
        {
            return Problems.Invalid("name", $"'name' is required (plain text, at most {MaxText} characters).");
        }

        if (body.Supervisor is { Length: > 0 } head && directory.Find(head) is not { Active: true })
        {
            return Problems.Invalid("supervisor", $"Unknown or inactive user '{head}'.");
        }

        if (body.CalendarId is { Length: > 0 } calendar && directory.Calendars.All(c => c.Id != calendar))
        {
            return Problems.Invalid("calendarId", $"Unknown calendar '{calendar}'.");
        }

        await users.UpsertDepartmentAsync(new DepartmentRecord(department, body.Name.Trim(), NullIfEmpty(body.Supervisor), NullIfEmpty(body.CalendarId)), s.Ct);
        if (string.IsNullOrEmpty(body.CalendarId))
        {
            // The upsert keeps an existing calendar when none is given; an empty one clears it.
            await users.ClearDepartmentCalendarAsync(department, s.Ct);
        }

        await Announce(s);
        // The record as the directory now has it: {id, name, supervisor, calendarId}.
        return TypedResults.Ok(directory.Departments.First(d => d.Id == department));
    }

    private static async Task<Results<Ok<ProcessOwnerView>, ProblemHttpResult>> SetProcessOwner(string kind, ProcessOwnerRequest body, UserDirectory directory,
        UserAdminStore store, SalesOrleans.Processes.IProcessCatalog catalog, CancellationToken ct)
    {
        if (await catalog.GetLatestAsync(kind, ct) is null)
        {
            return Problems.NotFound($"Unknown process '{kind}'.");
        }

        if (body.Department is { Length: > 0 } d && directory.Departments.All(x => x.Id != d))
        {
            return Problems.Invalid("department", $"Unknown department '{d}'.");
        }

        await store.SetProcessOwnerAsync(kind, NullIfEmpty(body.Department), ct);
        return TypedResults.Ok(new ProcessOwnerView(kind, NullIfEmpty(body.Department)));
    }

    private static Ok<IEnumerable<CalendarSummary>> ListCalendars(UserDirectory directory) =>
        TypedResults.Ok(directory.Calendars.Select(c => new CalendarSummary(
            c.Id, c.Name, c.Country,
            c.Days.Select(d => d.Date.Year).Distinct().Order().ToArray(),
            c.Days.Count(d => d.Kind == CalendarDayKind.Holiday),
            c.Days.Count(d => d.Kind == CalendarDayKind.Workday),
            c.Days.Count(d => d.Kind == CalendarDayKind.Short))));

    private static Results<Ok<CalendarView>, ProblemHttpResult> GetCalendar(string id, int? year, UserDirectory directory) =>
        directory.Calendars.FirstOrDefault(c => c.Id == id) is { } c
            ? TypedResults.Ok(new CalendarView(
                c.Id, c.Name, c.Country,
                c.Days.Where(d => year is null || d.Date.Year == year)
                    .Select(d => new CalendarDayView(d.Date.ToString("yyyy-MM-dd"), CalendarDay.KindName(d.Kind), d.Name, d.ShortenedMinutes))))
            : Problems.NotFound($"No calendar '{id}'.");

    private static async Task<Results<Ok<CalendarSaved>, ProblemHttpResult>> SaveCalendar(string id, CalendarRequest body, [AsParameters] AdminServices s)
    {
        if (!CalendarIdPattern().IsMatch(id))
        {
            return Problems.Invalid("id", "A calendar id is 1–40 letters, digits, dots, dashes or underscores (e.g. 'RU', 'DE-BY').");
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > MaxText || !TextHygiene.IsClean(body.Name, multiline: false))
        {
            return Problems.Invalid("name", $"'name' is required (plain text, at most {MaxText} characters).");
        }

        if (body.Country is { Length: > 0 } country && !CountryPattern().IsMatch(country))
        {
            return Problems.Invalid("country", "'country' is a two-letter ISO code such as 'RU' or 'DE'.");
        }

        await s.Calendars.UpsertAsync(id, body.Name.Trim(), NullIfEmpty(body.Country?.ToUpperInvariant()), s.Ct);
        await Announce(s);
        return TypedResults.Ok(new CalendarSaved(id, body.Name.Trim(), NullIfEmpty(body.Country?.ToUpperInvariant())));
    }

    private static async Task<Results<Ok<CalendarDaysImported>, ProblemHttpResult>> ImportDays(string id, HttpRequest request, [AsParameters] AdminServices s)
    {
        if (s.Directory.Calendars.All(c => c.Id != id))
        {
            return Problems.NotFound($"No calendar '{id}': create it first (PUT /api/calendars/{id}).");
        }

        string text;
        using (var reader = new StreamReader(request.Body))
        {
            var buffer = new char[512 * 1024 + 1];
            var read = await reader.ReadBlockAsync(buffer, s.Ct);
            if (read > 512 * 1024)
            {
                return Problems.Invalid("days", "The list is larger than 512 KB.");
            }

            text = new string(buffer, 0, read);
        }

        var parsed = HolidayList.Parse(text);
        if (!parsed.Ok)
        {
            // What Results.ValidationProblem writes: a 400 listing every problem of the list.
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["days"] = parsed.Problems.ToArray() })
            {
                Detail = $"The list has {parsed.Problems.Count} problem(s); nothing was imported.",
                Title = "Invalid holiday list",
            });
        }

        var (years, days) = await s.Calendars.ImportAsync(id, parsed.Days, s.Ct);
        await Announce(s);
        return TypedResults.Ok(new CalendarDaysImported(id, years, days));
    }

    private static async Task<Results<Ok<CalendarDaySaved>, ProblemHttpResult>> SetDay(string id, string date, CalendarDayRequest body, [AsParameters] AdminServices s)
    {
        if (s.Directory.Calendars.All(c => c.Id != id))
        {
            return Problems.NotFound($"No calendar '{id}'.");
        }

        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", out var day) || day < HolidayList.Earliest || day > HolidayList.Latest)
        {
            return Problems.Invalid("date", $"'date' is YYYY-MM-DD between {HolidayList.Earliest.Year} and {HolidayList.Latest.Year}.");
        }

        if (CalendarDay.ParseKind(body.Kind) is not { } kind || string.IsNullOrWhiteSpace(body.Kind))
        {
            return Problems.Invalid("kind", "'kind' is 'holiday', 'workday' or 'short'.");
        }

        var minutes = kind == CalendarDayKind.Short ? body.Minutes ?? CalendarDay.DefaultShortening : 0;
        if (kind == CalendarDayKind.Short && minutes is < 1 or > CalendarDay.MaxShortening)
        {
            return Problems.Invalid("minutes", $"'minutes' (how much shorter the day is) is 1–{CalendarDay.MaxShortening}.");
        }

        if (kind != CalendarDayKind.Short && body.Minutes is > 0)
        {
            return Problems.Invalid("minutes", "Only a short day is shorter by minutes.");
        }

        var name = body.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > HolidayList.MaxNameLength || !TextHygiene.IsClean(name, multiline: false))
        {
            return Problems.Invalid("name", $"'name' is required (plain text, at most {HolidayList.MaxNameLength} characters).");
        }

        var saved = new CalendarDay(day, kind, name, minutes);
        await s.Calendars.SetDayAsync(id, saved, s.Ct);
        await Announce(s);
        return TypedResults.Ok(new CalendarDaySaved(date, CalendarDay.KindName(kind), name, minutes));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDay(string id, string date, [AsParameters] AdminServices s)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", out var day))
        {
            return Problems.Invalid("date", "'date' is YYYY-MM-DD.");
        }

        if (!await s.Calendars.DeleteDayAsync(id, day, s.Ct))
        {
            return Problems.NotFound($"Calendar '{id}' has no special day {date}.");
        }

        await Announce(s);
        return TypedResults.NoContent();
    }

    private sealed record Checked(ProblemHttpResult? Result, UserChange? Change);

    /// <summary>No result: valid, <see cref="Checked.Change"/> holds the change. Otherwise the 400 naming the field.</summary>
    private static Checked Check(PersonRequest body, ClaimsPrincipal actor, UserDirectory directory, UserRecord? current)
    {
        static Checked Bad(string field, string message) => new(Problems.Invalid(field, message), null);

        if (string.IsNullOrWhiteSpace(body.DisplayName) || body.DisplayName.Trim().Length > MaxText || !TextHygiene.IsClean(body.DisplayName, multiline: false))
        {
            return Bad("displayName", $"'displayName' is required (plain text, at most {MaxText} characters).");
        }

        var roles = (body.Roles ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToArray();
        var department = NullIfEmpty(body.Department);
        if (department is not null && directory.Departments.All(d => d.Id != department))
        {
            return Bad("department", $"Unknown department '{department}'.");
        }

        if (PersonAdminRule.Check(actor.IsAdmin(), actor.DepartmentOf(), current?.Department, current is null, department, current?.Roles ?? [], roles) is { } refused)
        {
            return Bad(refused.Field, refused.Message);
        }

        var email = NullIfEmpty(body.Email);
        if (email is not null && (email.Length > MaxText || !EmailPattern().IsMatch(email)))
        {
            return Bad("email", "'email' is not an e-mail address.");
        }

        var extension = NullIfEmpty(body.Extension);
        if (extension is not null)
        {
            if (!ExtensionPattern().IsMatch(extension))
            {
                return Bad("extension", "'extension' is 2–8 digits.");
            }

            if (directory.Users.FirstOrDefault(u => u.Active && u.Extension == extension && u.UserName != current?.UserName) is { } holder)
            {
                return Bad("extension", $"Extension {extension} belongs to {holder.DisplayName} ({holder.UserName}).");
            }
        }

        var language = NullIfEmpty(body.Language);
        if (language is not null && !Languages.Supported.Contains(language))
        {
            return Bad("language", $"'language' is one of {string.Join(", ", Languages.Supported)} (or empty: the browser's).");
        }

        var calendar = NullIfEmpty(body.CalendarId);
        if (calendar is not null && directory.Calendars.All(c => c.Id != calendar))
        {
            return Bad("calendarId", $"Unknown calendar '{calendar}' (empty: the department's).");
        }

        var zone = NullIfEmpty(body.TimeZone) ?? current?.TimeZone ?? "Europe/Berlin";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Bad("timeZone", $"Unknown time zone '{zone}': use an IANA id such as 'Europe/Moscow'.");
        }

        if (!TryTime(body.WorkStart, current?.WorkStart ?? new TimeOnly(9, 0), out var start))
        {
            return Bad("workStart", "'workStart' is HH:mm.");
        }

        if (!TryTime(body.WorkEnd, current?.WorkEnd ?? new TimeOnly(18, 0), out var end))
        {
            return Bad("workEnd", "'workEnd' is HH:mm (00:00 means midnight).");
        }

        var days = body.WorkDays ?? current?.WorkDays.ToArray() ?? [1, 2, 3, 4, 5];
        if (days.Length == 0 || days.Any(d => d is < 1 or > 7))
        {
            return Bad("workDays", "'workDays' are one or more ISO day numbers (1 = Monday … 7 = Sunday).");
        }

        try
        {
            _ = new WorkingCalendar(zone, days.Select(d => (DayOfWeek)(d % 7)), start, end);
        }
        catch (ArgumentException ex)
        {
            return Bad("workEnd", ex.Message);
        }

        if (body.AbsentUntil is { } until && (body.AbsentFrom is not { } from || until < from))
        {
            return Bad("absentUntil", "'absentUntil' needs 'absentFrom' and is on or after it.");
        }

        var deputy = NullIfEmpty(body.Deputy);
        if (deputy is not null && (directory.Find(deputy) is not { Active: true } || deputy == current?.UserName || deputy == body.UserName))
        {
            return Bad("deputy", $"'deputy' is another active user ('{deputy}' is not).");
        }

        if (body.AbsentFrom is not null && deputy is null)
        {
            return Bad("deputy", "An absence needs a deputy who takes the new tasks meanwhile.");
        }

        return new Checked(null, new UserChange(body.DisplayName.Trim(), email, roles, department, extension, language, calendar, zone, start, end,
            days.Distinct().Order().ToArray(), body.AbsentFrom, body.AbsentUntil, deputy));
    }

    private static bool TryTime(string? text, TimeOnly fallback, out TimeOnly value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        return TimeOnly.TryParseExact(text.Trim(), ["HH:mm", "HH:mm:ss"], out value);
    }

    private static PersonView View(UserRecord u, UserDirectory directory) => new(
        u.UserName, u.DisplayName, u.Email, u.Roles, u.Department, u.Extension, u.CalendarId,
        directory.CalendarIdOf(u),
        u.TimeZone, u.WorkStart.ToString("HH:mm"), u.WorkEnd.ToString("HH:mm"), u.WorkDays,
        u.AbsentFrom, u.AbsentUntil, u.Deputy, u.Active,
        directory.OpenTasks(u.UserName),
        u.Language);

    /// <summary>Reloads this node now (the answer shows the change) and tells every other node to.</summary>
    private static async Task Announce(AdminServices s)
    {
        await s.Directory.ReloadAsync(s.Ct);
        await s.Calendars.NotifyDirectoryChangedAsync(s.Ct);
    }

    private static Dictionary<string, IReadOnlyList<string>> KeywordsOf(UserDirectory directory, string department) =>
        KeywordMatcher.Languages.ToDictionary(l => l, l => directory.RoutingKeywords.FirstOrDefault(k => k.Department == department && k.Language == l)?.Keywords ?? []);

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex("^[a-z][a-z0-9._-]{1,63}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex CalendarIdPattern();

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[0-9]{2,8}$")]
    private static partial Regex ExtensionPattern();
}
