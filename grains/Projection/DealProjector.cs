using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Writes deal publications into the read model. Publications from all deals on this node are gathered into
/// batches, one transaction each, so the read model costs a fraction of a round trip per command. Every
/// statement is guarded by the deal's seq: replays and late duplicates change nothing.
/// </summary>
public sealed class DealProjector : IDealEventSink, IAsyncDisposable
{
    // Several writers: batches fill while others commit, and PostgreSQL groups their commits into one flush.
    private const int Writers = 4;

    // How long the funnel counter gathers visits after the first batch that entered or left one: the counters follow
    // the visits within about this much (plus the count's own statement).
    private static readonly TimeSpan CountEvery = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan CountRetry = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _db;
    private readonly ILogger _logger;
    private readonly BatchingWriter<DealPublication> _writer;

    // Deals whose committed visits wait to be counted into stage_funnel and stage_duration.
    private readonly object _gate = new();
    private HashSet<Guid> _uncounted = [];
    private readonly System.Threading.Channels.Channel<bool> _countSignal =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _counting = new(1, 1);
    private readonly Task _counter;

    public DealProjector(NpgsqlDataSource db, ILogger<DealProjector> logger, DeadLetterStore? deadLetters = null)
    {
        _db = db;
        _logger = logger;
        _writer = new BatchingWriter<DealPublication>(WriteBatch, Writers, logger, "deal publications", deadLetters,
            p => ($"deal:{p.Deal.Id}", p.Deal.Seq, p));
        _counter = Task.Run(CountLoop);
    }

