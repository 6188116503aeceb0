using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.Tests.Domain;

/// <summary>Pre-holiday short days: a working day that ends earlier, counted so by working-hour deadlines.</summary>
[Trait("Category", "Unit")]
public class ShortWorkingDayTests
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    // Russia, 2026: 30 April (Thursday) is one hour shorter before 1 May (Friday, a holiday); 4 May is Monday.
    private static readonly WorkingCalendar Russia = new("Europe/Moscow", dayStart: new TimeOnly(9, 0), dayEnd: new TimeOnly(18, 0),
        holidays: [new DateOnly(2026, 5, 1)],
        shortenedDays: new Dictionary<DateOnly, TimeSpan> { [new DateOnly(2026, 4, 30)] = TimeSpan.FromHours(1) });

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Moscow.GetUtcOffset(new DateTime(2026, month, day)));

    [Fact]
    public void A_deadline_across_a_short_day_counts_eight_hours_for_it_and_skips_the_holiday()
    {
        // Wednesday 29 April 16:00 + 4 h: 2 h on Wednesday, 2 h on the short Thursday → 11:00 Thursday.
        Assert.Equal(At(4, 30, 11), Russia.AddWorkingHours(At(4, 29, 16), 4));
        // Thursday 14:00 + 4 h: the short day closes at 17:00 (3 h), Friday is a holiday, the weekend is off → Monday 10:00.
        Assert.Equal(At(5, 4, 10), Russia.AddWorkingHours(At(4, 30, 14), 4));
        // Without the short day the same deadline is Thursday 18:00.
        var longDay = new WorkingCalendar("Europe/Moscow", holidays: [new DateOnly(2026, 5, 1)]);
        Assert.Equal(At(4, 30, 18), longDay.AddWorkingHours(At(4, 30, 14), 4));
    }

    [Fact]
    public void The_short_day_has_eight_working_hours_and_17_30_is_after_hours()
    {
        Assert.Equal(8, Russia.WorkingHoursBetween(At(4, 30, 0), At(5, 1, 0)), 6);
        Assert.True(Russia.IsWorkingTime(At(4, 30, 16, 59)));
        Assert.False(Russia.IsWorkingTime(At(4, 30, 17, 30)));
        Assert.True(Russia.IsWorkingTime(At(4, 29, 17, 30)));
        // Counting starts at 17:30 on the short day: the next opening is Monday 09:00.
        Assert.Equal(At(5, 4, 10), Russia.AddWorkingHours(At(4, 30, 17, 30), 1));
    }

    [Fact]
    public void A_day_shortened_past_its_start_has_no_working_hours_and_a_holiday_is_never_short()
    {
        var odd = new WorkingCalendar("Europe/Moscow", dayStart: new TimeOnly(9, 0), dayEnd: new TimeOnly(12, 0),
            holidays: [new DateOnly(2026, 5, 1)],
            shortenedDays: new Dictionary<DateOnly, TimeSpan> { [new DateOnly(2026, 4, 30)] = TimeSpan.FromHours(4), [new DateOnly(2026, 5, 1)] = TimeSpan.FromHours(1) });
        Assert.Equal(0, odd.WorkingHoursBetween(At(4, 30, 0), At(5, 2, 0)), 6);
        Assert.False(odd.ShortenedDays.ContainsKey(new DateOnly(2026, 5, 1)));
    }

    [Fact]
    public void Lists_in_csv_and_json_carry_short_days_with_their_shortening()
    {
        var csv = HolidayList.Parse("""
            date;kind;name
            2026-04-30;short;Предпраздничный день
            08.05.2026;сокращённый;Перед Днём Победы
            2026-06-11;short:90;Anderthalb Stunden kürzer
            2026-11-03;short:2h;Zwei Stunden kürzer
            2026-05-01;holiday;Праздник Весны и Труда
            """);
        Assert.True(csv.Ok, string.Join("; ", csv.Problems));
        Assert.Equal([(CalendarDayKind.Short, 60), (CalendarDayKind.Holiday, 0), (CalendarDayKind.Short, 60), (CalendarDayKind.Short, 90), (CalendarDayKind.Short, 120)],
            csv.Days.Select(d => (d.Kind, d.ShortenedMinutes)));

        var json = HolidayList.Parse("""[{"date": "2027-12-31", "kind": "short", "name": "Silvester"}, {"date": "2027-02-22", "kind": "short", "minutes": 45}]""");
        Assert.True(json.Ok, string.Join("; ", json.Problems));
        Assert.Equal([45, 60], json.Days.Select(d => d.ShortenedMinutes));
        Assert.Equal("Shortened working day", json.Days[0].Name);

        var bad = HolidayList.Parse("2026-04-30;short:0;x\n2026-04-29;short:9h;y\n2026-04-28;kurz-ish;z");
        Assert.Equal(3, bad.Problems.Count);
        Assert.All(bad.Problems, p => Assert.Contains("'short'", p));
    }
}
