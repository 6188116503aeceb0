namespace SalesOrleans.Domain.Customers;

/// <summary>A customer's standing from its purchase history (1C:ERP CRM loyalty): new, repeat, key, dormant or lost.</summary>
public enum LoyaltyStatus
{
    /// <summary>No purchase yet, or one recent purchase.</summary>
    New,

    /// <summary>Bought more than once, and recently.</summary>
    Repeat,

    /// <summary>Bought often or much in the last year.</summary>
    Key,

    /// <summary>Bought before, but not for a while.</summary>
    Dormant,

    /// <summary>No purchase for so long that the customer counts as gone.</summary>
    Lost,
}

/// <summary>What the rule looks at: the customer's won deals (purchases) and when.</summary>
public sealed record CustomerHistory(int WonDeals, int WonLastYear, decimal RevenueLastYear, DateTimeOffset? FirstWonAt, DateTimeOffset? LastWonAt);

/// <summary>The limits of the loyalty rule; the defaults follow the source documents' examples (a year's cycle).</summary>
public sealed record LoyaltyThresholds(
    int DormantAfterDays = 180,
    int LostAfterDays = 365,
    int KeyWonPerYear = 3,
    decimal KeyRevenuePerYear = 100_000m,
    int RepeatWonDeals = 2);

/// <summary>Decides a customer's <see cref="LoyaltyStatus"/> from its history; the same for the company page and the export segment.</summary>
public sealed class LoyaltyRule(LoyaltyThresholds? thresholds = null)
{
    public LoyaltyThresholds Thresholds { get; } = thresholds ?? new LoyaltyThresholds();

    public static LoyaltyRule Default { get; } = new();

    public LoyaltyStatus StatusOf(CustomerHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.LastWonAt is not { } last || history.WonDeals == 0)
        {
            return LoyaltyStatus.New;
        }

        var idle = now - last;
        if (idle > TimeSpan.FromDays(Thresholds.LostAfterDays))
        {
            return LoyaltyStatus.Lost;
        }

        if (idle > TimeSpan.FromDays(Thresholds.DormantAfterDays))
        {
            return LoyaltyStatus.Dormant;
        }

        if (history.WonLastYear >= Thresholds.KeyWonPerYear || history.RevenueLastYear >= Thresholds.KeyRevenuePerYear)
        {
            return LoyaltyStatus.Key;
        }

        return history.WonDeals >= Thresholds.RepeatWonDeals ? LoyaltyStatus.Repeat : LoyaltyStatus.New;
    }

    /// <summary>The status's name in the API, exports and pages: lower case.</summary>
    public static string Name(LoyaltyStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out LoyaltyStatus status) =>
        Enum.TryParse(value, ignoreCase: true, out status) && !int.TryParse(value, out _) && Enum.IsDefined(status);
}
