using SalesOrleans.Domain.Analytics;

namespace SalesOrleans.Tests.Domain.Analytics;

[Trait("Category", "Unit")]
public class BcgMatrixTests
{
    [Fact]
    public void Each_item_lands_in_its_quadrant_by_share_of_the_leader_and_growth_against_the_previous_period()
    {
        var items = BcgMatrix.Classify(
        [
            new("leader", null, 1000, 800),     // share 1,   growth +25 %  → star
            new("steady", null, 600, 600),      // share 0.6, growth 0      → cash cow
            new("rising", null, 200, 100),      // share 0.2, growth +100 % → question mark
            new("fading", null, 100, 400),      // share 0.1, growth −75 %  → dog
            new("new", null, 300, 0),           // share 0.3, no revenue before: new, high growth → question mark
            new("gone", null, 0, 500),          // nothing this period → dog
            new("never", null, 0, 0),           // no revenue at all: not a point of the matrix
        ]).ToDictionary(i => i.Key);

        Assert.Equal(6, items.Count);
        Assert.Equal(new BcgItem("leader", null, 1000, 800, 0.25, 1, BcgQuadrant.Star), items["leader"]);
        Assert.Equal(new BcgItem("steady", null, 600, 600, 0, 0.6, BcgQuadrant.CashCow), items["steady"]);
        Assert.Equal(new BcgItem("rising", null, 200, 100, 1, 0.2, BcgQuadrant.QuestionMark), items["rising"]);
        Assert.Equal(new BcgItem("fading", null, 100, 400, -0.75, 0.1, BcgQuadrant.Dog), items["fading"]);
        Assert.Equal(new BcgItem("new", null, 300, 0, null, 0.3, BcgQuadrant.QuestionMark), items["new"]);
        Assert.Equal(BcgQuadrant.Dog, items["gone"].Quadrant);
        Assert.Equal(-1, items["gone"].Growth);
    }

    [Fact]
    public void Thresholds_count_as_high_at_the_boundary_and_can_be_moved()
    {
        // Exactly 10 % growth and exactly half the leader's revenue are high.
        var atBoundary = BcgMatrix.Classify([new("a", null, 1000, 1000), new("b", null, 500, 500m / 1.1m)]).ToDictionary(i => i.Key);
        Assert.Equal(BcgQuadrant.CashCow, atBoundary["a"].Quadrant);
        Assert.Equal(BcgQuadrant.Star, atBoundary["b"].Quadrant);

        var strict = BcgMatrix.Classify([new("a", null, 1000, 1000), new("b", null, 500, 500m / 1.1m)], new BcgThresholds(Growth: 0.2, Share: 0.6))
            .ToDictionary(i => i.Key);
        Assert.Equal(BcgQuadrant.CashCow, strict["a"].Quadrant);
        Assert.Equal(BcgQuadrant.Dog, strict["b"].Quadrant);
    }

    [Fact]
    public void Items_come_largest_first_and_an_empty_period_gives_an_empty_matrix()
    {
        var items = BcgMatrix.Classify([new("small", null, 1, 1), new("big", "Big one", 10, 1)]);
        Assert.Equal(["big", "small"], items.Select(i => i.Key));
        Assert.Equal("Big one", items[0].Name);
        Assert.Empty(BcgMatrix.Classify([]));
    }
}