    public Task PublishAsync(DealPublication publication, CancellationToken ct = default) => _writer.WriteAsync(publication);

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _countSignal.Writer.TryComplete();
        await _counter;
    }

    /// <summary>
    /// Counts now what the batches so far entered and left into stage_funnel and stage_duration (otherwise done by the
    /// counter loop within <see cref="CountEvery"/> of a batch).
    /// </summary>
    public Task CountFunnelAsync() => CountAsync(all: false);

    /// <summary>
    /// The funnel counters, off the projection's transaction (issue 12, fifth round): a batch flags the visits it enters
    /// and leaves, and this loop folds the flagged visits of all batches of the last <see cref="CountEvery"/> into the
    /// counter rows in one statement. Counted in the batches, the counters were the projection's costliest statement
    /// and a handful of hot rows that every concurrent batch with a stage move queued on. The flags and the counters
    /// change in one transaction, so a count that does not commit leaves its visits flagged for the next; at start the
    /// loop counts every flagged visit, which is what a node that died between a batch and its count left.
    /// </summary>
    private async Task CountLoop()
    {
        var catchUp = true;
        while (true)
        {
            if (!catchUp)
            {
                if (!await _countSignal.Reader.WaitToReadAsync())
                {
                    break;
                }

                _countSignal.Reader.TryRead(out _);
                await Task.Delay(CountEvery);
            }

            try
            {
                await CountAsync(all: catchUp);
                catchUp = false;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Counting the funnel failed; retried");
                await Task.Delay(CountRetry);
                if (_countSignal.Reader.Completion.IsCompleted)
                {
                    break;
                }

                _countSignal.Writer.TryWrite(true);
            }
        }

        // Stopping: what the last batches flagged.
        try
        {
            await CountAsync(all: false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Counting the funnel at shutdown failed; the next node start counts the flagged visits");
        }
    }

    private void Uncounted(IEnumerable<Guid> deals)
    {
        lock (_gate)
        {
            _uncounted.UnionWith(deals);
        }

        _countSignal.Writer.TryWrite(true);
    }

    /// <summary>
    /// Counts the flagged visits of the deals batches handed over so far, or of every deal (<paramref name="all"/>). One
    /// count at a time, and the deals are taken inside it, so a caller returns after every batch before it is counted.
    /// </summary>
    private async Task CountAsync(bool all)
    {
        await _counting.WaitAsync();
        Guid[]? deals = null;
        try
        {
            if (!all)
            {
                lock (_gate)
                {
                    if (_uncounted.Count == 0)
                    {
                        return;
                    }

                    deals = [.. _uncounted];
                    _uncounted = [];
                }
            }

            await using var connection = await _db.OpenConnectionAsync();
            await using var sql = new NpgsqlBatch(connection);
            // Derived like the projection: the flags it clears and the counters it adds commit together or not at all.
            sql.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
            AnalyticsProjection.CountFunnel(sql, deals);
            await sql.ExecuteNonQueryAsync();
        }
        catch when (deals is not null)
        {
            lock (_gate)
            {
                _uncounted.UnionWith(deals);
            }

            throw;
        }
        finally
        {
            _counting.Release();
        }
    }

    private async Task WriteBatch(IReadOnlyList<DealPublication> batch)
    {
        await using var connection = await _db.OpenConnectionAsync();
        // One batch is one round trip and one implicit transaction: all of it lands or none of it.
        await using var sql = new NpgsqlBatch(connection);
        // The read model is derived: its commit does not wait for its own WAL flush (issue 12). The grain's outbox stays
        // in its durable state until a later write drops it, and that write's synchronous commit flushes the WAL up to
        // here first; if the server dies before, the outbox is still stored and is published again (every statement is
        // keyed by seq). So a deal command's state write no longer queues behind a projection's flush.
        sql.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        // A fixed order of deals keeps concurrent writers from deadlocking on each other's rows.
        var deals = batch.GroupBy(p => p.Deal.Id).OrderBy(g => g.Key).ToList();
        var tasks = new List<(DealView Deal, DealTaskView Task)>();
        var activities = new List<(DealView Deal, DealActivity Activity)>();
        var notifications = new List<(Guid DealId, DealActivity Activity, DealNotification Notification)>();
        var visits = false;
        foreach (var publications in deals)
        {
            // The newest snapshot of a deal carries every change of the older ones in the same batch.
            var newest = publications.MaxBy(p => p.Deal.Seq)!.Deal;
            AddDeal(sql, newest);
            var changed = publications.SelectMany(p => p.ChangedTaskIds).ToHashSet();
            tasks.AddRange(newest.Tasks.Where(t => changed.Contains(t.Id)).Select(t => (newest, t)));

            var dealActivities = publications.SelectMany(p => p.Activities).DistinctBy(a => a.Seq).ToList();
            foreach (var activity in dealActivities)
            {
                activities.Add((newest, activity));
                var task = activity.TaskId is null ? null : newest.Tasks.FirstOrDefault(t => t.Id == activity.TaskId);
                if (DealNotifications.For(activity, task?.Title, task?.Executor, newest.Title, newest.Company) is { } notification)
                {
                    notifications.Add((newest.Id, activity, notification));
                }
            }

            visits |= AnalyticsProjection.Add(sql, newest, dealActivities, tasksChanged: changed.Count > 0);
        }

        // Tasks, journal lines and notifications of the whole batch: one statement each, not one per row (issue 12).
        AddTasks(sql, tasks);
        AddActivities(sql, activities);
        AddNotifications(sql, notifications);

        await sql.ExecuteNonQueryAsync();

        // The visits this batch entered and left are counted behind it (CountLoop); a batch that entered and left none
        // (task completions, notes) has nothing to count.
        if (visits)
        {
            Uncounted(deals.Select(g => g.Key));
        }
    }

    private static void AddDeal(NpgsqlBatch sql, DealView d)
    {
        var open = d.Tasks.Where(t => t.Status == nameof(DealTaskStatus.Open)).ToList();
        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal (deal_id, seq, title, process_kind, process_version, company, contact, owner, department_id,
                amount, currency, stage, stage_name, stage_entered_at, probability, status, lost_reason, stuck_on, stuck_since,
                open_tasks, overdue_tasks, next_deadline, created_at, closed_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, now())
            ON CONFLICT (deal_id) DO UPDATE SET
                seq = EXCLUDED.seq, title = EXCLUDED.title, company = EXCLUDED.company, contact = EXCLUDED.contact,
                owner = EXCLUDED.owner, department_id = EXCLUDED.department_id, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
                stage = EXCLUDED.stage, stage_name = EXCLUDED.stage_name, stage_entered_at = EXCLUDED.stage_entered_at,
                probability = EXCLUDED.probability, status = EXCLUDED.status, lost_reason = EXCLUDED.lost_reason,
                stuck_on = EXCLUDED.stuck_on, stuck_since = EXCLUDED.stuck_since, open_tasks = EXCLUDED.open_tasks,
                overdue_tasks = EXCLUDED.overdue_tasks, next_deadline = EXCLUDED.next_deadline, closed_at = EXCLUDED.closed_at,
                updated_at = now()
            WHERE deal.seq < EXCLUDED.seq
            """);
        Add(command, d.Id, d.Seq, d.Title, d.ProcessKind, d.ProcessVersion, d.Company, d.Contact, d.Owner, d.Department,
            d.Amount, d.Currency, d.Stage, d.StageName, d.StageEnteredAt, d.Probability, d.Status, d.LostReason,
            d.StuckOn?.User, d.StuckOn?.Since, open.Count, open.Count(t => t.OverdueAt is not null),
            open.Count == 0 ? null : open.Min(t => t.Deadline), d.CreatedAt, d.ClosedAt);
        sql.BatchCommands.Add(command);
        if (d.CompanyId is not null || d.ContactId is not null)
        {
            // The company and contact records (migration 0070); only when this publication's row is the current one.
            var records = new NpgsqlBatchCommand("""
                UPDATE deal SET company_id = $2, contact_id = $3
                WHERE deal_id = $1 AND seq = $4 AND (company_id IS DISTINCT FROM $2 OR contact_id IS DISTINCT FROM $3)
                """);
            Add(records, d.Id, d.CompanyId, d.ContactId, d.Seq);
            sql.BatchCommands.Add(records);
        }
    }

    private static void AddTasks(NpgsqlBatch sql, List<(DealView Deal, DealTaskView Task)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal_task (deal_id, task_id, seq, stage, title, executor, status, created_at, deadline,
                overdue_at, escalated_at, escalated_to, completed_at, completed_by, result, template_id)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::text[], $16::text[])
            ON CONFLICT (deal_id, task_id) DO UPDATE SET
                seq = EXCLUDED.seq, executor = EXCLUDED.executor, status = EXCLUDED.status, deadline = EXCLUDED.deadline,
                overdue_at = EXCLUDED.overdue_at, escalated_at = EXCLUDED.escalated_at, escalated_to = EXCLUDED.escalated_to,
                completed_at = EXCLUDED.completed_at, completed_by = EXCLUDED.completed_by, result = EXCLUDED.result,
                template_id = coalesce(EXCLUDED.template_id, deal_task.template_id)
            WHERE deal_task.seq < EXCLUDED.seq
            """);
        // The task's own seq (not the deal's), so a replay writes exactly what the first delivery wrote. The template id
        // (migration 0100) lets pages show the title in the reader's language.
        command.Parameters.Add(Column(rows.Select(r => r.Deal.Id), NpgsqlDbType.Uuid));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Id), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Task.UpdatedSeq), NpgsqlDbType.Bigint));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Stage), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Title), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Executor), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Status), NpgsqlDbType.Text));
        command.Parameters.Add(Times(rows.Select(r => (DateTimeOffset?)r.Task.CreatedAt)));
        command.Parameters.Add(Times(rows.Select(r => (DateTimeOffset?)r.Task.Deadline)));
        command.Parameters.Add(Times(rows.Select(r => r.Task.OverdueAt)));
        command.Parameters.Add(Times(rows.Select(r => r.Task.EscalatedAt)));
        command.Parameters.Add(Column(rows.Select(r => r.Task.EscalatedTo), NpgsqlDbType.Text));
        command.Parameters.Add(Times(rows.Select(r => r.Task.CompletedAt)));
        command.Parameters.Add(Column(rows.Select(r => r.Task.CompletedBy), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Task.Result), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => string.IsNullOrEmpty(r.Task.TemplateId) ? null : r.Task.TemplateId), NpgsqlDbType.Text));
        sql.BatchCommands.Add(command);
    }

    private static void AddActivities(NpgsqlBatch sql, List<(DealView Deal, DealActivity Activity)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal_activity (deal_id, seq, at, actor, kind, stage, text, task_id, subject)
            SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
            ON CONFLICT (deal_id, seq) DO NOTHING
            """);
        command.Parameters.Add(Column(rows.Select(r => r.Deal.Id), NpgsqlDbType.Uuid));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Seq), NpgsqlDbType.Bigint));
        command.Parameters.Add(Times(rows.Select(r => (DateTimeOffset?)r.Activity.At)));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Actor), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Kind.ToString()), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Stage), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Text), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.TaskId), NpgsqlDbType.Text));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Subject), NpgsqlDbType.Text));
        sql.BatchCommands.Add(command);
    }

    /// <summary>Keyed by the activity: a replay or a second node's copy of the publication notifies nobody again.</summary>
    private static void AddNotifications(NpgsqlBatch sql, List<(Guid DealId, DealActivity Activity, DealNotification Notification)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand("""
            INSERT INTO notification (source, source_id, seq, recipient, at, text)
            SELECT 'deal', * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[])
            ON CONFLICT (source, source_id, seq) DO NOTHING
            """);
        command.Parameters.Add(Column(rows.Select(r => r.DealId), NpgsqlDbType.Uuid));
        command.Parameters.Add(Column(rows.Select(r => r.Activity.Seq), NpgsqlDbType.Bigint));
        command.Parameters.Add(Column(rows.Select(r => r.Notification.Recipient), NpgsqlDbType.Text));
        command.Parameters.Add(Times(rows.Select(r => (DateTimeOffset?)r.Activity.At)));
        command.Parameters.Add(Column(rows.Select(r => r.Notification.Text), NpgsqlDbType.Text));
        sql.BatchCommands.Add(command);
    }

    /// <summary>One column of an unnest: an array parameter.</summary>
    private static NpgsqlParameter Column<T>(IEnumerable<T> values, NpgsqlDbType type) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> values) =>
        Column(values.Select(v => v?.UtcDateTime), NpgsqlDbType.TimestampTz);

    internal static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                DateTimeOffset dto => new NpgsqlParameter { Value = dto.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value },
            });
        }
    }

}
