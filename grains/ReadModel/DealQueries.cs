using Npgsql;
using SalesOrleans.Domain.Analytics;
using SalesOrleans.Managers;

namespace SalesOrleans.ReadModel;

public sealed record DealFilter(
    string? Department = null,
    string? Owner = null,
    string? Process = null,
    string? Stage = null,
    string? Status = "Open",
    bool? Overdue = null,
    string? StuckOn = null,
    string? Search = null,
    int Limit = 100,
    int Offset = 0);

public sealed record DealListItem(
    Guid Id,
    string Title,
    string ProcessKind,
    int ProcessVersion,
    string Stage,
    string StageName,
    string Status,
    string Owner,
    string Department,
    string Company,
    decimal Amount,
    string Currency,
    double Probability,
    string? StuckOn,
    DateTimeOffset? StuckSince,
    int OpenTasks,
    int OverdueTasks,
    DateTimeOffset? NextDeadline,
    DateTimeOffset StageEnteredAt,
    DateTimeOffset UpdatedAt,
    long Seq,
    WinEstimate? Win = null)
{
    /// <summary>
    /// The same card from a deal's current view, for live pushes (the read model row it will match). Without the
    /// model's score (the grain does not know it): pages keep the one they loaded while the deal stays in its stage.
    /// </summary>
    public static DealListItem From(DealView d)
    {
        var open = d.Tasks.Where(t => t.Status == "Open").ToList();
        return new DealListItem(d.Id, d.Title, d.ProcessKind, d.ProcessVersion, d.Stage, d.StageName, d.Status, d.Owner, d.Department,
            d.Company, d.Amount, d.Currency, d.Probability, d.StuckOn?.User, d.StuckOn?.Since, open.Count,
            open.Count(t => t.OverdueAt is not null), open.Count == 0 ? null : open.Min(t => t.Deadline), d.StageEnteredAt,
            DateTimeOffset.UtcNow, d.Seq);
    }
}

/// <summary>
/// A deal task in a list ("My tasks", the supervisor's reviews). <see cref="TemplateId"/> with the deal's process kind and
/// version names the process task, so a page shows its title in the reader's language; null for tasks projected before
/// migration 0100 that matched no template (the stored title is shown). Owner and lost reason word a lost-deal review.
/// </summary>
public sealed record TaskListItem(
    Guid DealId,
    string DealTitle,
    string TaskId,
    string Stage,
    string Title,
    string Executor,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? OverdueAt,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? CompletedAt,
    string? Result,
    string? TemplateId = null,
    string? ProcessKind = null,
    int? ProcessVersion = null,
    string? DealOwner = null,
    string? LostReason = null);

public sealed record JournalEntry(long Seq, DateTimeOffset At, string Actor, string Kind, string Stage, string Text, string? TaskId, string? Subject);

/// <summary>Reads of the deal read model: lists, tasks, journals and the workload shares manager grains start from.</summary>
public sealed class DealQueries(NpgsqlDataSource db) : IWorkloadSource
{
    public const int MaxLimit = 500;

