using Npgsql;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.ReadModel;

/// <summary>
/// The analytics part of a projection batch (deploy/sql/0006_analytics.sql): stage visits and the deal fact,
/// written in the same transaction as the read model. Each statement is keyed by an activity's seq, so a
/// replayed publication finds its visits already opened and closed and changes nothing.
/// </summary>
internal static class AnalyticsProjection
{
    /// <summary>Adds the deal's visit and fact statements; true when a stage visit was entered or left (then the batch counts the funnel).</summary>
    /// <param name="tasksChanged">Whether the publications changed a task: the executor a visit is stuck on follows from the open
    /// tasks of the current visit, so without a changed task or an entered visit it cannot have changed.</param>
    public static bool Add(NpgsqlBatch sql, DealView deal, IEnumerable<DealActivity> activities, bool tasksChanged = true)
    {
        var visits = false;
        var ordered = activities.OrderBy(a => a.Seq).ToList();
        // A terminal stage is entered by a StageChanged followed, in the same command, by Won or Lost.
        var closings = ordered.Where(a => a.Kind is ActivityKind.Won or ActivityKind.Lost).ToList();
        var enters = ordered.Where(a => a.Kind == ActivityKind.StageChanged && a.Subject is { } stage
            && !closings.Any(c => c.Seq > a.Seq && c.Stage == stage)).ToList();
        foreach (var a in ordered)
        {
            if (enters.Contains(a))
            {
                var stage = a.Subject!;
                Leave(sql, deal.Id, a, "Passed", stage, null);
                // The visit the snapshot is in is entered with the executor it is stuck on, so the stuck-on statement
                // below finds it set (a new visit is the one case where that statement would still write).
                var current = a == enters[^1] && deal.Stage == stage ? deal.StuckOn : null;
                Enter(sql, deal, a, stage, current);
                visits = true;
            }
            else if (a.Kind is ActivityKind.Won or ActivityKind.Lost)
            {
                Leave(sql, deal.Id, a, a.Kind.ToString(), null, a.Kind == ActivityKind.Lost ? a.Subject : null);
                visits = true;
            }
        }

        // The stuck-on statement only where the executor may have changed and the batch did not just enter the visit with it.
        var enteredCurrent = enters.Count > 0 && deal.Stage == enters[^1].Subject;
        Fact(sql, deal, ordered, stuckMayChange: tasksChanged && !enteredCurrent);
        return visits;
    }

