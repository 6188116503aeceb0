using Npgsql;
using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.ReadModel;

public sealed record HolidayCalendarRecord(string Id, string Name, string? Country, IReadOnlyList<CalendarDay> Days);

/// <summary>Working calendars (public holidays and transferred working days) in PostgreSQL; the user directory reads them all.</summary>
public sealed class CalendarStore(NpgsqlDataSource db)
{
    /// <summary>The channel every node listens on to reload its people directory (users, departments, calendars).</summary>
    public const string DirectoryChannel = "user_directory";

    public async Task<IReadOnlyList<HolidayCalendarRecord>> LoadAllAsync(CancellationToken ct = default)
    {
        var calendars = new List<(string Id, string Name, string? Country)>();
        await using (var cmd = db.CreateCommand("SELECT calendar_id, name, country FROM holiday_calendar ORDER BY calendar_id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                calendars.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }

        var days = new Dictionary<string, List<CalendarDay>>();
        await using (var cmd = db.CreateCommand("SELECT calendar_id, day, kind, name, shortened_minutes FROM calendar_day ORDER BY calendar_id, day"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var kind = CalendarDay.ParseKind(r.GetString(2)) ?? CalendarDayKind.Holiday;
                (days.TryGetValue(r.GetString(0), out var list) ? list : days[r.GetString(0)] = []).Add(
                    new CalendarDay(r.GetFieldValue<DateOnly>(1), kind, r.GetString(3), r.GetInt32(4)));
            }
        }

        return calendars.Select(c => new HolidayCalendarRecord(c.Id, c.Name, c.Country, days.GetValueOrDefault(c.Id) ?? [])).ToArray();
    }

    public async Task UpsertAsync(string id, string name, string? country, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO holiday_calendar (calendar_id, name, country) VALUES ($1, $2, $3)
            ON CONFLICT (calendar_id) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, updated_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = country });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Replaces the special days of every year the list covers (other years stay); one transaction.</summary>
    public async Task<(int Years, int Days)> ImportAsync(string id, IReadOnlyList<CalendarDay> days, CancellationToken ct = default)
    {
        var years = days.Select(d => d.Date.Year).Distinct().ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand("DELETE FROM calendar_day WHERE calendar_id = $1 AND extract(year FROM day)::int = ANY($2)", connection, tx))
        {
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            delete.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = years });
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO calendar_day (calendar_id, day, kind, name, shortened_minutes)
            SELECT $1, d, k, n, m FROM unnest($2::date[], $3::text[], $4::text[], $5::int[]) AS x(d, k, n, m)
            """, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = days.Select(d => d.Date).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = days.Select(d => CalendarDay.KindName(d.Kind)).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = days.Select(d => d.Name).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = days.Select(d => d.Kind == CalendarDayKind.Short ? d.ShortenedMinutes : 0).ToArray() });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using (var touch = new NpgsqlCommand("UPDATE holiday_calendar SET updated_at = now() WHERE calendar_id = $1", connection, tx))
        {
            touch.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            await touch.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return (years.Length, days.Count);
    }

    /// <summary>Sets one special day (a holiday, a worked weekend day or a short day), replacing what that date was.</summary>
    public async Task SetDayAsync(string id, CalendarDay day, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO calendar_day (calendar_id, day, kind, name, shortened_minutes) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (calendar_id, day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, shortened_minutes = EXCLUDED.shortened_minutes
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day.Date });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CalendarDay.KindName(day.Kind) });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = day.Name });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = day.Kind == CalendarDayKind.Short ? day.ShortenedMinutes : 0 });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> DeleteDayAsync(string id, DateOnly day, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM calendar_day WHERE calendar_id = $1 AND day = $2");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Tells every node (this one too) to reload its people directory.</summary>
    public async Task NotifyDirectoryChangedAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT pg_notify('{DirectoryChannel}', '')");
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
