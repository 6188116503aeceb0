using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>What an admin (or a department head for their people) changes about a person, all fields at once.</summary>
public sealed record UserChange(
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Department,
    string? Extension,
    string? Language,
    string? CalendarId,
    string TimeZone,
    TimeOnly WorkStart,
    TimeOnly WorkEnd,
    IReadOnlyList<int> WorkDays,
    DateOnly? AbsentFrom,
    DateOnly? AbsentUntil,
    string? Deputy);

/// <summary>Administration writes on people, departments and process ownership, and the open-task counts the directory uses to share role-based tasks.</summary>
public sealed class UserAdminStore(NpgsqlDataSource db)
{
    public async Task<bool> CreateAsync(string userName, string passwordHash, UserChange u, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO app_user (user_name, password_hash, display_name, email, roles, department_id, extension, language, calendar_id,
                time_zone, work_start, work_end, work_days, absent_from, absent_until, deputy, active)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, true)
            ON CONFLICT (user_name) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = passwordHash });
        AddChange(cmd, u);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> UpdateAsync(string userName, UserChange u, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE app_user SET display_name = $2, email = $3, roles = $4, department_id = $5, extension = $6, language = $7,
                calendar_id = $8, time_zone = $9, work_start = $10, work_end = $11, work_days = $12, absent_from = $13,
                absent_until = $14, deputy = $15
            WHERE user_name = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        AddChange(cmd, u);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// The read model's open tasks per executor, and which of the picks <paramref name="picks"/> names (asked for once
    /// the counts are read) it already holds a task for, both from one snapshot of the database. The snapshot is taken
    /// before the picks are asked for, so a pick made after that has its task projected after it too: a pick is in the
    /// answer exactly when its task is in the counts (or already done), never one without the other. The answer carries
    /// where its snapshot stands among others (<see cref="TaskLoad.IsNewerThan"/>).
    /// </summary>
    public async Task<TaskLoad> TaskLoadAsync(Func<IReadOnlyCollection<(string User, Guid Deal)>> picks, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // The first statement fixes the transaction's snapshot; this one also says where it stands.
        long xmax;
        int inProgress;
        await using (var cmd = new NpgsqlCommand(
            "SELECT pg_snapshot_xmax(s)::text::bigint, (SELECT count(*)::int FROM pg_snapshot_xip(s)) FROM pg_current_snapshot() s", connection, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (xmax, inProgress) = (r.GetInt64(0), r.GetInt32(1));
        }

        var open = new Dictionary<string, int>();
        await using (var cmd = new NpgsqlCommand("SELECT executor, count(*)::int FROM deal_task WHERE status = 'Open' GROUP BY executor", connection, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                open[r.GetString(0)] = r.GetInt32(1);
            }
        }

        var projected = new HashSet<(string, Guid)>();
        var asked = picks();
        if (asked.Count > 0)
        {
            await using var cmd = new NpgsqlCommand("SELECT DISTINCT executor, deal_id FROM deal_task WHERE deal_id = ANY($1)", connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = asked.Select(p => p.Deal).Distinct().ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                projected.Add((r.GetString(0), r.GetGuid(1)));
            }
        }

        await tx.CommitAsync(ct);
        return new TaskLoad(open, projected, xmax, inProgress);
    }

    public async Task<string?> ProcessOwnerAsync(string kind, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT department_id FROM process_owner WHERE kind = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task SetProcessOwnerAsync(string kind, string? department, CancellationToken ct = default)
    {
        await using var cmd = department is null
            ? db.CreateCommand("DELETE FROM process_owner WHERE kind = $1")
            : db.CreateCommand("""
                INSERT INTO process_owner (kind, department_id) VALUES ($1, $2)
                ON CONFLICT (kind) DO UPDATE SET department_id = EXCLUDED.department_id
                """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        if (department is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every published version of a kind: number, when, by whom.</summary>
    public async Task<IReadOnlyList<(int Version, DateTimeOffset PublishedAt, string PublishedBy)>> ProcessVersionsAsync(string kind, CancellationToken ct = default)
    {
        var result = new List<(int, DateTimeOffset, string)>();
        await using var cmd = db.CreateCommand("SELECT version, published_at, published_by FROM process_definition WHERE kind = $1 ORDER BY version");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add((r.GetInt32(0), new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero), r.GetString(2)));
        }

        return result;
    }

    /// <summary>Sets the owner when the kind has none yet (first publication by a head, demo seeding).</summary>
    public async Task ClaimProcessAsync(string kind, string department, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("INSERT INTO process_owner (kind, department_id) VALUES ($1, $2) ON CONFLICT (kind) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deals per process version (all statuses and open ones): which deals run which version.</summary>
    public async Task<IReadOnlyList<(int Version, int Deals, int Open)>> DealsPerVersionAsync(string kind, CancellationToken ct = default)
    {
        var result = new List<(int, int, int)>();
        await using var cmd = db.CreateCommand("""
            SELECT process_version, count(*)::int, count(*) FILTER (WHERE status = 'Open')::int
            FROM deal WHERE process_kind = $1 GROUP BY process_version ORDER BY process_version
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add((r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)));
        }

        return result;
    }

    private static void AddChange(NpgsqlCommand cmd, UserChange u)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = u.DisplayName });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Email });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = u.Roles.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Extension });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Language });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.CalendarId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = u.TimeZone });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly> { TypedValue = u.WorkStart });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly> { TypedValue = u.WorkEnd });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = u.WorkDays.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = u.AbsentFrom });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = u.AbsentUntil });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = u.Deputy });
    }
}

/// <summary>
/// Open tasks per executor and the picks they hold, as of one database snapshot. <see cref="Xmax"/> (the first
/// transaction id not yet started) and <see cref="InProgress"/> (how many below it were still running) order snapshots
/// as they were taken: a later one has a higher xmax, or the same xmax and fewer still running, and sees everything an
/// earlier one saw.
/// </summary>
public sealed record TaskLoad(Dictionary<string, int> Open, HashSet<(string User, Guid Deal)> Projected, long Xmax, int InProgress)
{
    public static readonly TaskLoad None = new([], [], 0, 0);

    /// <summary>Whether this snapshot saw at least what <paramref name="other"/> saw.</summary>
    public bool IsNewerThan(TaskLoad other) => Xmax > other.Xmax || (Xmax == other.Xmax && InProgress <= other.InProgress);
}
