namespace SalesOrleans.Domain.Calendar;

/// <summary>
/// A person's working hours: the days and the daily window they work in their own time zone, minus holidays.
/// Task deadlines and escalations are counted in these hours, so a deadline set on Friday evening does not expire
/// over the weekend. Works day by day in local time, so DST changes and holidays need no special arithmetic.
/// Immutable.
/// </summary>
public sealed class WorkingCalendar
{
    public static readonly TimeOnly DefaultDayStart = new(9, 0);

    public static readonly TimeOnly DefaultDayEnd = new(18, 0);

    public static readonly IReadOnlyList<DayOfWeek> DefaultWorkingDays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly IReadOnlyList<DayOfWeek> AllDays = Enum.GetValues<DayOfWeek>();

    // How far back to look for the offset in force before a spring-forward gap; covers even a skipped day.
    private static readonly TimeSpan GapProbeStep = TimeSpan.FromMinutes(15);
    private const int GapProbeLimit = 200;

    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workingDates;
    private readonly Dictionary<DateOnly, TimeSpan> _shortened;

    /// <param name="timeZoneId">An IANA time zone id such as "Europe/Berlin".</param>
    /// <param name="workingDays">Days worked each week; Monday to Friday when null.</param>
    /// <param name="dayStart">Start of the working day; 09:00 when null.</param>
    /// <param name="dayEnd">End of the working day; 18:00 when null; 00:00 means midnight at the end of the day.</param>
    /// <param name="holidays">Local dates not worked even when they fall on a working day.</param>
    public WorkingCalendar(
        string timeZoneId,
        IEnumerable<DayOfWeek>? workingDays = null,
        TimeOnly? dayStart = null,
        TimeOnly? dayEnd = null,
        IEnumerable<DateOnly>? holidays = null,
        IEnumerable<DateOnly>? workingDates = null,
        IReadOnlyDictionary<DateOnly, TimeSpan>? shortenedDays = null)
        : this(FindZone(timeZoneId), workingDays, dayStart, dayEnd, holidays, workingDates, shortenedDays)
    {
    }

    /// <param name="workingDates">Local dates worked although their weekday is off (a Saturday worked for a bridged holiday).</param>
    /// <param name="shortenedDays">Local working dates that end earlier by the given time (a pre-holiday day: one hour); never before the day starts.</param>
    public WorkingCalendar(
        TimeZoneInfo timeZone,
        IEnumerable<DayOfWeek>? workingDays = null,
        TimeOnly? dayStart = null,
        TimeOnly? dayEnd = null,
        IEnumerable<DateOnly>? holidays = null,
        IEnumerable<DateOnly>? workingDates = null,
        IReadOnlyDictionary<DateOnly, TimeSpan>? shortenedDays = null)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        TimeZone = timeZone;
        _workingDays = [.. workingDays ?? DefaultWorkingDays];
        if (_workingDays.Count == 0)
        {
            // Nothing would ever open: adding hours could only loop forever.
            throw new ArgumentException("A working calendar needs at least one working day.", nameof(workingDays));
        }

        if (_workingDays.Any(d => !Enum.IsDefined(d)))
        {
            throw new ArgumentException("Working days must be days of the week.", nameof(workingDays));
        }

        DayStart = dayStart ?? DefaultDayStart;
        DayEnd = dayEnd ?? DefaultDayEnd;
        if (DayEnd != TimeOnly.MinValue && DayEnd <= DayStart)
        {
            throw new ArgumentException($"The working day must end after it starts ({DayStart:HH:mm}–{DayEnd:HH:mm}); 00:00 as the end means midnight.", nameof(dayEnd));
        }

