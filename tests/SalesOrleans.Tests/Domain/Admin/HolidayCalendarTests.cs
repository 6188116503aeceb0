using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.Tests.Domain.Admin;

[Trait("Category", "Unit")]
public class HolidayCalendarTests
{
    private static readonly TimeSpan Msk = TimeSpan.FromHours(3);

    // Moscow, Mon–Fri 09:00–18:00, with the 2027 Defender of the Fatherland Day (Tuesday 23 February) off.
    private static readonly WorkingCalendar Moscow = new("Europe/Moscow", holidays: [new DateOnly(2027, 2, 23)]);

    [Fact]
    public void A_deadline_over_23_february_skips_the_holiday()
    {
        // Monday 22 Feb 2027, 14:00: 16 working hours = 4 h on Monday, Tuesday off, 9 h Wednesday, 3 h Thursday.
        var start = new DateTimeOffset(2027, 2, 22, 14, 0, 0, Msk);
        Assert.Equal(new DateTimeOffset(2027, 2, 25, 12, 0, 0, Msk), Moscow.AddWorkingHours(start, 16));
        Assert.Equal(new DateTimeOffset(2027, 2, 24, 12, 0, 0, Msk), new WorkingCalendar("Europe/Moscow").AddWorkingHours(start, 16));
        Assert.False(Moscow.IsWorkingTime(new DateTimeOffset(2027, 2, 23, 11, 0, 0, Msk)));
    }

    [Fact]
    public void A_transferred_working_saturday_counts_and_a_holiday_on_it_does_not()
    {
        var saturday = new DateOnly(2027, 11, 6);
        var calendar = new WorkingCalendar("Europe/Moscow", workingDates: [saturday]);
        Assert.True(calendar.IsWorkingDay(saturday));
        Assert.Equal(new DateTimeOffset(2027, 11, 6, 12, 0, 0, Msk), calendar.AddWorkingHours(new DateTimeOffset(2027, 11, 5, 17, 0, 0, Msk), 4));
        Assert.Equal(9, calendar.WorkingHoursBetween(new DateTimeOffset(2027, 11, 6, 0, 0, 0, Msk), new DateTimeOffset(2027, 11, 7, 0, 0, 0, Msk)), 6);

        var both = new WorkingCalendar("Europe/Moscow", holidays: [saturday], workingDates: [saturday]);
        Assert.False(both.IsWorkingDay(saturday));
        Assert.Equal(calendar.WorkingDates, calendar.WithHolidays([new DateOnly(2027, 12, 31)]).WorkingDates);
    }

    [Fact]
    public void A_csv_list_with_header_semicolons_and_german_dates_is_read()
    {
        var result = HolidayList.Parse("""
            date;kind;name
            2029-01-01;holiday;Neujahr
            # Ostern
            30.03.2029;feiertag;Karfreitag
            2029-04-02,,Ostermontag
            2029-11-03;workday;Рабочая суббота
            """);
        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal(4, result.Days.Count);
        Assert.Equal(new CalendarDay(new DateOnly(2029, 3, 30), CalendarDayKind.Holiday, "Karfreitag"), result.Days[1]);
        Assert.Equal(CalendarDayKind.Workday, result.Days[3].Kind);
        Assert.Equal("Рабочая суббота", result.Days[3].Name);
    }

    [Fact]
    public void A_json_list_is_read_as_an_array_or_an_object_with_days()
    {
        var array = HolidayList.Parse("""[{"date":"2029-02-23","name":"День защитника Отечества"},{"date":"2029-03-08","kind":"holiday","name":"Международный женский день"}]""");
        var wrapped = HolidayList.Parse("""{"country":"RU","days":[{"date":"2029-05-09","name":"День Победы"}]}""");
        Assert.True(array.Ok);
        Assert.Equal(2, array.Days.Count);
        Assert.True(wrapped.Ok);
        Assert.Equal(new DateOnly(2029, 5, 9), Assert.Single(wrapped.Days).Date);
    }

    [Fact]
    public void Every_bad_row_is_named_and_nothing_is_taken()
    {
        var result = HolidayList.Parse("2029-01-01;holiday;Neujahr\n2029-13-01;holiday;Kaputt\n2029-01-01;holiday;Doppelt\n2029-05-01;vacation;Urlaub\n1999-05-01;holiday;Zu alt");
        Assert.False(result.Ok);
        Assert.Empty(result.Days);
        Assert.Equal(4, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith("line 2:") && p.Contains("2029-13-01"));
        Assert.Contains(result.Problems, p => p.StartsWith("line 3:") && p.Contains("twice"));
        Assert.Contains(result.Problems, p => p.StartsWith("line 4:") && p.Contains("vacation"));
        Assert.Contains(result.Problems, p => p.StartsWith("line 5:") && p.Contains("outside"));
        Assert.False(HolidayList.Parse("{not json").Ok);
        Assert.False(HolidayList.Parse("").Ok);
        Assert.Contains("item 1", Assert.Single(HolidayList.Parse("""[{"date":"x"}]""").Problems));
    }
}
