using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Analytics;

/// <summary>
/// A generated history with known truth fed through the real projector into PostgreSQL: the funnel, stage
/// durations, lost reasons and forecast come out exact, and replaying every publication changes nothing.
/// </summary>
[Trait("Category", "Integration")]
public class AnalyticsProjectionTests
{
    private const string P = "training-sales";
    private static readonly DateTimeOffset Base = new(2026, 8, 3, 9, 0, 0, TimeSpan.Zero);

    // 4 won through all six stages (10 h each), 3 lost at the proposal, 2 lost at first contact, 1 open in presentation.
    private static List<SyntheticDeal> History()
    {
        var deals = new List<SyntheticDeal>();
        string[] all = ["first-contact", "client-card", "proposal", "presentation", "order", "commitment"];
        for (var i = 0; i < 4; i++)
        {
            deals.Add(new(Id(1, i), P, "training", "k.weber", 1000 * (i + 1), Base.AddDays(i), [.. all.Select(s => (s, 10.0))], "Won",
                Parameters: new Dictionary<string, string> { ["equipmentType"] = "climatic" }, Contact: $"Contact {i}"));
        }

        for (var i = 0; i < 3; i++)
        {
            deals.Add(new(Id(2, i), P, "training", "l.braun", 500, Base.AddDays(i), [("first-contact", 20), ("client-card", 20), ("proposal", 5)],
                "Lost", "price too high", StuckOn: "l.braun"));
        }

        for (var i = 0; i < 2; i++)
        {
            deals.Add(new(Id(3, i), P, "training", "k.weber", 300, Base.AddDays(40 + i), [("first-contact", 30)], "Lost", "no budget"));
        }

        deals.Add(new(Id(4, 0), P, "training", "l.braun", 2000, Base, [("first-contact", 10), ("client-card", 10), ("proposal", 10), ("presentation", 0)],
            "Open", StuckOn: "t.engineer"));
        return deals;
    }

    private static Guid Id(int group, int i) => new($"00000000-0000-0000-{group:0000}-{i:000000000000}");