        _holidays = [.. holidays ?? []];
        _workingDates = [.. (workingDates ?? []).Where(d => !_holidays.Contains(d))];
        _shortened = (shortenedDays ?? new Dictionary<DateOnly, TimeSpan>())
            .Where(d => d.Value > TimeSpan.Zero && !_holidays.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value);
    }

    /// <summary>Open around the clock every day in UTC: for tests and for users without a calendar.</summary>
    public static WorkingCalendar AlwaysOpen { get; } = new(TimeZoneInfo.Utc, AllDays, TimeOnly.MinValue, TimeOnly.MinValue);

    public TimeZoneInfo TimeZone { get; }

    public string TimeZoneId => TimeZone.Id;

    public IReadOnlySet<DayOfWeek> WorkingDays => _workingDays;

    public TimeOnly DayStart { get; }

    /// <summary>End of the working day; <see cref="TimeOnly.MinValue"/> (00:00) means midnight at the end of the day.</summary>
    public TimeOnly DayEnd { get; }

    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>Every hour is a working hour, so working time is plain elapsed time.</summary>
    public bool IsAlwaysOpen => _workingDays.Count == 7 && DayStart == TimeOnly.MinValue && DayEnd == TimeOnly.MinValue && _holidays.Count == 0 && _shortened.Count == 0;

    /// <summary>Working dates that end early, and by how much.</summary>
    public IReadOnlyDictionary<DateOnly, TimeSpan> ShortenedDays => _shortened;

    /// <summary>Dates worked although their weekday is off (transferred working days).</summary>
    public IReadOnlySet<DateOnly> WorkingDates => _workingDates;

    public WorkingCalendar WithHolidays(IEnumerable<DateOnly> holidays) =>
        new(TimeZone, _workingDays, DayStart, DayEnd, _holidays.Concat(holidays), _workingDates, _shortened);

    public bool IsWorkingDay(DateOnly localDate) =>
        (_workingDays.Contains(localDate.DayOfWeek) || _workingDates.Contains(localDate)) && !_holidays.Contains(localDate);

    public bool IsWorkingTime(DateTimeOffset at) => Window(LocalDate(at)) is { } w && at >= w.Open && at < w.Close;

    /// <summary>
    /// The moment <paramref name="hours"/> working hours after <paramref name="start"/> (in <paramref name="start"/>'s
    /// offset). Counting begins at the next opening when <paramref name="start"/> is outside working time; a result at
    /// a closing time stays there rather than moving to the next opening. Zero hours returns <paramref name="start"/>.
    /// </summary>
    public DateTimeOffset AddWorkingHours(DateTimeOffset start, double hours)
    {
        if (!double.IsFinite(hours) || hours < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hours), hours, "Working hours must be a finite number of 0 or more.");
        }

        // Nothing to count, so no reason to wait for an opening (e.g. an escalation grace of 0 fires at the deadline).
        if (hours == 0)
        {
            return start;
        }

        var remaining = TimeSpan.FromTicks((long)Math.Round(hours * TimeSpan.TicksPerHour));
        if (IsAlwaysOpen)
        {
            return start + remaining;
        }

        var cursor = start;
        // Ends: each week has a working day, and holidays are finitely many.
        for (var date = LocalDate(start); ; date = date.AddDays(1))
        {
            if (Window(date) is not { } window)
            {
                continue;
            }

            if (cursor < window.Open)
            {
                cursor = window.Open;
            }

            if (cursor >= window.Close)
            {
                continue;
            }

            var available = window.Close - cursor;
            if (remaining <= available)
            {
                return (cursor + remaining).ToOffset(start.Offset);
            }

            remaining -= available;
            cursor = window.Close;
        }
    }

    /// <summary>Working hours between two moments; negative when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    public double WorkingHoursBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -WorkingHoursBetween(to, from);
        }

        if (IsAlwaysOpen)
        {
            return (to - from).TotalHours;
        }

        var total = TimeSpan.Zero;
        var last = LocalDate(to);
        for (var date = LocalDate(from); date <= last; date = date.AddDays(1))
        {
            if (Window(date) is not { } window)
            {
                continue;
            }

            var begin = window.Open > from ? window.Open : from;
            var end = window.Close < to ? window.Close : to;
            if (end > begin)
            {
                total += end - begin;
            }
        }

        return total.TotalHours;
    }

    public override string ToString() =>
        IsAlwaysOpen
            ? $"always open ({TimeZone.Id})"
            : $"{string.Join(",", _workingDays.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString()[..3]))} {DayStart:HH:mm}–{(DayEnd == TimeOnly.MinValue ? "24:00" : $"{DayEnd:HH:mm}")} {TimeZone.Id}"
              + (_holidays.Count > 0 ? $", {_holidays.Count} holiday(s)" : "");

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    /// <summary>The working window of a local date as instants, or null on a day off.</summary>
    private (DateTimeOffset Open, DateTimeOffset Close)? Window(DateOnly date)
    {
        if (!IsWorkingDay(date))
        {
            return null;
        }

        var localOpen = date.ToDateTime(DayStart);
        var localClose = DayEnd == TimeOnly.MinValue ? date.AddDays(1).ToDateTime(TimeOnly.MinValue) : date.ToDateTime(DayEnd);
        if (_shortened.TryGetValue(date, out var shorter))
        {
            // A short day ends earlier; shortened past its start it is a day without working hours.
            localClose -= shorter;
            if (localClose <= localOpen)
            {
                return null;
            }
        }

        var open = ToInstant(localOpen);
        var close = ToInstant(localClose);
        // A window lying wholly inside a spring-forward gap collapses to nothing.
        return close > open ? (open, close) : null;
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        if (TimeZone.IsInvalidTime(local))
        {
            // Inside a spring-forward gap the clocks jumped past this time: use the offset from before the jump,
            // which lands on the same instant as the wall-clock time just after it.
            var probe = local;
            for (var i = 0; i < GapProbeLimit && TimeZone.IsInvalidTime(probe); i++)
            {
                probe -= GapProbeStep;
            }

            return new DateTimeOffset(local, TimeZone.GetUtcOffset(probe));
        }

        if (TimeZone.IsAmbiguousTime(local))
        {
            // Autumn fall-back: the first occurrence (the larger offset), so an opening is not delayed by an hour.
            return new DateTimeOffset(local, TimeZone.GetAmbiguousTimeOffsets(local).Max());
        }

        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    private static TimeZoneInfo FindZone(string timeZoneId)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            throw new ArgumentException("A time zone id is required, e.g. 'Europe/Berlin'.", nameof(timeZoneId));
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{timeZoneId}': use an IANA id such as 'Europe/Berlin'.", nameof(timeZoneId), ex);
        }
    }
}
