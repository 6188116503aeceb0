using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain.Orders;

[Trait("Category", "Unit")]
public class DealOrderLinkTests
{
    /// <summary>The order-driven link as shipped.</summary>
    private static readonly OrderLinkDefinition OrderDriven = new()
    {
        CreateAt = "contract-approved",
        Moves =
        [
            new OrderLinkMove { On = OrderLinkTrigger.Execution, To = "in-execution" },
            new OrderLinkMove { On = OrderLinkTrigger.Shipped, To = "shipped" },
            new OrderLinkMove { On = OrderLinkTrigger.Completed, To = "completed" },
        ],
        LostStage = "rejected",
    };

    private static readonly OrderLinkDefinition Training = new()
    {
        PaidField = "advancePaid",
        Moves = [new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "won" }],
    };

    private static IEnumerable<string> Stages(OrderLinkDefinition link, OrderStatus status, decimal paid, string stage) =>
        DealOrderLink.MovesFor(link, status, paid, stage).Select(m => m.Stage);

    [Fact]
    public void The_order_is_made_only_at_the_named_stage()
    {
        Assert.True(DealOrderLink.MakesOrderAt(OrderDriven, "contract-approved"));
        Assert.False(DealOrderLink.MakesOrderAt(OrderDriven, "contract-approval"));
        Assert.False(DealOrderLink.MakesOrderAt(Training, "order"));
        Assert.False(DealOrderLink.MakesOrderAt(null, "contract-approved"));
    }

    [Theory]
    [InlineData(OrderStatus.OnApproval, "contract-approved", "")]
    [InlineData(OrderStatus.Approved, "contract-approved", "")]
    [InlineData(OrderStatus.Execution, "contract-approved", "in-execution")]
    [InlineData(OrderStatus.Completed, "contract-approved", "in-execution shipped completed")]
    [InlineData(OrderStatus.Completed, "in-execution", "shipped completed")]
    [InlineData(OrderStatus.Shipped, "shipped", "")]
    [InlineData(OrderStatus.Archived, "shipped", "")]
    [InlineData(OrderStatus.Execution, "shipped", "")]
    [InlineData(OrderStatus.Approved, "completed", "")]
    public void Order_states_move_the_deal_through_each_mapped_stage_after_its_own(OrderStatus status, string dealStage, string expected) =>
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), Stages(OrderDriven, status, 0, dealStage));

    [Theory]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Rejected)]
    public void A_cancelled_or_rejected_order_loses_the_deal_with_the_link_reason(OrderStatus status)
    {
        Assert.Equal([("rejected", (string?)"order cancelled")], DealOrderLink.MovesFor(OrderDriven, status, 0, "in-execution"));
        Assert.Empty(DealOrderLink.MovesFor(Training, status, 0, "commitment"));
    }

    [Fact]
    public void A_payment_moves_the_deal_whatever_the_order_state_and_only_once()
    {
        Assert.Empty(Stages(Training, OrderStatus.Approved, 0, "commitment"));
        Assert.Equal(["won"], Stages(Training, OrderStatus.Approved, 500, "commitment"));
        Assert.Equal(["won"], Stages(Training, OrderStatus.Shipped, 500, "commitment"));
        Assert.Empty(Stages(Training, OrderStatus.Approved, 500, "won"));
    }

    [Fact]
    public void Triggers_count_in_order_state_order_not_listing_order()
    {
        var link = new OrderLinkDefinition
        {
            Moves = [new OrderLinkMove { On = OrderLinkTrigger.Execution, To = "in-execution" }, new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "prepaid" }],
        };

        Assert.Equal(["prepaid", "in-execution"], Stages(link, OrderStatus.Execution, 100, "contract"));
        // A payment after execution started does not send the deal back.
        Assert.Empty(Stages(link, OrderStatus.Execution, 100, "in-execution"));
    }

    [Fact]
    public void The_paid_field_holds_the_amount_paid_so_far_and_is_only_set_when_it_changes()
    {
        Assert.Equal(new Dictionary<string, string?> { ["advancePaid"] = "1500.5" }, DealOrderLink.ParametersFor(Training, 1500.50m, new Dictionary<string, string>()));
        Assert.Equal(new Dictionary<string, string?> { ["advancePaid"] = "2000" }, DealOrderLink.ParametersFor(Training, 2000m, new Dictionary<string, string> { ["advancePaid"] = "1500.5" }));
        Assert.Empty(DealOrderLink.ParametersFor(Training, 2000m, new Dictionary<string, string> { ["advancePaid"] = "2000" }));
        Assert.Empty(DealOrderLink.ParametersFor(Training, 0m, new Dictionary<string, string>()));
        Assert.Empty(DealOrderLink.ParametersFor(OrderDriven, 2000m, new Dictionary<string, string>()));
    }
}
