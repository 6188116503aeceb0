using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.Tests.Domain;

[Trait("Category", "Unit")]
public class WorkingCalendarTests
{
    // Europe/Berlin, Mon–Fri 09:00–18:00. 2026-11-23 is a Monday; Berlin is UTC+1 in November.
    private static readonly WorkingCalendar Berlin = new("Europe/Berlin");
    private static readonly TimeSpan Cet = TimeSpan.FromHours(1);
    private static readonly TimeSpan Cest = TimeSpan.FromHours(2);

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0, TimeSpan? offset = null) =>
        new(2026, month, day, hour, minute, 0, offset ?? Cet);

    [Fact]
    public void Defaults_are_monday_to_friday_nine_to_six()
    {
        Assert.Equal("Europe/Berlin", Berlin.TimeZoneId);
        Assert.Equal(new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }, Berlin.WorkingDays);
        Assert.Equal((new TimeOnly(9, 0), new TimeOnly(18, 0)), (Berlin.DayStart, Berlin.DayEnd));
        Assert.Empty(Berlin.Holidays);
        Assert.False(Berlin.IsAlwaysOpen);
    }

    [Fact]
    public void Within_one_day() => Assert.Equal(At(11, 23, 13), Berlin.AddWorkingHours(At(11, 23, 10), 3));

    [Fact]
    public void A_deadline_that_fills_the_day_stays_at_closing_time() =>
        Assert.Equal(At(11, 23, 18), Berlin.AddWorkingHours(At(11, 23, 9), 9));

    [Fact]
    public void Overnight_carries_the_rest_to_the_next_morning() =>
        Assert.Equal(At(11, 25, 10), Berlin.AddWorkingHours(At(11, 24, 17), 2));

    [Fact]
    public void Over_the_weekend() => Assert.Equal(At(11, 30, 10), Berlin.AddWorkingHours(At(11, 27, 17), 2));

    [Fact]
    public void Several_days_in_a_row()
    {
        Assert.Equal(At(11, 27, 18), Berlin.AddWorkingHours(At(11, 23, 9), 45));
        Assert.Equal(At(11, 30, 10), Berlin.AddWorkingHours(At(11, 23, 9), 46));
    }

    [Fact]
    public void Over_a_holiday()
    {
        // Thursday 24 Dec evening; Friday 25 Dec is a holiday, then the weekend.
        var calendar = new WorkingCalendar("Europe/Berlin", holidays: [new DateOnly(2026, 12, 25)]);

        Assert.Equal(At(12, 28, 10), calendar.AddWorkingHours(At(12, 24, 17), 2));
        Assert.Equal(At(12, 25, 10), Berlin.AddWorkingHours(At(12, 24, 17), 2));
    }

    [Fact]
    public void A_start_before_opening_begins_at_opening() =>
        Assert.Equal(At(11, 23, 10), Berlin.AddWorkingHours(At(11, 23, 7, 15), 1));

    [Fact]
    public void A_start_after_closing_begins_next_opening() =>
        Assert.Equal(At(11, 24, 10), Berlin.AddWorkingHours(At(11, 23, 20), 1));

    [Fact]
    public void A_start_on_a_weekend_begins_on_monday() =>
        Assert.Equal(At(11, 30, 9, 30), Berlin.AddWorkingHours(At(11, 28, 12), 0.5));

    [Fact]
    public void Fractional_hours() => Assert.Equal(At(11, 24, 9, 15), Berlin.AddWorkingHours(At(11, 23, 17, 30), 0.75));

    [Fact]
    public void Zero_hours_is_the_start_itself_even_outside_working_time()
    {
        Assert.Equal(At(11, 28, 12), Berlin.AddWorkingHours(At(11, 28, 12), 0));
        Assert.Equal(At(11, 23, 18), Berlin.AddWorkingHours(At(11, 23, 18), 0));
    }

    [Fact]
    public void The_result_keeps_the_offset_of_the_start()
    {
        var start = new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero); // 17:00 in Berlin

        var due = Berlin.AddWorkingHours(start, 2);

        Assert.Equal(TimeSpan.Zero, due.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero), due); // 10:00 in Berlin
    }

    [Fact]
    public void Spring_forward_in_berlin_keeps_opening_at_nine_local()
    {
        // Clocks go forward on Sunday 29 March 2026: Friday is UTC+1, Monday UTC+2.
        var due = Berlin.AddWorkingHours(At(3, 27, 17), 2);

        Assert.Equal(At(3, 30, 10, offset: Cest), due);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
    }

    [Fact]
    public void Fall_back_in_berlin_keeps_opening_at_nine_local()
    {
        // Clocks go back on Sunday 25 October 2026: Friday is UTC+2, Monday UTC+1.
        var due = Berlin.AddWorkingHours(At(10, 23, 17, offset: Cest), 2);

        Assert.Equal(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
    }

    [Fact]
    public void A_working_window_spanning_the_change_has_its_real_length()
    {
        // Sundays only, round the clock (00:00 as the end means midnight): the DST Sundays last 23 and 25 hours.
        var sundays = new WorkingCalendar("Europe/Berlin", [DayOfWeek.Sunday], TimeOnly.MinValue, TimeOnly.MinValue);

        Assert.Equal(23, sundays.WorkingHoursBetween(At(3, 28, 12), At(3, 30, 12, offset: Cest)), 6);
        Assert.Equal(25, sundays.WorkingHoursBetween(At(10, 24, 12, offset: Cest), At(10, 26, 12)), 6);
        Assert.Equal(At(3, 30, 0, offset: Cest), sundays.AddWorkingHours(At(3, 29, 0), 23));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, Cest), sundays.AddWorkingHours(At(3, 29, 0), 2));
    }

    [Fact]
    public void Always_open_counts_plain_elapsed_time()
    {
        var saturdayNight = new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero);

        Assert.True(WorkingCalendar.AlwaysOpen.IsAlwaysOpen);
        Assert.Equal(saturdayNight.AddHours(30), WorkingCalendar.AlwaysOpen.AddWorkingHours(saturdayNight, 30));
        Assert.Equal(30, WorkingCalendar.AlwaysOpen.WorkingHoursBetween(saturdayNight, saturdayNight.AddHours(30)), 9);
        Assert.True(WorkingCalendar.AlwaysOpen.IsWorkingTime(saturdayNight));
    }

    [Fact]
    public void Working_hours_between_skips_nights_weekends_and_holidays()
    {
        var calendar = Berlin.WithHolidays([new DateOnly(2026, 12, 25)]);

        Assert.Equal(2, calendar.WorkingHoursBetween(At(11, 27, 17), At(11, 30, 10)), 9);
        Assert.Equal(0, calendar.WorkingHoursBetween(At(11, 28, 8), At(11, 29, 20)), 9);
        Assert.Equal(2, calendar.WorkingHoursBetween(At(12, 24, 17), At(12, 28, 10)), 9);
        Assert.Equal(-2, calendar.WorkingHoursBetween(At(11, 30, 10), At(11, 27, 17)), 9);
    }

    [Theory]
    [InlineData(11, 23, 9, 0, 0.25)]
    [InlineData(11, 23, 17, 30, 0.5)]
    [InlineData(11, 27, 16, 0, 7.5)]
    [InlineData(11, 28, 3, 0, 12)]
    [InlineData(12, 23, 15, 0, 30)]
    [InlineData(3, 26, 12, 0, 20)]
    [InlineData(10, 22, 12, 0, 100)]
    public void Working_hours_between_is_the_inverse_of_adding_them(int month, int day, int hour, int minute, double hours)
    {
        var calendar = Berlin.WithHolidays([new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1)]);
        var start = new DateTimeOffset(new DateTime(2026, month, day, hour, minute, 0), calendar.TimeZone.GetUtcOffset(new DateTime(2026, month, day, hour, minute, 0)));

        var due = calendar.AddWorkingHours(start, hours);

        Assert.Equal(hours, calendar.WorkingHoursBetween(start, due), 6);
        Assert.True(calendar.IsWorkingTime(due.AddTicks(-1)));
    }

    [Fact]
    public void A_day_ending_at_midnight_runs_to_the_end_of_the_day()
    {
        var evenings = new WorkingCalendar("Europe/Berlin", dayStart: new TimeOnly(20, 0), dayEnd: TimeOnly.MinValue);

        Assert.Equal(At(11, 24, 21), evenings.AddWorkingHours(At(11, 23, 22), 3));
        Assert.True(evenings.IsWorkingTime(At(11, 23, 23, 59)));
        Assert.False(evenings.IsWorkingTime(At(11, 24, 0, 30)));
    }

    [Fact]
    public void Other_time_zones_count_in_their_own_local_hours()
    {
        var moscow = new WorkingCalendar("Europe/Moscow", dayStart: new TimeOnly(8, 0), dayEnd: new TimeOnly(17, 0));
        var start = new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero); // 07:00 in Moscow, before opening

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero), moscow.AddWorkingHours(start, 2)); // 10:00 in Moscow
    }

    [Fact]
    public void Is_working_time_respects_the_window_and_the_days()
    {
        Assert.True(Berlin.IsWorkingTime(At(11, 23, 9)));
        Assert.False(Berlin.IsWorkingTime(At(11, 23, 18)));
        Assert.False(Berlin.IsWorkingTime(At(11, 28, 12)));
    }

    [Fact]
    public void A_calendar_without_working_days_is_refused() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar("Europe/Berlin", []));

    [Fact]
    public void A_day_that_ends_before_it_starts_is_refused() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar("Europe/Berlin", dayStart: new TimeOnly(18, 0), dayEnd: new TimeOnly(9, 0)));

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public void An_unknown_time_zone_is_refused(string zone) =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar(zone));

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Negative_or_non_finite_hours_are_refused(double hours) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Berlin.AddWorkingHours(At(11, 23, 10), hours));
}
