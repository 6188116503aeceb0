using SalesOrleans.Domain.Customers;

namespace SalesOrleans.Tests.Domain.Customers;

[Trait("Category", "Unit")]
public class LoyaltyRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static LoyaltyStatus Of(int won, int wonLastYear, decimal revenueLastYear, int? daysSinceLast) =>
        LoyaltyRule.Default.StatusOf(new CustomerHistory(won, wonLastYear, revenueLastYear,
            daysSinceLast is null ? null : Now.AddDays(-daysSinceLast.Value - 100), daysSinceLast is null ? null : Now.AddDays(-daysSinceLast.Value)), Now);

    [Fact]
    public void A_customer_who_never_bought_is_new() => Assert.Equal(LoyaltyStatus.New, Of(0, 0, 0, null));

    [Fact]
    public void One_recent_purchase_is_new() => Assert.Equal(LoyaltyStatus.New, Of(1, 1, 12_400, 10));

    [Fact]
    public void Two_purchases_are_repeat() => Assert.Equal(LoyaltyStatus.Repeat, Of(2, 2, 20_000, 30));

    [Theory]
    [InlineData(3, 3, 30_000)]
    [InlineData(1, 1, 150_000)]
    public void Often_or_much_in_a_year_is_key(int won, int wonLastYear, decimal revenue) =>
        Assert.Equal(LoyaltyStatus.Key, Of(won, wonLastYear, revenue, 20));

    [Fact]
    public void Half_a_year_without_a_purchase_is_dormant_even_for_a_key_customer() =>
        Assert.Equal(LoyaltyStatus.Dormant, Of(8, 3, 500_000, 200));

    [Fact]
    public void A_year_without_a_purchase_is_lost() => Assert.Equal(LoyaltyStatus.Lost, Of(5, 0, 0, 400));

    [Fact]
    public void Thresholds_are_configurable()
    {
        var rule = new LoyaltyRule(new LoyaltyThresholds(DormantAfterDays: 30, LostAfterDays: 60, KeyWonPerYear: 10, KeyRevenuePerYear: 1_000_000m));
        var history = new CustomerHistory(4, 4, 90_000, Now.AddDays(-300), Now.AddDays(-45));

        Assert.Equal(LoyaltyStatus.Dormant, rule.StatusOf(history, Now));
        Assert.Equal(LoyaltyStatus.Repeat, rule.StatusOf(history with { LastWonAt = Now.AddDays(-5) }, Now));
    }

    [Theory]
    [InlineData("key", true)]
    [InlineData("Dormant", true)]
    [InlineData("2", false)]
    [InlineData("vip", false)]
    public void Statuses_parse_by_name_only(string value, bool ok) => Assert.Equal(ok, LoyaltyRule.TryParse(value, out _));
}
