using System.Runtime.CompilerServices;
using Npgsql;
using SalesOrleans.Domain.Analytics;

namespace SalesOrleans.ReadModel;

/// <summary>What every report can be narrowed to; From/To bound the period ([From, To)) on the report's own date.</summary>
public sealed record AnalyticsFilter(
    string? Process = null,
    string? Department = null,
    string? Owner = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

/// <summary>One stage of the funnel: visits that entered it in the period, left it onward, were lost at it, are still in it.</summary>
public sealed record FunnelStage(string Process, string Stage, long Entered, long Passed, long Lost, long Won, long Open)
{
    public double Conversion => Entered == 0 ? 0 : (double)(Passed + Won) / Entered;
}

/// <summary>Time spent in a stage by left visits (hours) and how many still sit in it, per stage or per executor it was stuck on.</summary>
public sealed record StageDuration(string Process, string Stage, string? Executor, long Visits, double MedianHours, double P90Hours,
    double MeanHours, long OpenNow, double OpenMedianAgeHours);

/// <summary>Lost deals grouped by one dimension (reason, stage, manager or month: see <see cref="By"/>).</summary>
public sealed record LostGroup(string By, string Key, long Deals, decimal Amount);

public sealed record ManagerPerformance(string Manager, long Deals, long Won, long Lost, long Open, double Conversion, decimal RevenueWon,
    long Tasks, long OverdueTasks, double OverdueRate);

/// <summary>A visit of a closed deal, the training material of the win-probability model.</summary>
public sealed record ClosedVisit(Guid DealId, string Process, string Department, string Stage, double HoursInStage,
    double HoursSinceActivity, decimal Amount, bool Won, DateTimeOffset LeftAt, DateTimeOffset ClosedAt);

/// <summary>An open deal to score: its current stage, how long it has been there and since the last touch.</summary>
public sealed record OpenDealFeatures(Guid DealId, string Process, string Department, string Owner, string Stage, double StageProbability,
    double HoursInStage, double HoursSinceActivity, decimal Amount);

/// <summary>A deal's win probability; <see cref="Source"/> says whether the model learned it ("model") or fell back to the stage's ("stage").</summary>
public sealed record DealScore(Guid DealId, double WinProbability, DateOnly ExpectedClose, string Source = WinEstimates.Model);

public sealed record ForecastMonth(DateOnly Month, decimal Expected, decimal StageExpected, long OpenDeals, decimal? Forecast, decimal Actual);

/// <summary>A row of a mailing or phone list, one per deal's contact; the segment columns come along for the import's tags.</summary>
public sealed record ContactExportRow(string Company, string? Contact, string Department, string Process, string Status, string Stage,
    string? EquipmentType, string Owner, decimal Amount, DateTimeOffset CreatedAt);

public sealed record ContactSegment(string? Department = null, string? EquipmentType = null, string? Status = null, string? Process = null);

/// <summary>
/// What became of the leads that arrived in the period, per source channel and department: Converted, Disqualified
/// (with the reason) or Open (with its status). Hours: to the outcome for closed leads, the age so far for open ones.
/// </summary>
public sealed record LeadFateRow(string Source, string Department, string Outcome, string Status, string? Reason, long Leads,
    double MedianHours, double MaxHours);

/// <summary>A segment of contacts for marketing; every field narrows, null leaves it open.</summary>
public sealed record Segment(string? Department = null, string? EquipmentType = null, string? Status = null, string? Source = null,
    string? Region = null);

/// <summary>One contact (a lead's or a customer's) with its segment fields: from its newest lead and that lead's deal.</summary>
public sealed record SegmentContact(Guid ContactId, string Kind, string? Name, string? Company, IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones, string? Department, string? EquipmentType, string? LeadStatus, string? DealStatus, string? Source,
    string? Region, string? Responsible);

/// <summary>Reads of the analytics tables (deploy/sql/0006_analytics.sql) and the read model for reports.</summary>
public sealed class AnalyticsQueries(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<FunnelStage>> FunnelAsync(AnalyticsFilter f, CancellationToken ct = default)
    {
        // Whole months (or no period) read the counters the projector keeps; any other period counts the visits.
        await using var cmd = IsMonth(f.From) && IsMonth(f.To) ? Filtered("""
            SELECT process_kind, stage, sum(entered)::bigint, sum(passed)::bigint, sum(lost)::bigint, sum(won)::bigint,
                   sum(entered - passed - lost - won)::bigint
            FROM stage_funnel
            WHERE {filter}
            GROUP BY process_kind, stage
            """, "(month::timestamp AT TIME ZONE 'UTC')", f) : Filtered("""
            SELECT process_kind, stage, count(*),
                   count(*) FILTER (WHERE outcome = 'Passed'), count(*) FILTER (WHERE outcome = 'Lost'),
                   count(*) FILTER (WHERE outcome = 'Won'), count(*) FILTER (WHERE left_seq IS NULL)
            FROM deal_stage_visit
            WHERE {filter}
            GROUP BY process_kind, stage
            """, "entered_at", f);
        var items = new List<FunnelStage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new FunnelStage(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)));
        }

        return items;
    }

    /// <summary>
    /// Time in stage per stage (or per stage and executor it was stuck on) for visits entered in the period. Whole
    /// months (or no period) read the duration histogram the projector keeps (median and p90 within 2.5 %, mean
    /// exact); any other period sorts the visits themselves (exact).
    /// </summary>
    public async Task<IReadOnlyList<StageDuration>> StageDurationsAsync(AnalyticsFilter f, bool byExecutor, CancellationToken ct = default)
    {
        if (!IsMonth(f.From) || !IsMonth(f.To))
        {
            return await StageDurationsFromVisitsAsync(f, byExecutor, ct);
        }

        var executor = byExecutor ? "nullif(executor, '')" : "NULL::text";
        var groups = new Dictionary<(string, string, string?), List<(int Bucket, long Visits, double Hours)>>();
        await using (var cmd = Filtered($"""
            SELECT process_kind, stage, {executor}, bucket, sum(visits)::bigint, sum(hours)
            FROM stage_duration
            WHERE {"{filter}"}
            GROUP BY 1, 2, 3, 4
            ORDER BY 1, 2, 3, 4
            """, "(month::timestamp AT TIME ZONE 'UTC')", f))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var key = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add((r.GetInt32(3), r.GetInt64(4), r.GetDouble(5)));
            }
        }

        // Visits still in their stage: few (the open deals), read from their partial index.
        var open = new Dictionary<(string, string, string?), (long Count, double MedianAge)>();
        await using (var cmd = Filtered($"""
            SELECT process_kind, stage, {(byExecutor ? "stuck_on" : "NULL::text")}, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', now() - entered_at) / 3600.0)
            FROM deal_stage_visit
            WHERE left_seq IS NULL AND {"{filter}"}
            GROUP BY 1, 2, 3
            """, "entered_at", f))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                open[(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2))] = (r.GetInt64(3), r.GetDouble(4));
            }
        }

        return [.. groups.Keys.Union(open.Keys).OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
            .ThenBy(k => k.Item3, StringComparer.Ordinal).Select(k =>
            {
                var buckets = groups.GetValueOrDefault(k) ?? [];
                var n = buckets.Sum(b => b.Visits);
                var o = open.GetValueOrDefault(k);
                return new StageDuration(k.Item1, k.Item2, k.Item3, n, Percentile(buckets, n, 0.5), Percentile(buckets, n, 0.9),
                    n == 0 ? 0 : buckets.Sum(b => b.Hours) / n, o.Count, o.MedianAge);
            })];
    }

    // percentile_cont over the histogram: interpolate between the ranks around p·(n−1), each at its bucket's geometric middle.
    private static double Percentile(List<(int Bucket, long Visits, double Hours)> buckets, long n, double p)
    {
        if (n == 0)
        {
            return 0;
        }

        var rank = p * (n - 1);
        var low = (long)Math.Floor(rank);
        return ValueAt(low) + (rank - low) * (ValueAt(Math.Min(low + 1, n - 1)) - ValueAt(low));

        double ValueAt(long index)
        {
            long seen = 0;
            foreach (var b in buckets)
            {
                seen += b.Visits;
                if (index < seen)
                {
                    return 0.01 * Math.Pow(1.05, b.Bucket + 0.5);
                }
            }

            return 0;
        }
    }

    /// <summary>Durations of visits that left the stage in the period; with <paramref name="byExecutor"/> per executor it was stuck on.</summary>
    private async Task<IReadOnlyList<StageDuration>> StageDurationsFromVisitsAsync(AnalyticsFilter f, bool byExecutor, CancellationToken ct)
    {
        var executor = byExecutor ? "stuck_on" : "NULL::text";
        // Medians sort millions of durations: in memory (a larger work_mem for this one transaction) rather than on disk.
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '256MB'", connection))
        {
            await memory.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = Filtered($"""
            SELECT process_kind, stage, {executor},
                   count(*) FILTER (WHERE left_at IS NOT NULL),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE left_at IS NOT NULL), 0),
                   coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FILTER (WHERE left_at IS NOT NULL), 0),
                   coalesce(avg(hours) FILTER (WHERE left_at IS NOT NULL), 0),
                   count(*) FILTER (WHERE left_at IS NULL),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE left_at IS NULL), 0)
            FROM (SELECT *, date_part('epoch', coalesce(left_at, now()) - entered_at) / 3600.0 AS hours FROM deal_stage_visit) v
            WHERE {"{filter}"}
            GROUP BY process_kind, stage, {executor}
            ORDER BY process_kind, stage, {executor}
            """, "entered_at", f, connection: connection);
        var items = new List<StageDuration>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new StageDuration(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3),
                r.GetDouble(4), r.GetDouble(5), Convert.ToDouble(r.GetValue(6)), r.GetInt64(7), r.GetDouble(8)));
        }

        return items;
    }

    /// <summary>Deals lost in the period (by the time they were lost), by reason, by the stage lost at, by manager and by month.</summary>
    public async Task<IReadOnlyList<LostGroup>> LostAsync(AnalyticsFilter f, CancellationToken ct = default)
    {
        await using var cmd = Filtered("""
            SELECT CASE WHEN GROUPING(lost_reason) = 0 THEN 'reason' WHEN GROUPING(stage) = 0 THEN 'stage'
                        WHEN GROUPING(owner) = 0 THEN 'manager' ELSE 'month' END,
                   coalesce(lost_reason, stage, owner, to_char(date_trunc('month', left_at AT TIME ZONE 'UTC'), 'YYYY-MM')),
                   count(*), sum(amount)
            FROM deal_stage_visit
            WHERE outcome = 'Lost' AND {filter}
            GROUP BY GROUPING SETS ((lost_reason), (stage), (owner), (date_trunc('month', left_at AT TIME ZONE 'UTC')))
            ORDER BY 1, 3 DESC, 2
            """, "left_at", f);
        var items = new List<LostGroup>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new LostGroup(r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1), r.GetInt64(2), r.GetDecimal(3)));
        }

        return items;
    }

    /// <summary>Per manager: deals created in the period and how they ended, revenue won, and tasks created in the period gone overdue.</summary>
    public async Task<IReadOnlyList<ManagerPerformance>> ManagersAsync(AnalyticsFilter f, CancellationToken ct = default)
    {
        await using var cmd = Filtered("""
            WITH d AS (
                SELECT owner, count(*) AS deals, count(*) FILTER (WHERE status = 'Won') AS won, count(*) FILTER (WHERE status = 'Lost') AS lost,
                       count(*) FILTER (WHERE status = 'Open') AS open, coalesce(sum(amount) FILTER (WHERE status = 'Won'), 0) AS revenue
                FROM deal WHERE {filter}
                GROUP BY owner),
            t AS (
                SELECT t.executor, count(*) AS tasks, count(*) FILTER (WHERE t.overdue_at IS NOT NULL) AS overdue
                FROM deal_task t JOIN deal ON deal.deal_id = t.deal_id
                WHERE {filter}
                GROUP BY t.executor)
            SELECT d.owner, d.deals, d.won, d.lost, d.open, d.revenue, coalesce(t.tasks, 0), coalesce(t.overdue, 0)
            FROM d LEFT JOIN t ON t.executor = d.owner
            ORDER BY d.revenue DESC, d.owner
            """, "deal.created_at", f, table: "deal.");
        var items = new List<ManagerPerformance>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            long won = r.GetInt64(2), lost = r.GetInt64(3), tasks = r.GetInt64(6), overdue = r.GetInt64(7);
            items.Add(new ManagerPerformance(r.GetString(0), r.GetInt64(1), won, lost, r.GetInt64(4),
                won + lost == 0 ? 0 : (double)won / (won + lost), r.GetDecimal(5), tasks, overdue, tasks == 0 ? 0 : (double)overdue / tasks));
        }

        return items;
    }

    /// <summary>Visits of closed deals, streamed (the model reads a million without holding them).</summary>
    public async IAsyncEnumerable<ClosedVisit> ClosedVisitsAsync(AnalyticsFilter f, bool? heldOut = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var cmd = Filtered("""
            SELECT v.deal_id, v.process_kind, v.department_id, v.stage,
                   date_part('epoch', v.left_at - v.entered_at) / 3600.0,
                   date_part('epoch', v.left_at - coalesce(v.touched_at, v.entered_at)) / 3600.0,
                   v.amount, deal.status = 'Won', v.left_at, deal.closed_at
            FROM deal_stage_visit v JOIN deal ON deal.deal_id = v.deal_id
            WHERE deal.status <> 'Open' AND v.left_at IS NOT NULL AND {filter}
              AND ($6::boolean IS NULL OR ((hashtext(v.deal_id::text) & 2147483647) % 5 = 0) = $6)
            """, "deal.closed_at", f, table: "v.");
        cmd.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = heldOut });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            yield return new ClosedVisit(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Convert.ToDouble(r.GetValue(4)),
                Convert.ToDouble(r.GetValue(5)), r.GetDecimal(6), r.GetBoolean(7), Time(r, 8), Time(r, 9));
        }
    }

    /// <summary>Per stage: the median hours of closed visits (the stage's norm) and the median hours won deals took from entering it to the close.</summary>
    public async Task<IReadOnlyList<(string Process, string Stage, double MedianHours, double? MedianHoursToClose)>> StageNormsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '256MB'", connection))
        {
            await memory.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT v.process_kind, v.stage,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', v.left_at - v.entered_at) / 3600.0),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', deal.closed_at - v.entered_at) / 3600.0) FILTER (WHERE deal.status = 'Won')
            FROM deal_stage_visit v JOIN deal ON deal.deal_id = v.deal_id
            WHERE deal.status <> 'Open' AND v.left_at IS NOT NULL
            GROUP BY v.process_kind, v.stage
            """, connection);
        var items = new List<(string, string, double, double?)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add((r.GetString(0), r.GetString(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3)));
        }

        return items;
    }

    public async IAsyncEnumerable<OpenDealFeatures> OpenDealsAsync(AnalyticsFilter f, DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var cmd = Filtered("""
            SELECT deal.deal_id, deal.process_kind, deal.department_id, deal.owner, deal.stage, deal.probability,
                   date_part('epoch', $6 - deal.stage_entered_at) / 3600.0,
                   date_part('epoch', $6 - coalesce(fact.last_activity_at, deal.stage_entered_at)) / 3600.0, deal.amount
            FROM deal LEFT JOIN deal_fact fact ON fact.deal_id = deal.deal_id
            WHERE deal.status = 'Open' AND {filter}
            """, null, f, table: "deal.");
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            yield return new OpenDealFeatures(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5),
                Convert.ToDouble(r.GetValue(6)), Convert.ToDouble(r.GetValue(7)), r.GetDecimal(8));
        }
    }

    /// <summary>Stores scores with one COPY into a temporary table and one UPDATE, so 100,000 deals cost two statements.</summary>
    public async Task SaveScoresAsync(IEnumerable<DealScore> scores, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE score_in (deal_id uuid, p double precision, expected_close date, source text) ON COMMIT DROP", connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var writer = await connection.BeginBinaryImportAsync("COPY score_in (deal_id, p, expected_close, source) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var s in scores)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(s.DealId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(s.WinProbability, NpgsqlTypes.NpgsqlDbType.Double, ct);
                await writer.WriteAsync(s.ExpectedClose, NpgsqlTypes.NpgsqlDbType.Date, ct);
                await writer.WriteAsync(s.Source, NpgsqlTypes.NpgsqlDbType.Text, ct);
            }

            await writer.CompleteAsync(ct);
        }

        await using (var update = new NpgsqlCommand("""
            INSERT INTO deal_fact (deal_id, seq, parameters, last_activity_at, win_probability, expected_close, scored_at, win_source)
            SELECT s.deal_id, 0, '{}', $1, s.p, s.expected_close, $1, s.source FROM score_in s
            ON CONFLICT (deal_id) DO UPDATE SET win_probability = EXCLUDED.win_probability, win_source = EXCLUDED.win_source,
                expected_close = EXCLUDED.expected_close, scored_at = EXCLUDED.scored_at
            """, connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            await update.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Expected amount of open deals by expected close month (model and stage probability), set against what the
    /// newest forecast snapshot made before each month said and what was actually won in it.
    /// </summary>
    public async Task<IReadOnlyList<ForecastMonth>> ForecastAsync(AnalyticsFilter f, DateOnly fromMonth, DateOnly toMonth, CancellationToken ct = default)
    {
        await using var cmd = Filtered("""
            WITH months AS (
                SELECT generate_series($6::date, $7::date, interval '1 month')::date AS month),
            expected AS (
                SELECT date_trunc('month', fact.expected_close)::date AS month,
                       sum(deal.amount * fact.win_probability::numeric) AS expected, sum(deal.amount * deal.probability::numeric) AS stage_expected, count(*) AS n
                FROM deal JOIN deal_fact fact ON fact.deal_id = deal.deal_id
                WHERE deal.status = 'Open' AND fact.expected_close IS NOT NULL AND {filter}
                GROUP BY 1),
            actual AS (
                SELECT date_trunc('month', deal.closed_at AT TIME ZONE 'UTC')::date AS month, sum(deal.amount) AS won
                FROM deal WHERE deal.status = 'Won' AND deal.closed_at >= $6::date AND {filter}
                GROUP BY 1),
            said AS (
                SELECT s.month, sum(s.expected_amount) AS forecast
                FROM forecast_snapshot s
                WHERE s.made_on = (SELECT max(made_on) FROM forecast_snapshot WHERE made_on < s.month)
                  AND ($1::text IS NULL OR s.process_kind = $1) AND ($2::text IS NULL OR s.department_id = $2)
                GROUP BY s.month)
            SELECT m.month, coalesce(e.expected, 0), coalesce(e.stage_expected, 0), coalesce(e.n, 0), said.forecast, coalesce(a.won, 0)
            FROM months m LEFT JOIN expected e ON e.month = m.month LEFT JOIN actual a ON a.month = m.month LEFT JOIN said ON said.month = m.month
            ORDER BY m.month
            """, null, f, table: "deal.");
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = fromMonth });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = toMonth });
        var items = new List<ForecastMonth>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new ForecastMonth(DateOnly.FromDateTime(r.GetDateTime(0)), Math.Round(r.GetDecimal(1), 2), Math.Round(r.GetDecimal(2), 2),
                r.GetInt64(3), r.IsDBNull(4) ? null : r.GetDecimal(4), r.GetDecimal(5)));
        }

        return items;
    }

    /// <summary>Records today's forecast per month, process and department (once per day; a rerun replaces the day's numbers).</summary>
    public async Task SnapshotForecastAsync(DateOnly today, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO forecast_snapshot (made_on, month, process_kind, department_id, expected_amount, open_deals)
            SELECT $1, date_trunc('month', fact.expected_close)::date, deal.process_kind, deal.department_id,
                   round(sum(deal.amount * fact.win_probability::numeric), 2), count(*)
            FROM deal JOIN deal_fact fact ON fact.deal_id = deal.deal_id
            WHERE deal.status = 'Open' AND fact.expected_close IS NOT NULL
            GROUP BY 2, 3, 4
            ON CONFLICT (made_on, month, process_kind, department_id) DO UPDATE SET
                expected_amount = EXCLUDED.expected_amount, open_deals = EXCLUDED.open_deals
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Contacts of deals in a segment, streamed row by row for CSV/XLSX writers (constant memory).</summary>
    public async IAsyncEnumerable<ContactExportRow> ContactsAsync(ContactSegment s, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT deal.company, deal.contact, deal.department_id, deal.process_kind, deal.status, deal.stage,
                   fact.parameters ->> 'equipmentType', deal.owner, deal.amount, deal.created_at
            FROM deal LEFT JOIN deal_fact fact ON fact.deal_id = deal.deal_id
            WHERE ($1::text IS NULL OR deal.department_id = $1)
              AND ($2::text IS NULL OR fact.parameters ->> 'equipmentType' = $2)
              AND ($3::text IS NULL OR deal.status = $3)
              AND ($4::text IS NULL OR deal.process_kind = $4)
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.EquipmentType });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Status });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Process });
        // SequentialAccess: rows are read as they arrive, nothing buffered per row beyond the current one.
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await r.ReadAsync(ct))
        {
            yield return new ContactExportRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3),
                r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetDecimal(8), Time(r, 9));
        }
    }

    /// <summary>Leads that arrived in [From, To) by source, department, outcome, status and reason; Owner narrows to the assignee.</summary>
    public async Task<IReadOnlyList<LeadFateRow>> LeadFateAsync(AnalyticsFilter f, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT channel, department_id,
                   CASE status WHEN 'Converted' THEN 'Converted' WHEN 'Disqualified' THEN 'Disqualified' ELSE 'Open' END,
                   status, disqualify_reason, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY hours), max(hours)
            FROM (SELECT *, date_part('epoch', coalesce(closed_at, $5) - created_at) / 3600.0 AS hours FROM lead
                  WHERE ($1::text IS NULL OR department_id = $1) AND ($2::text IS NULL OR assignee = $2)
                    AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)) l
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1, 2, 3, 4, 6 DESC, 5
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Owner });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = f.From?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = f.To?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        var items = new List<LeadFateRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new LeadFateRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetInt64(5), Math.Round(r.GetDouble(6), 3), Math.Round(r.GetDouble(7), 3)));
        }

        return items;
    }

    /// <summary>
    /// Won revenue per customer (company) or per product (sku of the deal's lines) in [currentFrom, currentTo) and in
    /// [previousFrom, currentFrom), by the time deals were won; the filter's process, department and owner apply.
    /// </summary>
    public async Task<IReadOnlyList<BcgInput>> BcgRevenueAsync(AnalyticsFilter f, bool byProduct, DateTimeOffset previousFrom,
        DateTimeOffset currentFrom, DateTimeOffset currentTo, CancellationToken ct = default)
    {
        var (key, name, revenue, from) = byProduct
            ? ("l ->> 'sku'", "max(l ->> 'name')", "(l ->> 'revenue')::numeric",
               "deal JOIN deal_fact fact ON fact.deal_id = deal.deal_id CROSS JOIN jsonb_array_elements(fact.lines) l")
            : ("deal.company", "NULL::text", "deal.amount", "deal");
        await using var cmd = Filtered($"""
            SELECT {key}, {name},
                   coalesce(sum({revenue}) FILTER (WHERE deal.closed_at >= $7), 0),
                   coalesce(sum({revenue}) FILTER (WHERE deal.closed_at < $7), 0)
            FROM {from}
            WHERE deal.status = 'Won' AND deal.closed_at >= $6 AND deal.closed_at < $8 AND {"{filter}"}
            GROUP BY 1
            """, null, f with { From = null, To = null }, table: "deal.");
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = previousFrom.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = currentFrom.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = currentTo.UtcDateTime });
        var items = new List<BcgInput>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new BcgInput(r.IsDBNull(0) ? "" : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetDecimal(2), r.GetDecimal(3)));
        }

        return items;
    }

    /// <summary>
    /// Contacts in a segment, streamed row by row (constant memory). Segment fields come from the contact's newest
    /// lead and that lead's deal: department (deal, else lead, else contact), equipment type (the lead's, else the
    /// deal's parameter), status (the lead's or the deal's), source (the lead's channel), region (the lead's).
    /// <paramref name="with"/> keeps only contacts with an e-mail address ("email") or a phone ("phone").
    /// </summary>
    public async IAsyncEnumerable<SegmentContact> SegmentContactsAsync(Segment s, string? with = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT * FROM (
                SELECT c.contact_id, c.kind, c.name, coalesce(c.company, l.company, d.company) AS company, c.emails, c.phones,
                       coalesce(d.department_id, nullif(l.department_id, 'triage'), c.department_id) AS department,
                       coalesce(l.equipment_type, f.parameters ->> 'equipmentType') AS equipment_type,
                       l.status AS lead_status, d.status AS deal_status, l.channel AS source, l.region, c.responsible
                FROM contact c
                LEFT JOIN LATERAL (SELECT * FROM lead WHERE lead.contact_id = c.contact_id ORDER BY lead.created_at DESC LIMIT 1) l ON true
                LEFT JOIN deal d ON d.deal_id = coalesce(l.deal_id, c.open_deal_id)
                LEFT JOIN deal_fact f ON f.deal_id = d.deal_id
                WHERE ($6::text IS NULL OR ($6 = 'email' AND cardinality(c.emails) > 0) OR ($6 = 'phone' AND cardinality(c.phones) > 0))) x
            WHERE ($1::text IS NULL OR department = $1)
              AND ($2::text IS NULL OR lower(equipment_type) = lower($2))
              AND ($3::text IS NULL OR lead_status = $3 OR deal_status = $3)
              AND ($4::text IS NULL OR source = $4)
              AND ($5::text IS NULL OR lower(region) = lower($5))
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.EquipmentType });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Status });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Source });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Region });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = with });
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await r.ReadAsync(ct))
        {
            yield return new SegmentContact(r.GetGuid(0), r.GetString(1), Text(r, 2), Text(r, 3), r.GetFieldValue<string[]>(4),
                r.GetFieldValue<string[]>(5), Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10), Text(r, 11), Text(r, 12));
        }
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static bool IsMonth(DateTimeOffset? t) =>
        t is null || (t.Value.Offset == TimeSpan.Zero && t.Value.Day == 1 && t.Value.TimeOfDay == TimeSpan.Zero);

    /// <summary>
    /// One node at a time refreshes the model: a session advisory lock, held by the returned lease until it is
    /// disposed (or the connection dies with its node); null when another node holds it.
    /// </summary>
    public async Task<IAsyncDisposable?> TryLockRefreshAsync(CancellationToken ct = default)
    {
        var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(7242001)", connection);
        if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
        {
            return new RefreshLease(connection);
        }

        await connection.DisposeAsync();
        return null;
    }

    private sealed class RefreshLease(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(7242001)", connection))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }

    public async Task<long> CountDealsAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM deal");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    // The common filter as $1..$5 (process, department, owner, from, to) on the report's own date column.
    private NpgsqlCommand Filtered(string sql, string? dateColumn, AnalyticsFilter f, string table = "", NpgsqlConnection? connection = null)
    {
        var filter = $"""
            ($1::text IS NULL OR {table}process_kind = $1)
            AND ($2::text IS NULL OR {table}department_id = $2)
            AND ($3::text IS NULL OR {table}owner = $3)
            """;
        if (dateColumn is not null)
        {
            filter += $" AND ($4::timestamptz IS NULL OR {dateColumn} >= $4) AND ($5::timestamptz IS NULL OR {dateColumn} < $5)";
        }
        else
        {
            filter += " AND ($4::timestamptz IS NULL OR true) AND ($5::timestamptz IS NULL OR true)";
        }

        var text = sql.Replace("{filter}", filter, StringComparison.Ordinal);
        var cmd = connection is null ? db.CreateCommand(text) : new NpgsqlCommand(text, connection);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Process });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Owner });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = f.From?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = f.To?.UtcDateTime });
        return cmd;
    }

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => new(r.GetDateTime(i), TimeSpan.Zero);
}
