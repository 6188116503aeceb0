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
    public static void Add(NpgsqlBatch sql, DealView deal, IEnumerable<DealActivity> activities)
    {
        var ordered = activities.OrderBy(a => a.Seq).ToList();
        // A terminal stage is entered by a StageChanged followed, in the same command, by Won or Lost.
        var closings = ordered.Where(a => a.Kind is ActivityKind.Won or ActivityKind.Lost).ToList();
        foreach (var a in ordered)
        {
            if (a.Kind == ActivityKind.StageChanged && a.Subject is { } stage
                && !closings.Any(c => c.Seq > a.Seq && c.Stage == stage))
            {
                Leave(sql, deal.Id, a, "Passed", stage, null);
                Enter(sql, deal, a, stage);
            }
            else if (a.Kind is ActivityKind.Won or ActivityKind.Lost)
            {
                Leave(sql, deal.Id, a, a.Kind.ToString(), null, a.Kind == ActivityKind.Lost ? a.Subject : null);
            }
        }

        Fact(sql, deal, ordered);
    }

    private static void Leave(NpgsqlBatch sql, Guid dealId, DealActivity a, string outcome, string? nextStage, string? lostReason)
    {
        // Only a visit entered before this activity: a replay of an old move finds the newer open visit untouched.
        var command = new NpgsqlBatchCommand("""
            UPDATE deal_stage_visit SET left_seq = $2, left_at = $3, outcome = $4, next_stage = $5, lost_reason = $6,
                touched_at = coalesce((SELECT last_activity_at FROM deal_fact WHERE deal_id = $1), entered_at)
            WHERE deal_id = $1 AND left_seq IS NULL AND entered_seq < $2
            """);
        DealProjector.Add(command, dealId, a.Seq, a.At, outcome, nextStage, lostReason);
        sql.BatchCommands.Add(command);
    }

    private static void Enter(NpgsqlBatch sql, DealView d, DealActivity a, string stage)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal_stage_visit (deal_id, entered_seq, stage, process_kind, process_version, department_id, owner, amount, entered_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (deal_id, entered_seq) DO NOTHING
            """);
        DealProjector.Add(command, d.Id, a.Seq, stage, d.ProcessKind, d.ProcessVersion, d.Department, d.Owner, d.Amount, a.At);
        sql.BatchCommands.Add(command);
    }

    private static void Fact(NpgsqlBatch sql, DealView d, List<DealActivity> activities)
    {
        var lastAt = activities.Count == 0 ? d.CreatedAt : activities.Max(a => a.At);
        var command = new NpgsqlBatchCommand("""
            INSERT INTO deal_fact (deal_id, seq, parameters, last_activity_at, lost_stage)
            VALUES ($1, $2, $3::jsonb, $4, (SELECT stage FROM deal_stage_visit WHERE deal_id = $1 AND outcome = 'Lost'))
            ON CONFLICT (deal_id) DO UPDATE SET
                seq = EXCLUDED.seq, parameters = EXCLUDED.parameters,
                last_activity_at = greatest(deal_fact.last_activity_at, EXCLUDED.last_activity_at), lost_stage = EXCLUDED.lost_stage
            WHERE deal_fact.seq < EXCLUDED.seq
            """);
        DealProjector.Add(command, d.Id, d.Seq, System.Text.Json.JsonSerializer.Serialize(d.Parameters), lastAt);
        sql.BatchCommands.Add(command);

        // The executor the open visit is stuck on, from the newest snapshot that knows it.
        if (d.StuckOn is { } stuck)
        {
            var stuckCommand = new NpgsqlBatchCommand("""
                UPDATE deal_stage_visit SET stuck_on = $2, stuck_seq = $3
                WHERE deal_id = $1 AND left_seq IS NULL AND entered_seq <= $3 AND (stuck_seq IS NULL OR stuck_seq < $3)
                """);
            DealProjector.Add(stuckCommand, d.Id, stuck.User, d.Seq);
            sql.BatchCommands.Add(stuckCommand);
        }
    }
}
