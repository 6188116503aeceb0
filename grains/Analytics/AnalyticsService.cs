using System.Diagnostics;
using SalesOrleans.Domain.Analytics;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Analytics;

/// <summary>
/// Between the analytics API and the read model: learns the win-probability model from closed deals, scores every
/// open deal with it and records the day's forecast. The reports themselves are plain queries.
/// </summary>
public sealed class AnalyticsService(AnalyticsQueries queries, IProcessCatalog catalog, TimeProvider time) : IAnalyticsService
{
    private volatile ProbabilityRefresh? _last;

    public AnalyticsQueries Queries => queries;

    /// <summary>The last refresh's figures (Brier score of the model and of the stage probability on held-out deals).</summary>
    public ProbabilityRefresh? Last => _last;

    /// <summary>The funnel with each process's stages in the order its newest definition lists them.</summary>
    public async Task<IReadOnlyList<FunnelStage>> FunnelAsync(AnalyticsFilter f, CancellationToken ct = default)
    {
        var stages = await queries.FunnelAsync(f, ct);
        var order = new Dictionary<(string, string), int>();
        foreach (var kind in stages.Select(s => s.Process).Distinct())
        {
            if (await catalog.GetLatestAsync(kind, ct) is { } p)
            {
                for (var i = 0; i < p.Stages.Count; i++)
                {
                    order[(kind, p.Stages[i].Id)] = i;
                }
            }
        }

        return [.. stages.OrderBy(s => s.Process, StringComparer.Ordinal)
            .ThenBy(s => order.GetValueOrDefault((s.Process, s.Stage), int.MaxValue)).ThenBy(s => s.Stage, StringComparer.Ordinal)];
    }

    /// <summary>Expected amount by month from this month on, with the quarter and year totals a sales head plans with.</summary>
    public async Task<Forecast> ForecastAsync(AnalyticsFilter f, int monthsBack, int monthsAhead, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var thisMonth = new DateOnly(now.Year, now.Month, 1);
        var months = await queries.ForecastAsync(f, thisMonth.AddMonths(-Math.Clamp(monthsBack, 0, 36)),
            thisMonth.AddMonths(Math.Clamp(monthsAhead, 1, 36) - 1), ct);
        var nextQuarterStart = new DateOnly(now.Year, (now.Month - 1) / 3 * 3 + 1, 1).AddMonths(3);
        var nextYearStart = new DateOnly(now.Year + 1, 1, 1);
        decimal Sum(DateOnly from, DateOnly to) => months.Where(m => m.Month >= from && m.Month < to).Sum(m => m.Expected);
        return new Forecast(months, Sum(nextQuarterStart, nextQuarterStart.AddMonths(3)), Sum(nextYearStart, nextYearStart.AddYears(1)),
            Sum(thisMonth, thisMonth.AddMonths(12)));
    }

    /// <summary>What became of every lead that arrived in the period; open leads are aged against now.</summary>
    public Task<IReadOnlyList<LeadFateRow>> LeadFateAsync(AnalyticsFilter f, CancellationToken ct = default) =>
        queries.LeadFateAsync(f, time.GetUtcNow(), ct);

    /// <summary>
    /// The BCG matrix of customers or products over won deals: the filter's period (default: the year up to now)
    /// against the period of the same length before it.
    /// </summary>
    public async Task<Bcg> BcgAsync(AnalyticsFilter f, bool byProduct, BcgThresholds thresholds, CancellationToken ct = default)
    {
        var to = f.To ?? time.GetUtcNow();
        var from = f.From ?? to.AddYears(-1);
        var previousFrom = from - (to - from);
        var revenue = await queries.BcgRevenueAsync(f, byProduct, previousFrom, from, to, ct);
        return new Bcg(byProduct ? "product" : "customer", previousFrom, from, to, thresholds, BcgMatrix.Classify(revenue, thresholds));
    }

    public async Task<ProbabilityRefresh> RefreshProbabilitiesAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var stageProbability = await StageProbabilitiesAsync(ct);
        var clock = Stopwatch.StartNew();
        // Norms from SQL, then one pass over the training deals and one over the held-out fifth (split in SQL by
        // deal, so no deal's outcome is both learned and scored).
        var norms = (await queries.StageNormsAsync(ct)).ToDictionary(n => (n.Process, n.Stage), n => new StageNorm(n.MedianHours, n.MedianHoursToClose));
        var visits = 0;
        var model = await WinProbabilityModel.TrainAsync(Samples(false, () => visits++, ct), stageProbability, norms, ct);
        var brier = await model.ScoreAsync(Samples(true, null, ct), ct);
        var training = clock.Elapsed;

        clock.Restart();
        var scores = new List<DealScore>();
        await foreach (var d in queries.OpenDealsAsync(new AnalyticsFilter(), now, ct))
        {
            var f = new WinFeatures(d.Process, d.Stage, d.Department, d.HoursInStage, d.HoursSinceActivity, d.Amount);
            scores.Add(new DealScore(d.DealId, model.Predict(f), model.ExpectedClose(f, now), model.Learned(d.Process) ? WinEstimates.Model : WinEstimates.Stage));
        }

        await queries.SaveScoresAsync(scores, now, ct);
        await queries.SnapshotForecastAsync(DateOnly.FromDateTime(now.UtcDateTime), ct);
        var refresh = new ProbabilityRefresh(visits, scores.Count, brier, training, clock.Elapsed);
        _last = refresh;
        return refresh;
    }

    private async IAsyncEnumerable<WinSample> Samples(bool heldOut, Action? counted,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var v in queries.ClosedVisitsAsync(new AnalyticsFilter(), heldOut, ct))
        {
            counted?.Invoke();
            var hoursToClose = Math.Max(0, (v.ClosedAt - v.LeftAt).TotalHours);
            yield return new WinSample(new WinFeatures(v.Process, v.Stage, v.Department, v.HoursInStage, v.HoursSinceActivity, v.Amount), v.Won, hoursToClose);
        }
    }

    /// <summary>(process, stage) → the stage's probability in the newest version of the process; 0.5 for a stage it no longer has.</summary>
    private async Task<Func<string, string, double>> StageProbabilitiesAsync(CancellationToken ct)
    {
        var map = new Dictionary<(string, string), double>();
        // Oldest version first, so the newest version's probability of a stage wins.
        foreach (var summary in (await catalog.ListAsync(ct)).OrderBy(s => s.Version))
        {
            if (await catalog.GetAsync(summary.Kind, summary.Version, ct) is { } p)
            {
                foreach (var stage in p.Stages)
                {
                    map[(p.Kind, stage.Id)] = stage.Probability;
                }
            }
        }

        return (process, stage) => map.TryGetValue((process, stage), out var v) ? v : 0.5;
    }
}
