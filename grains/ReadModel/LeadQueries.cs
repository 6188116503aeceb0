using Npgsql;

namespace SalesOrleans.ReadModel;

public sealed record LeadFilter(
    string? Department = null,
    string? Assignee = null,
    string? Status = null,
    string? Channel = null,
    bool? Unassigned = null,
    string? Search = null,
    int Limit = 100,
    int Offset = 0);

public sealed record LeadListItem(
    Guid Id,
    string Channel,
    string Status,
    Guid ContactId,
    string? Name,
    string? Phone,
    string? Email,
    string? Company,
    string? Need,
    string Department,
    string? Assignee,
    string? AssignmentReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? FirstContactAt,
    DateTimeOffset? AssignDueAt,
    DateTimeOffset? FirstContactDueAt,
    IReadOnlyList<string> SlaBreaches,
    int Inquiries,
    Guid? DealId,
    long Seq);

public sealed record LeadJournalEntry(long Seq, DateTimeOffset At, string Actor, string Kind, string Text, string? Subject);

/// <summary>A company the customer base import may mean: matched by its external id or by its INN.</summary>
public sealed record CompanyMatch(Guid Id, string Name, string? ExternalId, string? Inn, string? Department);

/// <summary>One notification; <see cref="Kind"/> and <see cref="Link"/> (the page it is about) come from its text and source.</summary>
public sealed record NotificationItem(string Source, Guid SourceId, long Seq, string Recipient, DateTimeOffset At, string Text, DateTimeOffset? ReadAt)
{
    public string Kind => SalesOrleans.Domain.Leads.NotificationTemplates.Classify(Text).ToString();

    public string Link => SalesOrleans.Domain.Leads.NotificationTemplates.PagePath(Text, Source, SourceId);
}

public sealed record ContactTaskItem(Guid ContactId, string? ContactName, string TaskId, string Title, string Executor, string Kind, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset Deadline, string CreatedBy, DateTimeOffset? CompletedAt, string? Result, DateTimeOffset? OverdueAt, string? EscalatedTo);

public sealed record CallLogItem(string CallId, string? Caller, string? Called, string? Department, IReadOnlyList<string> Events, string Outcome,
    Guid? ContactId, Guid? LeadId, string? CallBackFor, long? DurationMs, bool Settled, DateTimeOffset StartedAt);

/// <summary>Reads of the lead read model: lists, journals, notifications, contact tasks and the call log.</summary>
public sealed class LeadQueries(NpgsqlDataSource db)
{
    public const int MaxLimit = 500;

