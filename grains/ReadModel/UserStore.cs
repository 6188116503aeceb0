using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record DepartmentRecord(string Id, string Name, string? Supervisor, string? CalendarId = null);

public sealed record UserRecord(
    string UserName,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Department,
    string? Extension,
    string TimeZone,
    TimeOnly WorkStart,
    TimeOnly WorkEnd,
    IReadOnlyList<int> WorkDays,
    bool Active,
    string? CalendarId = null,
    DateOnly? AbsentFrom = null,
    DateOnly? AbsentUntil = null,
    string? Deputy = null,
    string? Language = null);

/// <summary>People, departments and API tokens in PostgreSQL. Password and token hashing happen in the web layer; only hashes arrive here.</summary>
public sealed class UserStore(NpgsqlDataSource db)
{
    internal const string UserColumns =
        "user_name, display_name, email, roles, department_id, extension, time_zone, work_start, work_end, work_days, active";

    public async Task<(IReadOnlyList<UserRecord> Users, IReadOnlyList<DepartmentRecord> Departments)> LoadAllAsync(CancellationToken ct = default)
    {
        var users = new List<UserRecord>();
        await using (var cmd = db.CreateCommand($"SELECT {UserColumns}, calendar_id, absent_from, absent_until, deputy, language FROM app_user ORDER BY user_name"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                users.Add(ReadUser(r) with
                {
                    CalendarId = r.IsDBNull(11) ? null : r.GetString(11),
                    AbsentFrom = r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12),
                    AbsentUntil = r.IsDBNull(13) ? null : r.GetFieldValue<DateOnly>(13),
                    Deputy = r.IsDBNull(14) ? null : r.GetString(14),
                    Language = r.IsDBNull(15) ? null : r.GetString(15),
                });
            }
        }

        var departments = new List<DepartmentRecord>();
        await using (var cmd = db.CreateCommand("SELECT department_id, name, supervisor, calendar_id FROM department ORDER BY department_id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                departments.Add(new DepartmentRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
            }
        }

        return (users, departments);
    }

    public async Task<(UserRecord User, string PasswordHash)?> FindForLoginAsync(string userName, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {UserColumns}, password_hash FROM app_user WHERE user_name = $1 AND active");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (ReadUser(r), r.GetString(11)) : null;
    }

    public async Task<UserRecord?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))}
            FROM api_token t JOIN app_user u ON u.user_name = t.user_name
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tokenHash });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadUser(r) : null;
    }

    public async Task UpsertDepartmentAsync(DepartmentRecord d, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO department (department_id, name, supervisor, calendar_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (department_id) DO UPDATE SET name = EXCLUDED.name, supervisor = EXCLUDED.supervisor,
                calendar_id = COALESCE(EXCLUDED.calendar_id, department.calendar_id)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = d.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = d.Supervisor });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = d.CalendarId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ClearDepartmentCalendarAsync(string department, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE department SET calendar_id = NULL WHERE department_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Creates the user or, when they exist, leaves them as they are (seeding must not reset a changed password).</summary>
    public async Task<bool> CreateUserIfMissingAsync(UserRecord u, string passwordHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO app_user (user_name, display_name, email, roles, department_id, extension, time_zone, work_start, work_end, work_days, active, password_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (user_name) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = u.UserName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = u.DisplayName });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Email });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = u.Roles.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Extension });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = u.TimeZone });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly> { TypedValue = u.WorkStart });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly> { TypedValue = u.WorkEnd });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = u.WorkDays.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = u.Active });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = passwordHash });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task CreateTokenAsync(string tokenHash, string name, string userName, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO api_token (token_hash, name, user_name) VALUES ($1, $2, $3) ON CONFLICT (token_hash) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tokenHash });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static UserRecord ReadUser(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2),
        r.GetFieldValue<string[]>(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.GetFieldValue<TimeOnly>(7),
        r.GetFieldValue<TimeOnly>(8),
        r.GetFieldValue<int[]>(9),
        r.GetBoolean(10));
}
