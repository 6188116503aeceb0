using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Analytics;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// Analytics at scale: 1,000,000 closed and 100,000 open generated deals of the training process, bulk-loaded with
/// COPY straight into the read-model and analytics tables (as the projector would have left them). Times the funnel
/// and bottleneck queries, the lost and manager reports, the win-probability refresh (learning from every closed
/// visit, then scoring every open deal) and a CSV export of every deal's contact at steady memory.
/// </summary>
public static class AnalyticsBenchmark
{
    private static readonly string[] Stages = ["first-contact", "client-card", "proposal", "presentation", "order", "commitment"];
    private static readonly string[] Departments = ["industrial", "training", "projects"];
    private static readonly string[] Owners = ["i.petrov", "m.sokolova", "k.weber", "l.braun", "a.ivanova", "d.orlov"];
    private static readonly string[] Reasons = ["price too high", "competitor chosen", "no budget", "no response"];
    private static readonly string[] Equipment = ["climatic", "vibration", "press", "oven"];

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var closed = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var open = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        await using var node = await BenchNode.StartAsync(connectionString, b => b.Configuration["Analytics:RefreshMinutes"] = "0");
        var db = node.Services.GetRequiredService<NpgsqlDataSource>();
        var service = node.Services.GetRequiredService<AnalyticsService>();
        var queries = service.Queries;

