using SalesOrleans.Web.Live;

namespace SalesOrleans.Tests.Domain;

/// <summary>How a coalesced batch of live changes is split into one "changes" message per group.</summary>
[Trait("Category", "Unit")]
public class LivePushRoutingTests
{
    [Fact]
    public void Each_group_gets_its_changes_in_order_and_dashboards_get_deal_signals_without_data()
    {
        LiveChange[] changes =
        [
            new("deal", "d1", 3, "industrial", ["i.petrov"], """{"title":"Pressenlinie Müller"}"""),
            new("stock", "SKU-1@main", 9, null, [], "{}"),
            new("deal", "d2", 5, "retail", ["m.sokolova", "i.petrov", "m.sokolova"], """{"title":"Стеллажи «Север»"}"""),
            new("order", "o1", 2, "industrial", ["i.petrov"], """{"note":"<script>x</script>"}"""),
            new("deal", "d1", 4, "industrial", ["i.petrov"], """{"title":"Pressenlinie Müller"}"""),
        ];

        var groups = HubLiveObserver.Route(changes, out var everyone);

        Assert.Equal([("stock", "SKU-1@main", 9L)], everyone.Select(p => (p.Kind, p.Id, p.Seq)));
        Assert.Equal(["d1:3", "d2:5", "o1:2", "d1:4"], groups[LiveGroups.All].Select(p => $"{p.Id}:{p.Seq}"));
        Assert.Equal(["d1:3", "o1:2", "d1:4"], groups[LiveGroups.Department("industrial")].Select(p => $"{p.Id}:{p.Seq}"));
        Assert.Equal(["d2:5"], groups[LiveGroups.Department("retail")].Select(p => $"{p.Id}:{p.Seq}"));
        Assert.Equal(["d1:3", "d2:5", "o1:2", "d1:4"], groups[LiveGroups.User("i.petrov")].Select(p => $"{p.Id}:{p.Seq}"));
        // A user named twice on a change gets it once in the user's group.
        Assert.Equal(["d2:5"], groups[LiveGroups.User("m.sokolova")].Select(p => $"{p.Id}:{p.Seq}"));
        // Dashboards: deals and leads only, and no data (the page reloads its reports through the API).
        Assert.Equal(["d1:3", "d2:5", "d1:4"], groups[LiveGroups.Analytics].Select(p => $"{p.Id}:{p.Seq}"));
        Assert.All(groups[LiveGroups.Analytics], p => Assert.Equal("{}", p.Json));
        // Others keep the data as published, untouched (pages render it as text).
        Assert.Equal("""{"note":"<script>x</script>"}""", groups[LiveGroups.Department("industrial")][1].Json);
        Assert.Equal(6, groups.Count);
    }

    [Fact]
    public void An_empty_batch_sends_nothing()
    {
        var groups = HubLiveObserver.Route([], out var everyone);

        Assert.Empty(groups);
        Assert.Empty(everyone);
    }
}
