using System.Security.Claims;
using System.Text.RegularExpressions;
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

        people.MapGet("/", (ClaimsPrincipal actor, UserDirectory directory) =>
            directory.Users.Where(u => actor.IsAdmin() || u.Department == actor.DepartmentOf()).Select(u => View(u, directory)));

        people.MapPost("/", async (PersonRequest body, ClaimsPrincipal actor, UserDirectory directory, UserAdminStore store, CalendarStore calendars, CancellationToken ct) =>
        {
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

            var check = Check(body, actor, directory, null);
            if (check.Result is { } invalid)
            {
                return invalid;
            }

            var change = check.Change!;
            if (!await store.CreateAsync(userName, Credentials.HashPassword(userName, body.Password!), change, ct))
            {
                return Problems.Invalid("userName", $"'{userName}' already exists.");
            }

            await Announce(directory, calendars, ct);
            return Results.Created($"/api/admin/users/{userName}", View(directory.Find(userName)!, directory));
        });

        people.MapPut("/{user}", async (string user, PersonRequest body, ClaimsPrincipal actor, UserDirectory directory, UserAdminStore store, CalendarStore calendars, CancellationToken ct) =>
        {
            if (directory.Find(user) is not { } current)
            {
                return Problems.NotFound($"No user '{user}'.");
            }

            var check = Check(body, actor, directory, current);
            if (check.Result is { } invalid)
            {
                return invalid;
            }

            await store.UpdateAsync(user, check.Change!, ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(View(directory.Find(user)!, directory));
        });

        // A head switches their own people on and off; the admin-only /api/users/{user}/active does the same for anyone.
        people.MapPut("/{user}/active", async (string user, UserActiveRequest body, ClaimsPrincipal actor, UserDirectory directory, AccountStore accounts,
            Sessions sessions, CalendarStore calendars, CancellationToken ct) =>
        {
            if (directory.Find(user) is not { } current || (!actor.IsAdmin() && current.Department != actor.DepartmentOf()))
            {
                return Problems.NotFound($"No user '{user}' in your department.");
            }

            if (body.Active is not { } active)
            {
                return Problems.Invalid("active", "'active' is required (true or false).");
            }

            if (!active && user == actor.Name())
            {
                return Problems.Invalid("active", "Nobody deactivates themselves.");
            }

            await accounts.SetActiveAsync(user, active, ct);
            var ended = active ? 0 : await sessions.EndAllAsync(user, null, ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(new { userName = user, active, endedSessions = ended });
        });

        var departments = app.MapGroup("/api/admin/departments").WithTags("Administration");

        departments.MapGet("/", (UserDirectory directory) => directory.Departments.Select(d => new
        {
            d.Id, d.Name, d.Supervisor, d.CalendarId,
            People = directory.Users.Count(u => u.Active && u.Department == d.Id),
            Keywords = KeywordsOf(directory, d.Id),
        })).Requires(Capability.PeopleRead);

        departments.MapGet("/{department}/keywords", (string department, UserDirectory directory) =>
            Results.Ok(new { department, keywords = KeywordsOf(directory, department) })).Requires(Capability.PeopleRead, Resource.Department());

        // An admin for every department, a head for their own (the access layer scopes it by the route's department).
        departments.MapPut("/{department}/keywords", async (string department, RoutingKeywordsRequest body, ClaimsPrincipal actor, UserDirectory directory,
            RoutingKeywordStore store, CalendarStore calendars, CancellationToken ct) =>
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
            await store.ReplaceAsync(department, clean, actor.Name(), ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(new { department, keywords = KeywordsOf(directory, department) });
        }).Requires(Capability.RoutingKeywords, Resource.Department());

        departments.MapPut("/{department}", async (string department, DepartmentRequest body, UserDirectory directory, UserStore users, CalendarStore calendars, CancellationToken ct) =>
        {
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

            await users.UpsertDepartmentAsync(new DepartmentRecord(department, body.Name.Trim(), NullIfEmpty(body.Supervisor), NullIfEmpty(body.CalendarId)), ct);
            if (string.IsNullOrEmpty(body.CalendarId))
            {
                // The upsert keeps an existing calendar when none is given; an empty one clears it.
                await users.ClearDepartmentCalendarAsync(department, ct);
            }

            await Announce(directory, calendars, ct);
            var saved = directory.Departments.First(d => d.Id == department);
            return Results.Ok(new { saved.Id, saved.Name, saved.Supervisor, saved.CalendarId });
        }).Requires(Capability.DepartmentAdmin);

        app.MapPut("/api/admin/processes/{kind}/owner", async (string kind, ProcessOwnerRequest body, UserDirectory directory, UserAdminStore store,
            SalesOrleans.Processes.IProcessCatalog catalog, CancellationToken ct) =>
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
            return Results.Ok(new { kind, department = NullIfEmpty(body.Department) });
        }).WithTags("Administration").Requires(Capability.DepartmentAdmin);

        var calendarsGroup = app.MapGroup("/api/calendars").WithTags("Administration");

        calendarsGroup.MapGet("/", (UserDirectory directory) => directory.Calendars.Select(c => new
        {
            c.Id, c.Name, c.Country,
            Years = c.Days.Select(d => d.Date.Year).Distinct().Order().ToArray(),
            Holidays = c.Days.Count(d => d.Kind == CalendarDayKind.Holiday),
            Workdays = c.Days.Count(d => d.Kind == CalendarDayKind.Workday),
            ShortDays = c.Days.Count(d => d.Kind == CalendarDayKind.Short),
        })).Requires(Capability.PeopleRead);

        calendarsGroup.MapGet("/{id}", (string id, int? year, UserDirectory directory) =>
            directory.Calendars.FirstOrDefault(c => c.Id == id) is { } c
                ? Results.Ok(new
                {
                    c.Id, c.Name, c.Country,
                    Days = c.Days.Where(d => year is null || d.Date.Year == year)
                        .Select(d => new { Date = d.Date.ToString("yyyy-MM-dd"), Kind = CalendarDay.KindName(d.Kind), d.Name, Minutes = d.ShortenedMinutes }),
                })
                : Problems.NotFound($"No calendar '{id}'.")).Requires(Capability.PeopleRead);

        calendarsGroup.MapPut("/{id}", async (string id, CalendarRequest body, UserDirectory directory, CalendarStore calendars, CancellationToken ct) =>
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

            await calendars.UpsertAsync(id, body.Name.Trim(), NullIfEmpty(body.Country?.ToUpperInvariant()), ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(new { id, name = body.Name.Trim(), country = NullIfEmpty(body.Country?.ToUpperInvariant()) });
        }).Requires(Capability.CalendarAdmin);

        // The body is the list itself: CSV (date;kind;name) or JSON ([{date, kind, name}]). The years it covers are replaced.
        calendarsGroup.MapPost("/{id}/days", async (string id, HttpRequest request, UserDirectory directory, CalendarStore calendars, CancellationToken ct) =>
        {
            if (directory.Calendars.All(c => c.Id != id))
            {
                return Problems.NotFound($"No calendar '{id}': create it first (PUT /api/calendars/{id}).");
            }

            string text;
            using (var reader = new StreamReader(request.Body))
            {
                var buffer = new char[512 * 1024 + 1];
                var read = await reader.ReadBlockAsync(buffer, ct);
                if (read > 512 * 1024)
                {
                    return Problems.Invalid("days", "The list is larger than 512 KB.");
                }

                text = new string(buffer, 0, read);
            }

            var parsed = HolidayList.Parse(text);
            if (!parsed.Ok)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["days"] = parsed.Problems.ToArray() },
                    detail: $"The list has {parsed.Problems.Count} problem(s); nothing was imported.", title: "Invalid holiday list");
            }

            var (years, days) = await calendars.ImportAsync(id, parsed.Days, ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(new { id, years, days });
        }).Accepts<string>("text/csv", "application/json", "text/plain").Requires(Capability.CalendarAdmin);

        // One day set on the page: a holiday, a worked weekend day, or a short day (minutes shorter, one hour by default).
        calendarsGroup.MapPut("/{id}/days/{date}", async (string id, string date, CalendarDayRequest body, UserDirectory directory, CalendarStore calendars, CancellationToken ct) =>
        {
            if (directory.Calendars.All(c => c.Id != id))
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
            await calendars.SetDayAsync(id, saved, ct);
            await Announce(directory, calendars, ct);
            return Results.Ok(new { date, kind = CalendarDay.KindName(kind), name, minutes });
        }).Requires(Capability.CalendarAdmin);

        calendarsGroup.MapDelete("/{id}/days/{date}", async (string id, string date, UserDirectory directory, CalendarStore calendars, CancellationToken ct) =>
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", out var day))
            {
                return Problems.Invalid("date", "'date' is YYYY-MM-DD.");
            }

            if (!await calendars.DeleteDayAsync(id, day, ct))
            {
                return Problems.NotFound($"Calendar '{id}' has no special day {date}.");
            }

            await Announce(directory, calendars, ct);
            return Results.NoContent();
        }).Requires(Capability.CalendarAdmin);
    }

    private sealed record Checked(IResult? Result, UserChange? Change);

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
            return Bad("email", "'email' is an address such as 'j.mueller@example.de'.");
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

    private static object View(UserRecord u, UserDirectory directory) => new
    {
        u.UserName, u.DisplayName, u.Email, u.Roles, u.Department, u.Extension, u.CalendarId,
        EffectiveCalendar = directory.CalendarIdOf(u),
        u.TimeZone, WorkStart = u.WorkStart.ToString("HH:mm"), WorkEnd = u.WorkEnd.ToString("HH:mm"), u.WorkDays,
        u.AbsentFrom, u.AbsentUntil, u.Deputy, u.Active,
        OpenTasks = directory.OpenTasks(u.UserName),
        u.Language,
    };

    /// <summary>Reloads this node now (the answer shows the change) and tells every other node to.</summary>
    private static async Task Announce(UserDirectory directory, CalendarStore calendars, CancellationToken ct)
    {
        await directory.ReloadAsync(ct);
        await calendars.NotifyDirectoryChangedAsync(ct);
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