    private static async Task<(NpgsqlDataSource Db, DealProjector Projector)> Database()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await SchemaMigrator.MigrateAsync(db);
        return (db, new DealProjector(db, NullLogger<DealProjector>.Instance));
    }

    private static async Task Project(DealProjector projector, IEnumerable<SyntheticDeal> deals)
    {
        // Each deal's publications in order (as its grain sends them), deals interleaved as on a busy node.
        foreach (var publication in deals.SelectMany(d => SyntheticHistory.Publications(d).Select((p, i) => (p, i))).OrderBy(x => x.i).Select(x => x.p))
        {
            await projector.PublishAsync(publication);
        }

        // The funnel counters follow the visits behind the batches (issue 12, fifth round): counted now.
        await projector.CountFunnelAsync();
    }

    [Fact]
    public async Task Funnel_durations_and_lost_reasons_come_out_exact_and_replays_change_nothing()
    {
        var (db, projector) = await Database();
        await using var _ = db;
        await using var __ = projector;
        var queries = new AnalyticsQueries(db);
        var history = History();
        await Project(projector, history);

        var funnel = (await queries.FunnelAsync(new AnalyticsFilter(Process: P))).ToDictionary(s => s.Stage);
        Assert.Equal(6, funnel.Count);
        Assert.Equal(new FunnelStage(P, "first-contact", 10, 8, 2, 0, 0), funnel["first-contact"]);
        Assert.Equal(new FunnelStage(P, "client-card", 8, 8, 0, 0, 0), funnel["client-card"]);
        Assert.Equal(new FunnelStage(P, "proposal", 8, 5, 3, 0, 0), funnel["proposal"]);
        Assert.Equal(new FunnelStage(P, "presentation", 5, 4, 0, 0, 1), funnel["presentation"]);
        Assert.Equal(new FunnelStage(P, "order", 4, 4, 0, 0, 0), funnel["order"]);
        Assert.Equal(new FunnelStage(P, "commitment", 4, 0, 0, 4, 0), funnel["commitment"]);
        Assert.Equal(1.0, funnel["commitment"].Conversion);
        Assert.Equal(5.0 / 8, funnel["proposal"].Conversion);

        // A manager's funnel and a period: l.braun has 3 lost + 1 open; August holds all but the two lost in September.
        var braun = (await queries.FunnelAsync(new AnalyticsFilter(Process: P, Owner: "l.braun"))).ToDictionary(s => s.Stage);
        Assert.Equal(4, braun["first-contact"].Entered);
        Assert.Equal(3, braun["proposal"].Lost);
        var august = await queries.FunnelAsync(new AnalyticsFilter(Process: P, From: new(2026, 8, 1, 0, 0, 0, TimeSpan.Zero), To: new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(8, august.Single(s => s.Stage == "first-contact").Entered);
        // A period that is not whole months counts the visits themselves: the same answer.
        var midMonth = await queries.FunnelAsync(new AnalyticsFilter(Process: P, From: new(2026, 8, 2, 0, 0, 0, TimeSpan.Zero), To: new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(august.OrderBy(s => s.Stage), midMonth.OrderBy(s => s.Stage));
        Assert.Equal(2, (await queries.FunnelAsync(new AnalyticsFilter(Process: P, From: new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero)))).Single().Entered);

        // A period that is not whole months sorts the visits: exact. (Every visit here was entered after 2 August.)
        var exact = new AnalyticsFilter(Process: P, From: new(2026, 8, 2, 0, 0, 0, TimeSpan.Zero));
        var durations = (await queries.StageDurationsAsync(exact, byExecutor: false)).ToDictionary(s => s.Stage);
        double[] firstContact = [10, 10, 10, 10, 20, 20, 20, 30, 30, 10];
        Assert.Equal(10, durations["first-contact"].Visits);
        Assert.Equal(Percentile(firstContact, 0.5), durations["first-contact"].MedianHours, 6);
        Assert.Equal(Percentile(firstContact, 0.9), durations["first-contact"].P90Hours, 6);
        Assert.Equal(firstContact.Average(), durations["first-contact"].MeanHours, 6);
        double[] proposal = [10, 10, 10, 10, 5, 5, 5, 10];
        Assert.Equal(Percentile(proposal, 0.5), durations["proposal"].MedianHours, 6);
        Assert.Equal(Percentile(proposal, 0.9), durations["proposal"].P90Hours, 6);
        Assert.Equal(1, durations["presentation"].OpenNow);

        // No period reads the histogram: the same within its 2.5 %, visit counts and means exact.
        var histogram = (await queries.StageDurationsAsync(new AnalyticsFilter(Process: P), byExecutor: false)).ToDictionary(s => s.Stage);
        Assert.Equal(durations.Keys.Order(), histogram.Keys.Order());
        foreach (var (stage, d) in durations)
        {
            var h = histogram[stage];
            Assert.Equal((d.Visits, d.OpenNow), (h.Visits, h.OpenNow));
            Assert.Equal(d.MeanHours, h.MeanHours, 6);
            Assert.InRange(h.MedianHours, d.MedianHours * 0.975, d.MedianHours * 1.025);
            Assert.InRange(h.P90Hours, d.P90Hours * 0.975, d.P90Hours * 1.025);
        }

        // Where deals stall, by the executor they were stuck on.
        foreach (var filter in new[] { exact, new AnalyticsFilter(Process: P) })
        {
            var byExecutor = await queries.StageDurationsAsync(filter, byExecutor: true);
            Assert.Equal(3, byExecutor.Single(s => s.Stage == "proposal" && s.Executor == "l.braun").Visits);
            Assert.Equal(1, byExecutor.Single(s => s.Stage == "presentation" && s.Executor == "t.engineer").OpenNow);
        }

        var lost = await queries.LostAsync(new AnalyticsFilter(Process: P));
        Assert.Equal(new LostGroup("reason", "price too high", 3, 1500), lost.Single(g => g.By == "reason" && g.Key == "price too high"));
        Assert.Equal(new LostGroup("reason", "no budget", 2, 600), lost.Single(g => g.By == "reason" && g.Key == "no budget"));
        Assert.Equal(new LostGroup("stage", "proposal", 3, 1500), lost.Single(g => g.By == "stage" && g.Key == "proposal"));
        Assert.Equal(new LostGroup("stage", "first-contact", 2, 600), lost.Single(g => g.By == "stage" && g.Key == "first-contact"));
        Assert.Equal(3, lost.Single(g => g.By == "manager" && g.Key == "l.braun").Deals);
        Assert.Equal(3, lost.Single(g => g.By == "month" && g.Key == "2026-08").Deals);
        Assert.Equal(2, lost.Single(g => g.By == "month" && g.Key == "2026-09").Deals);

        var managers = (await queries.ManagersAsync(new AnalyticsFilter(Process: P))).ToDictionary(m => m.Manager);
        Assert.Equal(6, managers["k.weber"].Deals);
        Assert.Equal(4, managers["k.weber"].Won);
        Assert.Equal(10000m, managers["k.weber"].RevenueWon);
        Assert.Equal(4.0 / 6, managers["k.weber"].Conversion, 6);
        Assert.Equal(0, managers["l.braun"].Conversion);
        Assert.Equal(1, managers["l.braun"].Open);

        // Every publication again, as an outbox republish after a crash would: nothing moves.
        var before = await Snapshot(db);
        await Project(projector, history);
        Assert.Equal(before, await Snapshot(db));
    }

    [Fact]
    public async Task Forecast_is_the_probability_weighted_amount_by_expected_month_and_is_set_against_actual()
    {
        var (db, projector) = await Database();
        await using var _ = db;
        await using var __ = projector;
        var queries = new AnalyticsQueries(db);
        var history = History();
        // Two more open deals to forecast.
        history.Add(new(Id(5, 0), P, "training", "k.weber", 10000, Base, [("first-contact", 1), ("client-card", 0)], "Open"));
        history.Add(new(Id(5, 1), P, "projects", "a.ivanova", 4000, Base, [("first-contact", 0)], "Open"));
        await Project(projector, history);

        await queries.SaveScoresAsync(
        [
            new DealScore(Id(4, 0), 0.25, new DateOnly(2027, 1, 15)),
            new DealScore(Id(5, 0), 0.6, new DateOnly(2027, 1, 31)),
            new DealScore(Id(5, 1), 0.5, new DateOnly(2027, 2, 1)),
        ], DateTimeOffset.UtcNow);
        await queries.SnapshotForecastAsync(new DateOnly(2026, 10, 1));

        var months = await queries.ForecastAsync(new AnalyticsFilter(), new DateOnly(2026, 8, 1), new DateOnly(2027, 3, 1));
        Assert.Equal(8, months.Count);
        var byMonth = months.ToDictionary(m => m.Month);
        Assert.Equal(2000 * 0.25m + 10000 * 0.6m, byMonth[new(2027, 1, 1)].Expected);
        Assert.Equal(2000m, byMonth[new(2027, 2, 1)].Expected);
        Assert.Equal(2, byMonth[new(2027, 1, 1)].OpenDeals);
        Assert.Equal(0m, byMonth[new(2027, 3, 1)].Expected);
        // What the 1 October forecast said about January, and what was won in August (all four won deals).
        Assert.Equal(6500m, byMonth[new(2027, 1, 1)].Forecast);
        Assert.Null(byMonth[new(2026, 9, 1)].Forecast);
        Assert.Equal(1000m + 2000 + 3000 + 4000, byMonth[new(2026, 8, 1)].Actual);
        Assert.Equal(0m, byMonth[new(2026, 9, 1)].Actual);

        var training = await queries.ForecastAsync(new AnalyticsFilter(Department: "training"), new DateOnly(2027, 1, 1), new DateOnly(2027, 2, 1));
        Assert.Equal(6500m, training[0].Expected);
        Assert.Equal(0m, training[1].Expected);
    }

    [Fact]
    public async Task Contacts_stream_by_segment_as_csv_with_a_header()
    {
        var (db, projector) = await Database();
        await using var _ = db;
        await using var __ = projector;
        await Project(projector, History());
        var queries = new AnalyticsQueries(db);

        var climatic = await queries.ContactsAsync(new ContactSegment(EquipmentType: "climatic", Status: "Won")).ToListAsync();
        Assert.Equal(4, climatic.Count);
        Assert.All(climatic, c => Assert.Equal("climatic", c.EquipmentType));

        using var buffer = new MemoryStream();
        await SalesOrleans.Web.Api.ReportExport.WriteCsvAsync(buffer, queries.ContactsAsync(new ContactSegment(Department: "training")), default);
        var lines = System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("Company,Contact,Department,Process,Status,Stage,EquipmentType,Owner,Amount,CreatedAt", lines[0]);

        using var xlsx = new MemoryStream();
        await SalesOrleans.Web.Api.ReportExport.WriteXlsxAsync(xlsx, queries.ContactsAsync(new ContactSegment()), default);
        xlsx.Position = 0;
        var rows = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true).ToList();
        Assert.Equal(10, rows.Count);
    }

    [Fact]
    public async Task Deals_projected_before_the_analytics_script_get_the_same_visits_and_counters_from_their_journal()
    {
        var (db, projector) = await Database();
        await using var _ = db;
        await using var __ = projector;
        await Project(projector, History());
        var projected = await Snapshot(db, facts: false);

        // The script's backfill part, run on a read model whose analytics tables are empty.
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream("sql/0006_analytics.sql")!;
        var script = await new StreamReader(stream).ReadToEndAsync();
        var backfill = script[script.IndexOf("-- Deals projected before this script", StringComparison.Ordinal)..];
        await using (var cmd = db.CreateCommand("TRUNCATE deal_stage_visit, stage_funnel, deal_fact;\n" + backfill))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.Equal(projected, await Snapshot(db, facts: false));
    }

    [Fact]
    public async Task One_node_at_a_time_refreshes_the_model()
    {
        var (db, projector) = await Database();
        await using var _ = db;
        await using var __ = projector;
        var queries = new AnalyticsQueries(db);
        var first = await queries.TryLockRefreshAsync();
        Assert.NotNull(first);
        Assert.Null(await queries.TryLockRefreshAsync());
        await first.DisposeAsync();
        await using var again = await queries.TryLockRefreshAsync();
        Assert.NotNull(again);
    }

    private static async Task<string> Snapshot(NpgsqlDataSource db, bool facts = true)
    {
        // The backfill cannot know the last touch or the stuck-on history, so without facts those are left out.
        await using var cmd = db.CreateCommand(facts
            ? """
              SELECT string_agg(v::text, '|' ORDER BY deal_id, entered_seq) FROM deal_stage_visit v
              UNION ALL SELECT string_agg(f::text, '|' ORDER BY deal_id) FROM deal_fact f
              UNION ALL SELECT string_agg(s::text, '|' ORDER BY s::text) FROM stage_funnel s
              UNION ALL SELECT string_agg(s::text, '|' ORDER BY s::text) FROM stage_duration s
              """
            : """
              SELECT string_agg(concat_ws(',', deal_id, entered_seq, stage, department_id, owner, amount, entered_at, left_seq, left_at,
                  outcome, next_stage, lost_reason), '|' ORDER BY deal_id, entered_seq) FROM deal_stage_visit v
              UNION ALL SELECT string_agg(s::text, '|' ORDER BY s::text) FROM stage_funnel s
              """);
        var parts = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            parts.Add(r.GetString(0));
        }

        return string.Join("\n", parts);
    }

    // PostgreSQL's percentile_cont: linear interpolation between the closest ranks.
    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }
}