        var clock = Stopwatch.StartNew();
        // A database that already holds deals (ConnectionStrings__Sales kept from an earlier run) is measured as it is.
        if (await service.Queries.CountDealsAsync() is var existing and > 0)
        {
            Console.WriteLine($"reusing {existing:N0} deals already in the database");
        }
        else
        {
            var visits = await LoadAsync(db, closed, open);
            Console.WriteLine($"loaded {closed:N0} closed + {open:N0} open deals, {visits:N0} stage visits with COPY in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        await Time("funnel, all (counters)", () => service.FunnelAsync(new AnalyticsFilter()));
        await Time("funnel, one department, 2025-01-15 to 2025-04-15 (visits)", () => service.FunnelAsync(new AnalyticsFilter(Department: "training",
            From: new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2025, 4, 15, 0, 0, 0, TimeSpan.Zero))));
        await Time("funnel, one department and a quarter (counters)", () => service.FunnelAsync(new AnalyticsFilter(Department: "training",
            From: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero))));
        await Time("bottlenecks by stage, median and p90 (histogram)", () => queries.StageDurationsAsync(new AnalyticsFilter(), false));
        await Time("bottlenecks by stage and executor (histogram)", () => queries.StageDurationsAsync(new AnalyticsFilter(), true));
        await Time("bottlenecks by stage, one department, 2025-01-15 to 2025-04-15 (visits, exact)", () => queries.StageDurationsAsync(
            new AnalyticsFilter(Department: "training", From: new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero),
                To: new DateTimeOffset(2025, 4, 15, 0, 0, 0, TimeSpan.Zero)), false));
        await Time("lost deals (reason, stage, manager, month)", () => queries.LostAsync(new AnalyticsFilter()));
        await Time("manager performance", () => queries.ManagersAsync(new AnalyticsFilter()));

        var refresh = await service.RefreshProbabilitiesAsync();
        Console.WriteLine($"probability refresh: learned from {refresh.TrainingVisits:N0} closed visits in {refresh.Training.TotalSeconds:0.0} s; " +
            $"scored and stored {refresh.OpenDeals:N0} open deals in {refresh.Scoring.TotalSeconds:0.00} s");
        Console.WriteLine($"Brier score on {refresh.Brier.Samples:N0} held-out visits: model {refresh.Brier.Model:0.0000}, stage probability {refresh.Brier.StageBaseline:0.0000}");
        await Time("forecast, 6 months back and 15 ahead", () => service.ForecastAsync(new AnalyticsFilter(), 6, 15).ContinueWith(t => (IReadOnlyList<ForecastMonth>)t.Result.Months));

        // Export every deal's contact to a sink; every 250,000 rows the live heap (after a full collection) is noted.
        var before = GC.GetTotalMemory(true);
        long rows = 0;
        var live = new List<long>();
        var counting = new CountingStream();
        clock.Restart();
        await ReportExport.WriteCsvAsync(counting, Count(queries.ContactsAsync(new ContactSegment()), () =>
        {
            if (++rows % 250_000 == 0)
            {
                live.Add(GC.GetTotalMemory(true));
            }
        }), default);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"CSV export: {rows:N0} rows, {counting.Length / 1_000_000.0:0} MB in {seconds:0.0} s ({rows / seconds:N0} rows/s, including " +
            $"{live.Count} full collections); live managed heap {before / 1_000_000.0:0.0} MB before, at every 250,000 rows: " +
            string.Join(", ", live.Select(b => $"{b / 1_000_000.0:0.0}")) + " MB");
    }

    private static async Task Time<T>(string name, Func<Task<IReadOnlyList<T>>> query)
    {
        await query(); // warm: plans, caches
        var runs = new List<double>();
        IReadOnlyList<T> result = [];
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            result = await query();
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"{name}: {runs.Min():0} ms best, {runs.Max():0} ms worst of 3 ({result.Count} rows)");
    }

    private static async IAsyncEnumerable<T> Count<T>(IAsyncEnumerable<T> rows, Action counted)
    {
        await foreach (var row in rows)
        {
            counted();
            yield return row;
        }
    }

    /// <summary>Deals, their stage visits and facts in three binary COPY streams, then ANALYZE.</summary>
    private static async Task<long> LoadAsync(NpgsqlDataSource db, int closed, int open)
    {
        var random = new Random(42);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var now = DateTime.UtcNow;
        long visitCount = 0;
        await using var c1 = await db.OpenConnectionAsync();
        await using var c2 = await db.OpenConnectionAsync();
        await using var c3 = await db.OpenConnectionAsync();
        await using var deals = await c1.BeginBinaryImportAsync("""
            COPY deal (deal_id, seq, title, process_kind, process_version, company, contact, owner, department_id, amount, currency, stage,
                stage_name, stage_entered_at, probability, status, lost_reason, open_tasks, overdue_tasks, created_at, closed_at, updated_at)
            FROM STDIN (FORMAT BINARY)
            """);
        await using var visits = await c2.BeginBinaryImportAsync("""
            COPY deal_stage_visit (deal_id, entered_seq, stage, process_kind, process_version, department_id, owner, amount, entered_at,
                left_seq, left_at, outcome, next_stage, lost_reason, touched_at, stuck_on)
            FROM STDIN (FORMAT BINARY)
            """);
        await using var facts = await c3.BeginBinaryImportAsync(
            "COPY deal_fact (deal_id, seq, parameters, last_activity_at, lost_stage) FROM STDIN (FORMAT BINARY)");
        double[] probability = [0.05, 0.15, 0.3, 0.45, 0.7, 0.85];
        for (var n = 0; n < closed + open; n++)
        {
            var isOpen = n >= closed;
            var id = Guid.NewGuid();
            var department = Departments[random.Next(Departments.Length)];
            var owner = Owners[random.Next(Owners.Length)];
            var amount = (decimal)random.Next(1_000, 200_000);
            // Hidden truth the stage probability ignores: slow and neglected deals rarely close.
            var slow = random.NextDouble() < 0.4;
            var neglected = random.NextDouble() < 0.3;
            var winChance = (slow ? 0.15 : 0.7) * (neglected ? 0.3 : 1.0);
            var won = !isOpen && random.NextDouble() < winChance;
            var lastStage = isOpen || !won ? random.Next(Stages.Length) : Stages.Length - 1;
            var created = isOpen ? now.AddDays(-random.Next(1, 120)) : start.AddMinutes(random.Next(0, 60 * 24 * 600));
            var at = created;
            long seq = 2;
            var lostReason = !isOpen && !won ? Reasons[random.Next(Reasons.Length)] : null;
            var stuckOn = random.Next(3) == 0 ? "t.engineer" : owner;
            for (var s = 0; s <= lastStage; s++)
            {
                var hours = (slow ? 120 : 24) * (0.5 + random.NextDouble());
                var entered = at;
                var enteredSeq = seq;
                var stillOpen = isOpen && s == lastStage;
                at = at.AddHours(hours);
                seq += 3;
                await visits.StartRowAsync();
                await visits.WriteAsync(id, NpgsqlDbType.Uuid);
                await visits.WriteAsync(enteredSeq, NpgsqlDbType.Bigint);
                await visits.WriteAsync(Stages[s], NpgsqlDbType.Text);
                await visits.WriteAsync("training-sales", NpgsqlDbType.Text);
                await visits.WriteAsync(1, NpgsqlDbType.Integer);
                await visits.WriteAsync(department, NpgsqlDbType.Text);
                await visits.WriteAsync(owner, NpgsqlDbType.Text);
                await visits.WriteAsync(amount, NpgsqlDbType.Numeric);
                await visits.WriteAsync(entered, NpgsqlDbType.TimestampTz);
                if (stillOpen)
                {
                    // Not left yet: left_seq, left_at, outcome, next_stage, lost_reason, touched_at.
                    for (var k = 0; k < 6; k++)
                    {
                        await visits.WriteNullAsync();
                    }
                }
                else
                {
                    var last = s == lastStage;
                    await visits.WriteAsync(seq, NpgsqlDbType.Bigint);
                    await visits.WriteAsync(at, NpgsqlDbType.TimestampTz);
                    await visits.WriteAsync(last ? (won ? "Won" : "Lost") : "Passed", NpgsqlDbType.Text);
                    await Nullable(visits, last ? (won ? "won" : "lost") : Stages[s + 1]);
                    await Nullable(visits, last ? lostReason : null);
                    await visits.WriteAsync(at.AddHours(-(neglected ? 400 + random.NextDouble() * 400 : random.NextDouble() * 20)), NpgsqlDbType.TimestampTz);
                }

                await visits.WriteAsync(stuckOn, NpgsqlDbType.Text);
                visitCount++;
            }

            var stage = isOpen ? Stages[lastStage] : won ? "won" : "lost";
            var stageEntered = isOpen ? at.AddHours(-1) : at;
            await deals.StartRowAsync();
            await deals.WriteAsync(id, NpgsqlDbType.Uuid);
            await deals.WriteAsync(seq, NpgsqlDbType.Bigint);
            await deals.WriteAsync($"Course {n}", NpgsqlDbType.Text);
            await deals.WriteAsync("training-sales", NpgsqlDbType.Text);
            await deals.WriteAsync(1, NpgsqlDbType.Integer);
            await deals.WriteAsync($"Company {n % 50_000}", NpgsqlDbType.Text);
            await deals.WriteAsync($"Contact {n}", NpgsqlDbType.Text);
            await deals.WriteAsync(owner, NpgsqlDbType.Text);
            await deals.WriteAsync(department, NpgsqlDbType.Text);
            await deals.WriteAsync(amount, NpgsqlDbType.Numeric);
            await deals.WriteAsync("EUR", NpgsqlDbType.Text);
            await deals.WriteAsync(stage, NpgsqlDbType.Text);
            await deals.WriteAsync(stage, NpgsqlDbType.Text);
            await deals.WriteAsync(stageEntered, NpgsqlDbType.TimestampTz);
            await deals.WriteAsync(isOpen ? probability[lastStage] : won ? 1.0 : 0.0, NpgsqlDbType.Double);
            await deals.WriteAsync(isOpen ? "Open" : won ? "Won" : "Lost", NpgsqlDbType.Text);
            await Nullable(deals, lostReason);
            await deals.WriteAsync(isOpen ? 1 : 0, NpgsqlDbType.Integer);
            await deals.WriteAsync(0, NpgsqlDbType.Integer);
            await deals.WriteAsync(created, NpgsqlDbType.TimestampTz);
            if (isOpen)
            {
                await deals.WriteNullAsync();
            }
            else
            {
                await deals.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await deals.WriteAsync(now, NpgsqlDbType.TimestampTz);

            await facts.StartRowAsync();
            await facts.WriteAsync(id, NpgsqlDbType.Uuid);
            await facts.WriteAsync(seq, NpgsqlDbType.Bigint);
            await facts.WriteAsync($"{{\"equipmentType\":\"{Equipment[n % Equipment.Length]}\"}}", NpgsqlDbType.Jsonb);
            await facts.WriteAsync(isOpen && neglected ? at.AddHours(-500) : at, NpgsqlDbType.TimestampTz);
            await Nullable(facts, !isOpen && !won ? Stages[lastStage] : null);
        }

        await deals.CompleteAsync();
        await visits.CompleteAsync();
        await facts.CompleteAsync();
        // The funnel counters as the projector would have kept them visit by visit.
        await using var funnel = db.CreateCommand("""
            INSERT INTO stage_funnel (process_kind, department_id, owner, stage, month, entered, passed, lost, won)
            SELECT process_kind, department_id, owner, stage, date_trunc('month', entered_at AT TIME ZONE 'UTC')::date, count(*),
                   count(*) FILTER (WHERE outcome = 'Passed'), count(*) FILTER (WHERE outcome = 'Lost'), count(*) FILTER (WHERE outcome = 'Won')
            FROM deal_stage_visit GROUP BY 1, 2, 3, 4, 5
            """);
        funnel.CommandTimeout = 0;
        await funnel.ExecuteNonQueryAsync();
        await using var durations = db.CreateCommand("""
            INSERT INTO stage_duration (process_kind, department_id, owner, stage, month, executor, bucket, visits, hours)
            SELECT process_kind, department_id, owner, stage, date_trunc('month', entered_at AT TIME ZONE 'UTC')::date, coalesce(stuck_on, ''),
                   duration_bucket(date_part('epoch', left_at - entered_at) / 3600.0), count(*), sum(date_part('epoch', left_at - entered_at) / 3600.0)
            FROM deal_stage_visit WHERE left_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
            """);
        durations.CommandTimeout = 0;
        await durations.ExecuteNonQueryAsync();
        // VACUUM one table at a time: it cannot run inside the implicit transaction of a multi-statement command.
        foreach (var table in new[] { "deal", "deal_stage_visit", "deal_fact", "stage_funnel", "stage_duration" })
        {
            await using var analyze = db.CreateCommand($"VACUUM ANALYZE {table}");
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }
        return visitCount;
    }

    private static async Task Nullable(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text);
        }
    }

    /// <summary>A sink that only counts what an HTTP response would have carried.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
