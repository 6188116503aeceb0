using SalesOrleans.Domain.Analytics;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Analytics;

[Trait("Category", "Unit")]
public class WinEstimatesTests
{
    private static readonly DateTimeOffset Entered = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Close = new(2027, 1, 15);

    [Fact]
    public void The_model_score_shows_while_it_was_made_in_the_current_stage()
    {
        Assert.Equal(new WinEstimate(0.42, "model", Entered.AddHours(1), Close),
            WinEstimates.For("Open", 0.3, Entered, 0.42, "model", Entered.AddHours(1), Close));
    }

    [Fact]
    public void The_stage_probability_shows_without_a_score_with_a_stale_one_with_the_models_own_fallback_and_for_closed_deals()
    {
        Assert.Equal(new WinEstimate(0.3, "stage", null, null), WinEstimates.For("Open", 0.3, Entered, null, null, null, null));
        // Scored before the deal entered its stage: the score was about the stage before.
        Assert.Equal("stage", WinEstimates.For("Open", 0.3, Entered, 0.42, "model", Entered.AddMinutes(-1), Close).Source);
        // Too little history: the model answered the stage probability itself.
        Assert.Equal(new WinEstimate(0.3, "stage", null, Close), WinEstimates.For("Open", 0.3, Entered, 0.3, "stage", Entered.AddHours(1), Close));
        Assert.Equal(new WinEstimate(1, "stage", null, null), WinEstimates.For("Won", 1, Entered, 0.42, "model", Entered.AddHours(1), Close));
    }

    [Theory]
    [InlineData("Petra Lang", "Petra", "Lang")]
    [InlineData("  Anna Maria   von Berg ", "Anna", "Maria von Berg")]
    [InlineData("Ivan", "Ivan", null)]
    [InlineData("", null, null)]
    [InlineData(null, null, null)]
    public void A_name_splits_into_first_word_and_the_rest(string? name, string? first, string? last) =>
        Assert.Equal((first, last), PersonName.Split(name));
}