    public async Task<IReadOnlyList<DealListItem>> ListDealsAsync(DealFilter f, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT deal_id, title, process_kind, process_version, stage, stage_name, status, owner, department_id, company,
                   amount, currency, probability, stuck_on, stuck_since, open_tasks, overdue_tasks, next_deadline,
                   stage_entered_at, updated_at, deal.seq, f.win_probability, f.win_source, f.scored_at, f.expected_close
            FROM deal LEFT JOIN deal_fact f USING (deal_id)
            WHERE ($1::text IS NULL OR department_id = $1)
              AND ($2::text IS NULL OR owner = $2)
              AND ($3::text IS NULL OR process_kind = $3)
              AND ($4::text IS NULL OR stage = $4)
              AND ($5::text IS NULL OR status = $5)
              AND ($6::boolean IS NULL OR (overdue_tasks > 0) = $6)
              AND ($7::text IS NULL OR stuck_on = $7)
              AND ($8::text IS NULL OR title ILIKE '%' || $8 || '%' OR company ILIKE '%' || $8 || '%')
            ORDER BY stuck_since NULLS LAST, deal.deal_id
            LIMIT $9 OFFSET $10
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Owner });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Process });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Stage });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Status });
        cmd.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = f.Overdue });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.StuckOn });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Search });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(f.Limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, f.Offset) });
        var items = new List<DealListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new DealListItem(
                r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7), r.GetString(8), r.GetString(9), r.GetDecimal(10), r.GetString(11), r.GetDouble(12),
                r.IsDBNull(13) ? null : r.GetString(13), Time(r, 14), r.GetInt32(15), r.GetInt32(16), Time(r, 17),
                Time(r, 18)!.Value, Time(r, 19)!.Value, r.GetInt64(20),
                WinEstimates.For(r.GetString(6), r.GetDouble(12), Time(r, 18)!.Value, r.IsDBNull(21) ? null : r.GetDouble(21),
                    r.IsDBNull(22) ? null : r.GetString(22), Time(r, 23), r.IsDBNull(24) ? null : DateOnly.FromDateTime(r.GetDateTime(24)))));
        }

        return items;
    }

    public async Task<IReadOnlyList<TaskListItem>> ListTasksAsync(string? executor, string? status, bool? overdue, Guid? dealId, string? department, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT t.deal_id, d.title, t.task_id, t.stage, t.title, t.executor, t.status, t.created_at, t.deadline,
                   t.overdue_at, t.escalated_at, t.completed_at, t.result,
                   t.template_id, d.process_kind, d.process_version, d.owner, d.lost_reason
            FROM deal_task t JOIN deal d ON d.deal_id = t.deal_id
            WHERE ($1::text IS NULL OR t.executor = $1)
              AND ($2::text IS NULL OR t.status = $2)
              AND ($3::boolean IS NULL OR (t.overdue_at IS NOT NULL) = $3)
              AND ($4::uuid IS NULL OR t.deal_id = $4)
              AND ($5::text IS NULL OR d.department_id = $5)
            ORDER BY t.deadline, t.deal_id, t.task_id
            LIMIT $6
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = executor });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = overdue });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        var items = new List<TaskListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new TaskListItem(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), Time(r, 7)!.Value, Time(r, 8)!.Value, Time(r, 9), Time(r, 10), Time(r, 11), r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetString(13), r.GetString(14), r.GetInt32(15), r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17)));
        }

        return items;
    }

    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(Guid dealId, long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT seq, at, actor, kind, stage, text, task_id, subject FROM deal_activity
            WHERE deal_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 5000) });
        var items = new List<JournalEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new JournalEntry(r.GetInt64(0), Time(r, 1)!.Value, r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }

        return items;
    }

    /// <summary>The win probability the deal card shows (see <see cref="WinEstimates.For"/>); null before the deal reaches the read model.</summary>
    public async Task<WinEstimate?> WinEstimateAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.status, d.probability, d.stage_entered_at, f.win_probability, f.win_source, f.scored_at, f.expected_close
            FROM deal d LEFT JOIN deal_fact f USING (deal_id)
            WHERE d.deal_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? WinEstimates.For(r.GetString(0), r.GetDouble(1), Time(r, 2)!.Value, r.IsDBNull(3) ? null : r.GetDouble(3),
                r.IsDBNull(4) ? null : r.GetString(4), Time(r, 5), r.IsDBNull(6) ? null : DateOnly.FromDateTime(r.GetDateTime(6)))
            : null;
    }

    public async Task<long> CountDealsAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM deal");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<WorkloadShareReport>> LoadSharesAsync(string user, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.deal_id, d.seq,
                   count(t.task_id) FILTER (WHERE t.status = 'Open')::int,
                   count(t.task_id) FILTER (WHERE t.status = 'Open' AND t.overdue_at IS NOT NULL)::int,
                   CASE WHEN d.status = 'Open' AND d.owner = $1 THEN 1 ELSE 0 END
            FROM deal d
            LEFT JOIN deal_task t ON t.deal_id = d.deal_id AND t.executor = $1
            WHERE (d.owner = $1 AND d.status = 'Open')
               OR EXISTS (SELECT 1 FROM deal_task o WHERE o.deal_id = d.deal_id AND o.executor = $1 AND o.status = 'Open')
            GROUP BY d.deal_id, d.seq, d.status, d.owner
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        var items = new List<WorkloadShareReport>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new WorkloadShareReport(r.GetGuid(0), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)));
        }

        return items;
    }

    /// <summary>Who a process kind belongs to (access scoping): the departments running deals of it and the users who published its versions.</summary>
    public async Task<(IReadOnlyList<string> Departments, IReadOnlyList<string> Publishers)> ProcessOwnersAsync(string kind, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT 'd', department_id FROM (SELECT DISTINCT department_id FROM deal WHERE process_kind = $1) d
            UNION ALL SELECT 'p', published_by FROM (SELECT DISTINCT published_by FROM process_definition WHERE kind = $1) p
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        var departments = new List<string>();
        var publishers = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            (r.GetString(0) == "d" ? departments : publishers).Add(r.GetString(1));
        }

        return (departments, publishers);
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}
