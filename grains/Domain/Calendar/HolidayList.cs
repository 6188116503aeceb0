using System.Globalization;
using System.Text.Json;

namespace SalesOrleans.Domain.Calendar;

/// <summary>
/// What a calendar day is: a day off on a weekday (public holiday, bridge day), a working day on a weekend, or a
/// shortened working day (in Russia the working day right before a public holiday is one hour shorter, Labour Code
/// art. 95): the working day ends <see cref="CalendarDay.ShortenedMinutes"/> earlier.
/// </summary>
public enum CalendarDayKind
{
    Holiday,
    Workday,
    Short,
}

/// <summary>One special day of a working calendar; <paramref name="ShortenedMinutes"/> only for a short day.</summary>
public sealed record CalendarDay(DateOnly Date, CalendarDayKind Kind, string Name, int ShortenedMinutes = 0)
{
    /// <summary>How much shorter a short day is when the list does not say: one hour (Labour Code art. 95).</summary>
    public const int DefaultShortening = 60;

    public const int MaxShortening = 480;

    public static string KindName(CalendarDayKind kind) => kind switch
    {
        CalendarDayKind.Holiday => "holiday",
        CalendarDayKind.Short => "short",
        _ => "workday",
    };

    public static CalendarDayKind? ParseKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "holiday" or "off" or "выходной" or "праздник" or "feiertag" => CalendarDayKind.Holiday,
        "workday" or "working" or "рабочий" or "arbeitstag" => CalendarDayKind.Workday,
        "short" or "shortened" or "сокращённый" or "сокращенный" or "предпраздничный" or "verkürzt" or "kurztag" => CalendarDayKind.Short,
        _ => null,
    };

    /// <summary>"short", "short:90" (minutes) or "short:2h": the kind and how much shorter; null when not a kind.</summary>
    public static (CalendarDayKind Kind, int Minutes)? ParseKindWithShortening(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        var colon = trimmed.IndexOf(':');
        if (colon < 0)
        {
            return ParseKind(trimmed) is { } kind ? (kind, kind == CalendarDayKind.Short ? DefaultShortening : 0) : null;
        }

        if (ParseKind(trimmed[..colon]) != CalendarDayKind.Short)
        {
            return null;
        }

        var amount = trimmed[(colon + 1)..].Trim().ToLowerInvariant();
        var hours = amount.EndsWith('h');
        return int.TryParse(hours ? amount[..^1] : amount.TrimEnd('m', 'i', 'n'), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
               && (hours ? n * 60 : n) is var minutes and > 0 and <= MaxShortening
            ? (CalendarDayKind.Short, minutes)
            : null;
    }
}

/// <summary>
/// A country's or company's list of special days as an admin uploads it: CSV (<c>date;kind;name</c> or
/// <c>date,kind,name</c>, header optional, kind optional) or JSON (an array of <c>{date, kind, name}</c>, or an object
/// with such a <c>days</c> array). Kind is holiday, workday or short; a short day is one hour shorter unless the kind
/// says how much (<c>short:90</c>, <c>short:2h</c>; JSON may give <c>"minutes": 90</c> instead). Every problem is reported with its line or item number; nothing is partly taken.
/// </summary>
public static class HolidayList
{
    public const int MaxDays = 2000;
    public const int MaxNameLength = 200;
    public static readonly DateOnly Earliest = new(2000, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy"];

    public sealed record Result(IReadOnlyList<CalendarDay> Days, IReadOnlyList<string> Problems)
    {
        public bool Ok => Problems.Count == 0;
    }

    /// <summary>JSON when the text starts with '[' or '{', CSV otherwise.</summary>
    public static Result Parse(string text)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return trimmed.StartsWith('[') || trimmed.StartsWith('{') ? ParseJson(trimmed) : ParseCsv(trimmed);
    }

    public static Result ParseCsv(string text)
    {
        var rows = new List<(string Where, string? Date, string? Kind, string? Name)>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var separator = line.Contains(';') ? ';' : ',';
            var cells = line.Split(separator, 3).Select(c => c.Trim().Trim('"').Trim()).ToArray();
            if (rows.Count == 0 && i == FirstContentLine(lines) && cells[0].Equals("date", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var (kind, name) = cells.Length switch
            {
                1 => (null, null),
                2 => CalendarDay.ParseKindWithShortening(cells[1]) is not null ? (cells[1], null) : (null, cells[1]),
                _ => (cells[1], cells[2]),
            };
            rows.Add(($"line {i + 1}", cells[0], kind, name));
        }

        return Check(rows);
    }

    public static Result ParseJson(string text)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException ex)
        {
            return new Result([], [$"Not valid JSON: {ex.Message}"]);
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("days", out var days))
        {
            root = days;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            return new Result([], ["Expected an array of {\"date\", \"kind\", \"name\"} (or an object with such a \"days\" array)."]);
        }

        var rows = new List<(string Where, string? Date, string? Kind, string? Name)>();
        var n = 0;
        foreach (var item in root.EnumerateArray())
        {
            n++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                rows.Add(($"item {n}", null, null, null));
                continue;
            }

            var kind = Text(item, "kind");
            if (item.TryGetProperty("minutes", out var minutes) && minutes.ValueKind == JsonValueKind.Number)
            {
                kind = $"{kind}:{minutes.GetRawText()}";
            }

            rows.Add(($"item {n}", Text(item, "date"), kind, Text(item, "name")));
        }

        return Check(rows);
    }

    private static int FirstContentLine(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() is { Length: > 0 } l && !l.StartsWith('#'))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Result Check(List<(string Where, string? Date, string? Kind, string? Name)> rows)
    {
        var problems = new List<string>();
        var days = new List<CalendarDay>();
        var seen = new HashSet<DateOnly>();
        if (rows.Count == 0)
        {
            problems.Add("The list has no days.");
        }

        if (rows.Count > MaxDays)
        {
            return new Result([], [$"At most {MaxDays} days per upload ({rows.Count} given)."]);
        }

        foreach (var (where, dateText, kindText, nameText) in rows)
        {
            if (!DateOnly.TryParseExact(dateText?.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add($"{where}: '{dateText}' is not a date (YYYY-MM-DD or DD.MM.YYYY).");
                continue;
            }

            if (date < Earliest || date > Latest)
            {
                problems.Add($"{where}: {date:yyyy-MM-dd} is outside {Earliest.Year}–{Latest.Year}.");
                continue;
            }

            if (CalendarDay.ParseKindWithShortening(kindText) is not { } parsed)
            {
                problems.Add($"{where}: kind '{kindText}' is not 'holiday', 'workday' or 'short' (optionally 'short:90' minutes, 1–{CalendarDay.MaxShortening}).");
                continue;
            }

            var (kind, minutes) = parsed;
            var name = (nameText ?? "").Trim();
            if (name.Length > MaxNameLength || !TextHygiene.IsClean(name, multiline: false))
            {
                problems.Add($"{where}: the name is not plain text of at most {MaxNameLength} characters.");
                continue;
            }

            if (!seen.Add(date))
            {
                problems.Add($"{where}: {date:yyyy-MM-dd} appears twice.");
                continue;
            }

            days.Add(new CalendarDay(date, kind, name.Length > 0 ? name : KindDefaultName(kind), minutes));
        }

        return problems.Count > 0 ? new Result([], problems) : new Result(days.OrderBy(d => d.Date).ToArray(), []);
    }

    private static string KindDefaultName(CalendarDayKind kind) => kind switch
    {
        CalendarDayKind.Holiday => "Holiday",
        CalendarDayKind.Short => "Shortened working day",
        _ => "Working day",
    };
}