    /// <summary>
    /// Folds the flagged (entered or left, not yet counted) visits of <paramref name="dealIds"/> — of every deal when null —
    /// into stage_funnel and stage_duration and clears their flags, in key order, so concurrent counts wait for each
    /// other's rows instead of deadlocking: visits are locked in (deal, seq) order as the projection batches lock them, and
    /// locked before they are read, so a visit is counted once however many counts run. A replay set no flag, so it counts
    /// nothing. Run by <see cref="DealProjector"/>'s counter behind the projection batches.
    /// </summary>
    public static void CountFunnel(NpgsqlBatch sql, Guid[]? dealIds)
    {
        var command = new NpgsqlBatchCommand($"""
            WITH pending AS (
                SELECT deal_id, entered_seq, uncounted_enter, uncounted_leave FROM deal_stage_visit
                WHERE {(dealIds is null ? "" : "deal_id = ANY($1) AND ")}(uncounted_enter OR uncounted_leave)
                ORDER BY deal_id, entered_seq FOR UPDATE),
            counted AS (
                -- RETURNING shows new values, so the flags as they were come from the pending rows.
                UPDATE deal_stage_visit v SET uncounted_enter = false, uncounted_leave = false
                FROM pending p WHERE v.deal_id = p.deal_id AND v.entered_seq = p.entered_seq
                RETURNING v.process_kind, v.department_id, v.owner, v.stage, date_trunc('month', v.entered_at AT TIME ZONE 'UTC')::date AS month,
                          p.uncounted_enter AS entered, CASE WHEN p.uncounted_leave THEN v.outcome END AS outcome,
                          coalesce(v.stuck_on, '') AS executor, date_part('epoch', v.left_at - v.entered_at) / 3600.0 AS hours),
            durations AS (
                INSERT INTO stage_duration AS d (process_kind, department_id, owner, stage, month, executor, bucket, visits, hours)
                SELECT process_kind, department_id, owner, stage, month, executor, duration_bucket(hours), count(*), sum(hours)
                FROM counted
                WHERE outcome IS NOT NULL
                GROUP BY 1, 2, 3, 4, 5, 6, 7
                ORDER BY 1, 2, 3, 4, 5, 6, 7
                ON CONFLICT (process_kind, department_id, owner, stage, month, executor, bucket) DO UPDATE SET
                    visits = d.visits + EXCLUDED.visits, hours = d.hours + EXCLUDED.hours)
            INSERT INTO stage_funnel AS f (process_kind, department_id, owner, stage, month, entered, passed, lost, won)
            SELECT process_kind, department_id, owner, stage, month, count(*) FILTER (WHERE entered),
                   count(*) FILTER (WHERE outcome = 'Passed'), count(*) FILTER (WHERE outcome = 'Lost'), count(*) FILTER (WHERE outcome = 'Won')
            FROM counted
            GROUP BY process_kind, department_id, owner, stage, month
            ORDER BY process_kind, department_id, owner, stage, month
            ON CONFLICT (process_kind, department_id, owner, stage, month) DO UPDATE SET
                entered = f.entered + EXCLUDED.entered, passed = f.passed + EXCLUDED.passed,
                lost = f.lost + EXCLUDED.lost, won = f.won + EXCLUDED.won
            """);
        if (dealIds is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = dealIds });
        }

        sql.BatchCommands.Add(command);
    }

    private static void Leave(NpgsqlBatch sql, Guid dealId, DealActivity a, string outcome, string? nextStage, string? lostReason)
    {
        // Only a visit entered before this activity: a replay of an old move finds the newer open visit untouched.
        var command = new NpgsqlBatchCommand("""
            UPDATE deal_stage_visit SET left_seq = $2, left_at = $3, outcome = $4, next_stage = $5, lost_reason = $6, uncounted_leave = true,
                touched_at = coalesce((SELECT last_activity_at FROM deal_fact WHERE deal_id = $1), entered_at)
            WHERE deal_id = $1 AND left_seq IS NULL AND entered_seq < $2
            """);
        DealProjector.Add(command, dealId, a.Seq, a.At, outcome, nextStage, lostReason);
        sql.BatchCommands.Add(command);
    }

    private static void Enter(NpgsqlBatch sql, DealView d, DealActivity a, string stage, StuckOnView? stuck)
    {
        // With the executor (the snapshot's current visit), a replay that finds the visit brings its executor up to date as
        // the stuck-on statement would (which the batch leaves out then).
        var command = new NpgsqlBatchCommand(stuck is null
            ? """
              INSERT INTO deal_stage_visit (deal_id, entered_seq, stage, process_kind, process_version, department_id, owner, amount, entered_at,
                  uncounted_enter, stuck_on, stuck_seq)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
              ON CONFLICT (deal_id, entered_seq) DO NOTHING
              """
            : """
              INSERT INTO deal_stage_visit AS v (deal_id, entered_seq, stage, process_kind, process_version, department_id, owner, amount, entered_at,
                  uncounted_enter, stuck_on, stuck_seq)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
              ON CONFLICT (deal_id, entered_seq) DO UPDATE SET stuck_on = EXCLUDED.stuck_on, stuck_seq = EXCLUDED.stuck_seq
              WHERE v.left_seq IS NULL AND v.stuck_on IS DISTINCT FROM EXCLUDED.stuck_on AND (v.stuck_seq IS NULL OR v.stuck_seq < EXCLUDED.stuck_seq)
                AND NOT EXISTS (SELECT 1 FROM deal WHERE deal.deal_id = EXCLUDED.deal_id AND deal.seq > EXCLUDED.stuck_seq)
              """);
        DealProjector.Add(command, d.Id, a.Seq, stage, d.ProcessKind, d.ProcessVersion, d.Department, d.Owner, d.Amount, a.At,
            stuck?.User, stuck is null ? null : d.Seq);
        sql.BatchCommands.Add(command);
    }

    private static void Fact(NpgsqlBatch sql, DealView d, List<DealActivity> activities, bool stuckMayChange)
    {
        var lastAt = activities.Count == 0 ? d.CreatedAt : activities.Max(a => a.At);
        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal_fact (deal_id, seq, parameters, last_activity_at, lost_stage, lines)
            VALUES ($1, $2, $3::jsonb, $4, (SELECT stage FROM deal_stage_visit WHERE deal_id = $1 AND outcome = 'Lost'), $5::jsonb)
            ON CONFLICT (deal_id) DO UPDATE SET
                seq = EXCLUDED.seq, parameters = EXCLUDED.parameters, lines = EXCLUDED.lines,
                last_activity_at = greatest(deal_fact.last_activity_at, EXCLUDED.last_activity_at), lost_stage = EXCLUDED.lost_stage
            WHERE deal_fact.seq < EXCLUDED.seq
            """);
        // Lines as the BCG query reads them: sku, name and the line's revenue (quantity × price).
        var lines = d.Lines.Select(l => new { sku = l.Sku, name = l.Name, revenue = l.Quantity * l.Price });
        DealProjector.Add(command, d.Id, d.Seq, System.Text.Json.JsonSerializer.Serialize(d.Parameters), lastAt,
            System.Text.Json.JsonSerializer.Serialize(lines));
        sql.BatchCommands.Add(command);

        // The executor the open visit is stuck on, from the newest snapshot that knows it. Written only when it changes
        // (issue 12): the column is in an index, so each rewrite of the same name was a non-HOT update with new entries
        // in the visit's four indexes, on about every other command. A snapshot older than the deal row (which this
        // batch has just brought up to its newest snapshot) changes nothing, so a late replay cannot bring back an
        // earlier executor.
        if (stuckMayChange && d.StuckOn is { } stuck)
        {
            var stuckCommand = new NpgsqlBatchCommand("""
                UPDATE deal_stage_visit SET stuck_on = $2, stuck_seq = $3
                WHERE deal_id = $1 AND left_seq IS NULL AND entered_seq <= $3 AND (stuck_seq IS NULL OR stuck_seq < $3)
                  AND stuck_on IS DISTINCT FROM $2
                  AND NOT EXISTS (SELECT 1 FROM deal WHERE deal.deal_id = $1 AND deal.seq > $3)
                """);
            DealProjector.Add(stuckCommand, d.Id, stuck.User, d.Seq);
            sql.BatchCommands.Add(stuckCommand);
        }
    }
}
