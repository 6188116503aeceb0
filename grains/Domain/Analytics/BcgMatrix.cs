namespace SalesOrleans.Domain.Analytics;

public enum BcgQuadrant
{
    /// <summary>High relative share, high growth: invest to keep the lead.</summary>
    Star,

    /// <summary>High relative share, low growth: harvest.</summary>
    CashCow,

    /// <summary>Low relative share, high growth: decide — invest or drop.</summary>
    QuestionMark,

    /// <summary>Low relative share, low growth.</summary>
    Dog,
}

/// <summary>Revenue of one product or customer in the period and in the period of the same length before it.</summary>
public sealed record BcgInput(string Key, string? Name, decimal Current, decimal Previous);

/// <summary>
/// One point of the matrix. <see cref="Growth"/> is (current − previous) / previous, null when there was no revenue
/// before (new: counted as high growth). <see cref="RelativeShare"/> is current revenue against the largest
/// current revenue of all items (the leader has 1).
/// </summary>
public sealed record BcgItem(string Key, string? Name, decimal Current, decimal Previous, double? Growth, double RelativeShare, BcgQuadrant Quadrant);

/// <summary>
/// The thresholds: growth at or above <see cref="Growth"/> is high (0.10, the classic BCG cut-off of 10 % a period);
/// relative share at or above <see cref="Share"/> is high (0.5: at least half the leader's revenue).
/// </summary>
public sealed record BcgThresholds(double Growth = 0.10, double Share = 0.5)
{
    public static BcgThresholds Default { get; } = new();
}

/// <summary>The Boston matrix of products or customers: share against the leader and growth against the previous period.</summary>
public static class BcgMatrix
{
    public static IReadOnlyList<BcgItem> Classify(IEnumerable<BcgInput> inputs, BcgThresholds? thresholds = null)
    {
        var t = thresholds ?? BcgThresholds.Default;
        var items = inputs.Where(i => i.Current != 0 || i.Previous != 0).ToList();
        var leader = items.Count == 0 ? 0 : items.Max(i => i.Current);
        return [.. items
            .Select(i =>
            {
                double? growth = i.Previous <= 0 ? null : (double)((i.Current - i.Previous) / i.Previous);
                var share = leader <= 0 ? 0 : (double)(Math.Max(0, i.Current) / leader);
                var highGrowth = growth is null || growth.Value >= t.Growth;
                var highShare = share >= t.Share;
                var quadrant = (highShare, highGrowth) switch
                {
                    (true, true) => BcgQuadrant.Star,
                    (true, false) => BcgQuadrant.CashCow,
                    (false, true) => BcgQuadrant.QuestionMark,
                    _ => BcgQuadrant.Dog,
                };
                return new BcgItem(i.Key, i.Name, i.Current, i.Previous, growth is null ? null : Math.Round(growth.Value, 6), Math.Round(share, 6), quadrant);
            })
            .OrderByDescending(i => i.Current).ThenBy(i => i.Key, StringComparer.Ordinal)];
    }
}
