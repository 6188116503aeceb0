using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Deal lines editable until the order exists, and a failed automatic order blocking the deal (issue 11).</summary>
[Trait("Category", "Unit")]
public class DealLineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Owner = new("m1", ["manager"]);
    private static readonly Actor Stranger = new("x9", ["manager"]);
    private readonly TestDirectory _directory = new();

    private Deal NewDeal(ProcessDefinition? process = null, DealLine[]? lines = null)
    {
        var deal = new Deal(new DealState(), process ?? TestProcesses.Manual(), _directory);
        deal.Start(Guid.NewGuid(), new NewDeal("Pressenlinie für Müller & Söhne", "Müller & Söhne GmbH", "Jürgen Weiß", "m1", TestDirectory.Department,
            null, "eur", lines, null), Owner, T0);
        return deal;
    }

    private static ProcessDefinition WithOrderAtProposal() =>
        TestProcesses.Manual() with { OrderLink = new OrderLinkDefinition { CreateAt = "proposal", Warehouse = "main" } };

    private static Deal ToProposal(Deal deal)
    {
        var call = deal.CurrentVisitTasks().Single(t => t.TemplateId == "call");
        deal.CompleteTask(call.Id, "Дозвонились", Owner, T0.AddMinutes(5));
        deal.Move("proposal", Owner, null, null, T0.AddMinutes(6));
        return deal;
    }

    [Fact]
    public void Lines_replace_the_old_ones_and_the_amount_follows_with_discounts()
    {
        var deal = NewDeal(lines: [new("SKU-100", "Presse", 1, 48_000)]);
        Assert.Equal(48_000m, deal.State.Amount);

        deal.SetLines([new("sku-100", " Гидравлический пресс ", 2, 48_000, 10), new("SKU-105", null, 12, 35.5m)], false, Owner, T0.AddMinutes(1));

        Assert.Equal(["SKU-100", "SKU-105"], deal.State.Lines.Select(l => l.Sku));
        Assert.Equal("Гидравлический пресс", deal.State.Lines[0].Name);
        Assert.Equal(43_200m, deal.State.Lines[0].NetPrice);
        Assert.Equal(2 * 43_200m + 12 * 35.5m, deal.State.Amount);
        Assert.Equal(ActivityKind.LinesChanged, deal.Recorded[^1].Kind);
    }

    [Fact]
    public void Lines_are_refused_once_an_order_exists_by_a_stranger_or_when_bad_naming_the_field()
    {
        var deal = NewDeal(lines: [new("SKU-100", null, 1, 100)]);
        var seq = deal.State.Seq;

        Assert.Equal(RejectionCode.Conflict, Assert.Throws<Rejection>(() => deal.SetLines([new("SKU-101", null, 1, 1)], true, Owner, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => deal.SetLines([new("SKU-101", null, 1, 1)], false, Stranger, T0)).Code);
        Assert.Equal("lines[0].discount", Assert.Throws<Rejection>(() => deal.SetLines([new("SKU-101", null, 1, 1, 120)], false, Owner, T0)).Field);
        Assert.Equal("lines[1].quantity", Assert.Throws<Rejection>(() => deal.SetLines([new("A", null, 1, 1), new("B", null, 0, 1)], false, Owner, T0)).Field);
        Assert.Equal(seq, deal.State.Seq);
        Assert.Equal(100m, deal.State.Amount);
    }

    [Fact]
    public void With_lines_the_amount_is_not_typed_but_follows_them()
    {
        var deal = NewDeal(lines: [new("SKU-100", null, 2, 500)]);

        Assert.Equal("amount", Assert.Throws<Rejection>(() => deal.ChangeDetails(new DealDetailsChange(null, 999m, null, null, null), false, Owner, T0)).Field);
        deal.ChangeDetails(new DealDetailsChange("Zwei Pressen", 1000m, null, null, null), false, Owner, T0);
        Assert.Equal(("Zwei Pressen", 1000m), (deal.State.Title, deal.State.Amount));
    }

    [Fact]
    public void Entering_the_order_stage_without_lines_blocks_the_deal_and_tasks_owner_and_head()
    {
        var deal = ToProposal(NewDeal(WithOrderAtProposal()));

        Assert.Equal("the deal has no lines (add the goods or services agreed)", deal.State.OrderProblem);
        var tasks = deal.CurrentVisitTasks().Where(t => t.TemplateId == Deal.OrderProblemTaskId).ToList();
        Assert.Equal(["m1", "sup"], tasks.Select(t => t.Executor).Order());
        Assert.Contains(deal.UnmetGates(), g => g.Contains("no lines"));

        // New lines let the order be tried again; the order's sync clears the problem and completes its tasks.
        deal.SetLines([new("SKU-100", null, 1, 48_000)], false, Owner, T0.AddMinutes(10));
        Assert.NotNull(deal.State.OrderProblem);
        var orderId = Guid.NewGuid();
        deal.ApplyOrderState(new DealOrderInfo(orderId, "OnApproval", 47_500, null, null), T0.AddMinutes(11));

        Assert.Null(deal.State.OrderProblem);
        Assert.All(tasks, t => Assert.Equal(DealTaskStatus.Done, t.Status));
        Assert.DoesNotContain(deal.UnmetGates(), g => g.Contains("order"));
        // The amount follows the order's total.
        Assert.Equal(47_500m, deal.State.Amount);
        Assert.Equal(orderId, deal.State.Order!.OrderId);
    }

    [Fact]
    public void A_reported_problem_is_told_once_and_not_after_the_order_exists()
    {
        var deal = NewDeal(lines: [new("SKU-999", null, 1, 10)]);
        deal.ReportOrderProblem("line 1 (SKU-999): Unknown SKU 'SKU-999'.", T0);
        var seq = deal.State.Seq;
        deal.ReportOrderProblem("line 1 (SKU-999): Unknown SKU 'SKU-999'.", T0.AddMinutes(1));
        Assert.Equal(seq, deal.State.Seq);

        deal.ApplyOrderState(new DealOrderInfo(Guid.NewGuid(), "Draft", 10, null, null), T0.AddMinutes(2));
        deal.ReportOrderProblem("late", T0.AddMinutes(3));
        Assert.Null(deal.State.OrderProblem);
    }

    [Fact]
    public void Production_readiness_from_the_order_is_journalled()
    {
        var deal = NewDeal(lines: [new("SKU-100", null, 1, 10)]);
        var id = Guid.NewGuid();
        deal.ApplyOrderState(new DealOrderInfo(id, "Approved", 10, 40, new DateOnly(2027, 1, 20)), T0);

        Assert.Equal((40, new DateOnly(2027, 1, 20)), (deal.State.Order!.ProductionPercent, deal.State.Order.ProductionExpectedOn));
        Assert.Contains("production 40% ready, expected 2027-01-20", deal.Recorded[^1].Text);
    }
}
