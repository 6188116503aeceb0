using SalesOrleans.Domain.Analytics;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Analytics;

// The port of the analytics service web calls (issue 13); grains implement it (AnalyticsService). Here, not in
// grain-interfaces, because its signatures need the read model's filter and rows and the domain's analytics types.

public sealed record Forecast(IReadOnlyList<ForecastMonth> Months, decimal NextQuarter, decimal NextYear, decimal Next12Months);

/// <summary>The matrix and the two periods it compares (previous: the same length right before the current one).</summary>
public sealed record Bcg(string By, DateTimeOffset PreviousFrom, DateTimeOffset From, DateTimeOffset To, BcgThresholds Thresholds, IReadOnlyList<BcgItem> Items);

public sealed record ProbabilityRefresh(int TrainingVisits, int OpenDeals, BrierScore Brier, TimeSpan Training, TimeSpan Scoring);

/// <summary>The reports that are more than a query, and the win-probability refresh (grains: AnalyticsService).</summary>
public interface IAnalyticsService
{
    /// <summary>The last refresh's figures (Brier score of the model and of the stage probability on held-out deals).</summary>
    ProbabilityRefresh? Last { get; }

    Task<IReadOnlyList<FunnelStage>> FunnelAsync(AnalyticsFilter f, CancellationToken ct = default);

    Task<Forecast> ForecastAsync(AnalyticsFilter f, int monthsBack, int monthsAhead, CancellationToken ct = default);

    Task<IReadOnlyList<LeadFateRow>> LeadFateAsync(AnalyticsFilter f, CancellationToken ct = default);

    Task<Bcg> BcgAsync(AnalyticsFilter f, bool byProduct, BcgThresholds thresholds, CancellationToken ct = default);

    Task<ProbabilityRefresh> RefreshProbabilitiesAsync(CancellationToken ct = default);
}