    public async Task<IReadOnlyList<LeadListItem>> ListLeadsAsync(LeadFilter f, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT lead_id, channel, status, contact_id, name, phone, email, company, need, department_id, assignee, assignment_reason,
                   created_at, assigned_at, first_contact_at, assign_due_at, first_contact_due_at, sla_breaches, inquiries, deal_id, seq
            FROM lead
            WHERE ($1::text IS NULL OR department_id = $1)
              AND ($2::text IS NULL OR assignee = $2)
              AND ($3::text IS NULL OR status = $3)
              AND ($4::text IS NULL OR channel = $4)
              AND ($5::boolean IS NULL OR (assignee IS NULL) = $5)
              AND ($6::text IS NULL OR name ILIKE '%' || $6 || '%' OR company ILIKE '%' || $6 || '%' OR phone LIKE '%' || $6 || '%' OR email ILIKE '%' || $6 || '%')
            ORDER BY created_at, lead_id
            LIMIT $7 OFFSET $8
            """);
        Param(cmd, f.Department);
        Param(cmd, f.Assignee);
        Param(cmd, f.Status);
        Param(cmd, f.Channel);
        cmd.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = f.Unassigned });
        Param(cmd, f.Search);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(f.Limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, f.Offset) });
        var items = new List<LeadListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new LeadListItem(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3), Str(r, 4), Str(r, 5), Str(r, 6), Str(r, 7), Str(r, 8),
                r.GetString(9), Str(r, 10), Str(r, 11), Time(r, 12)!.Value, Time(r, 13), Time(r, 14), Time(r, 15), Time(r, 16),
                r.GetFieldValue<string[]>(17), r.GetInt32(18), r.IsDBNull(19) ? null : r.GetGuid(19), r.GetInt64(20)));
        }

        return items;
    }

    public async Task<IReadOnlyList<LeadJournalEntry>> GetLeadJournalAsync(Guid leadId, CancellationToken ct = default) =>
        await Journal("lead_activity", "lead_id", leadId, ct);

    public async Task<IReadOnlyList<LeadJournalEntry>> GetContactJournalAsync(Guid contactId, CancellationToken ct = default) =>
        await Journal("contact_activity", "contact_id", contactId, ct);

    public async Task<IReadOnlyList<NotificationItem>> ListNotificationsAsync(string recipient, bool unreadOnly, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT source, source_id, seq, recipient, at, text, read_at FROM notification
            WHERE recipient = $1 AND (NOT $2 OR read_at IS NULL)
            ORDER BY at DESC, source_id, seq LIMIT $3
            """);
        Param(cmd, recipient);
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = unreadOnly });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        var items = new List<NotificationItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new NotificationItem(r.GetString(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), Time(r, 4)!.Value, r.GetString(5), Time(r, 6)));
        }

        return items;
    }

    /// <summary>Marks the recipient's notifications read up to a moment (the board's "mark all read").</summary>
    public async Task<int> MarkNotificationsReadAsync(string recipient, DateTimeOffset upTo, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE notification SET read_at = now() WHERE recipient = $1 AND read_at IS NULL AND at <= $2");
        Param(cmd, recipient);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = upTo.UtcDateTime });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<ContactTaskItem>> ListContactTasksAsync(string? executor, string? status, Guid? contactId, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT t.contact_id, c.name, t.task_id, t.title, t.executor, t.kind, t.status, t.created_at, t.deadline, t.created_by, t.completed_at, t.result,
                   t.overdue_at, t.escalated_to
            FROM contact_task t LEFT JOIN contact c ON c.contact_id = t.contact_id
            WHERE ($1::text IS NULL OR t.executor = $1) AND ($2::text IS NULL OR t.status = $2) AND ($3::uuid IS NULL OR t.contact_id = $3)
            ORDER BY t.deadline, t.contact_id, t.task_id LIMIT $4
            """);
        Param(cmd, executor);
        Param(cmd, status);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        var items = new List<ContactTaskItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new ContactTaskItem(r.GetGuid(0), Str(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                Time(r, 7)!.Value, Time(r, 8)!.Value, r.GetString(9), Time(r, 10), Str(r, 11), Time(r, 12), Str(r, 13)));
        }

        return items;
    }

    public async Task<IReadOnlyList<CallLogItem>> ListCallsAsync(Guid? contactId, int limit, CancellationToken ct = default, string? department = null)
    {
        await using var cmd = db.CreateCommand("""
            SELECT call_id, caller, called, department_id, events, outcome, contact_id, lead_id, callback_for, duration_ms, settled, started_at
            FROM call_log WHERE ($1::uuid IS NULL OR contact_id = $1) AND ($3::text IS NULL OR department_id = $3)
            ORDER BY started_at DESC, call_id LIMIT $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = contactId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department });
        var items = new List<CallLogItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new CallLogItem(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), r.GetFieldValue<string[]>(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetGuid(7), Str(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9),
                r.GetBoolean(10), Time(r, 11)!.Value));
        }

        return items;
    }

    public async Task<long> CountAsync(string table, CancellationToken ct = default)
    {
        // Table names come from code, never from input.
        if (table is not ("lead" or "contact" or "call_log" or "notification" or "contact_task"))
        {
            throw new ArgumentOutOfRangeException(nameof(table));
        }

        await using var cmd = db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<IReadOnlyList<LeadJournalEntry>> Journal(string table, string key, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT seq, at, actor, kind, text, subject FROM {table} WHERE {key} = $1 ORDER BY seq");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var items = new List<LeadJournalEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new LeadJournalEntry(r.GetInt64(0), Time(r, 1)!.Value, r.GetString(2), r.GetString(3), r.GetString(4), Str(r, 5)));
        }

        return items;
    }

    /// <summary>
    /// Companies whose external id or INN is one of <paramref name="references"/>, external-id matches first. The
    /// company grain writes its row before it answers, so a company imported a moment ago is found.
    /// </summary>
    public async Task<IReadOnlyList<CompanyMatch>> FindCompaniesAsync(IReadOnlyList<string> references, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT company_id, name, external_id, inn, department_id FROM company
            WHERE external_id = ANY($1) OR inn = ANY($1)
            ORDER BY (external_id = ANY($1)) DESC NULLS LAST, created_at, company_id
            LIMIT 10
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. references] });
        var matches = new List<CompanyMatch>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            matches.Add(new CompanyMatch(r.GetGuid(0), r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4)));
        }

        return matches;
    }

    private static void Param(NpgsqlCommand cmd, string? value) => cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = value });

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}
