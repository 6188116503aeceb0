using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Orders;

[Trait("Category", "Unit")]
public class ApprovalRouteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Manager = new("m1", ["manager"]);
    private static readonly Actor OtherManager = new("m2", ["manager"]);
    private static readonly Actor Head = new("sup", ["supervisor"]);
    private static readonly Actor Director = new("admin", ["admin"]);
    private static readonly Actor Keeper = new("w.lager", ["warehouse"]);

    private static readonly Dictionary<string, SkuDefinition> Skus = new()
    {
        ["PRESS"] = new("PRESS", "Гидравлический пресс", "шт", 1000, "EUR", SkuKind.Manufactured, 30),
        ["OIL"] = new("OIL", "Hydrauliköl", "can", 10, "EUR", SkuKind.Stocked, 0),
    };

    /// <summary>Clobbi.CRM's route: the head of sales always, the commercial director for large, discounted or deferred orders.</summary>
    private static readonly ApprovalRoute TwoSteps = new()
    {
        Name = "sales head, then director",
        Steps =
        [
            new ApprovalStepDefinition { Id = "sales-head", Role = "supervisor", DepartmentHead = true },
            new ApprovalStepDefinition
            {
                Id = "director", Role = "admin",
                When = new ApprovalCondition { AmountAbove = 5000, DiscountAbove = 10, PaymentTermsContain = ["отсрочк", "deferred"], Any = true },
            },
        ],
    };

    private static Order NewOrder(decimal pressPrice = 1000, string? terms = null)
    {
        var order = new Order(new OrderState(), new TestDirectory());
        order.Start(Guid.NewGuid(), new NewOrder("ООО «Клобби Трейд»", "Пётр Ильин", "m1", "main", "EUR",
            [new("PRESS", 6, pressPrice, null), new("OIL", 4, null, null)], null, null, terms), Skus, true, Manager, T0);
        return order;
    }

    private static Rejection Refused(Order order, Action action)
    {
        var before = System.Text.Json.JsonSerializer.Serialize(order.State);
        var rejection = Assert.Throws<Rejection>(action);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(order.State));
        return rejection;
    }

    [Theory]
    [InlineData(4000, 0, null, false)]
    [InlineData(6000, 0, null, true)]
    [InlineData(100, 12.5, null, true)]
    [InlineData(100, 0, "50 % Vorkasse, Rest mit Zahlungsziel — deferred 30 days", true)]
    [InlineData(100, 0, "оплата с отсрочкой 45 дней", true)]
    [InlineData(100, 0, "100 % prepayment", false)]
    public void A_condition_with_any_holds_when_one_part_holds(decimal total, decimal discount, string? terms, bool holds) =>
        Assert.Equal(holds, TwoSteps.Steps[1].When!.Holds(new ApprovalFacts(total, discount, terms)));

    [Fact]
    public void A_condition_without_any_needs_every_part_and_steps_apply_by_their_conditions()
    {
        var both = new ApprovalCondition { AmountAbove = 5000, DiscountAbove = 10 };
        Assert.False(both.Holds(new ApprovalFacts(6000, 5, null)));
        Assert.True(both.Holds(new ApprovalFacts(6000, 15, null)));
        Assert.Equal("amount > 5000 and discount > 10 %", both.Describe());

        Assert.Equal(["sales-head"], TwoSteps.StepsFor(new ApprovalFacts(1000, 0, "prepayment")).Select(s => s.Id));
        Assert.Equal(["sales-head", "director"], TwoSteps.StepsFor(new ApprovalFacts(9000, 0, "prepayment")).Select(s => s.Id));
    }

    [Fact]
    public void The_validator_names_each_problem_of_a_route()
    {
        var bad = new ApprovalRoute
        {
            Steps =
            [
                new ApprovalStepDefinition { Id = "Head", Role = "supervisor", Parallel = true },
                new ApprovalStepDefinition { Id = "cfo", Role = "cfo" },
                new ApprovalStepDefinition { Id = "boss", Role = "manager", DepartmentHead = true, When = new ApprovalCondition() },
                new ApprovalStepDefinition { Id = "boss", Role = "admin", When = new ApprovalCondition { DiscountAbove = 120 } },
            ],
        };

        var problems = bad.Validate("orderLink.approval");

        Assert.Contains("orderLink.approval.steps[0]: id 'Head' must be lower-case letters, digits and single dashes", problems);
        Assert.Contains(problems, p => p.StartsWith("orderLink.approval.steps[0] 'Head': parallel means", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("orderLink.approval.steps[1] 'cfo': role 'cfo' is not a role", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("orderLink.approval.steps[2] 'boss': departmentHead needs role 'supervisor'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("orderLink.approval.steps[2] 'boss'.when: names no amountAbove", StringComparison.Ordinal));
        Assert.Contains("orderLink.approval.steps[3] 'boss': the id is used twice", problems);
        Assert.Contains("orderLink.approval.steps[3] 'boss'.when.discountAbove: a percentage from 0 to below 100", problems);
        Assert.Empty(TwoSteps.Validate("orderLink.approval"));
        Assert.Empty(new ApprovalRoute().Validate("orderLink.approval"));
    }

    [Fact]
    public void A_process_declares_its_route_in_the_order_link_and_the_validator_reports_it_by_path()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "processes", "training-sales.json"));
        var withRoute = json.Replace("\"orderLink\": {", """
            "orderLink": {
                "approval": { "name": "two steps", "steps": [
                    { "id": "sales-head", "role": "supervisor", "departmentHead": true },
                    { "id": "director", "role": "admin", "when": { "amountAbove": 5000, "paymentTermsContain": ["deferred"], "any": true } } ] },
            """, StringComparison.Ordinal);
        Assert.NotEqual(json, withRoute);
        var definition = ProcessJson.Parse(withRoute);
        Assert.Empty(ProcessValidator.Validate(definition));
        Assert.Equal(["sales-head", "director"], definition.OrderLink!.Approval!.Steps.Select(s => s.Id));
        Assert.Equal(definition.OrderLink.Approval, ProcessJson.Parse(ProcessJson.Serialize(definition)).OrderLink!.Approval, new RouteComparer());

        var typo = withRoute.Replace("\"departmentHead\"", "\"departmentHed\"", StringComparison.Ordinal);
        Assert.Contains("departmentHed", Assert.Throws<ProcessDefinitionException>(() => ProcessJson.Parse(typo)).Problems[0]);

        var unknownRole = ProcessJson.Parse(withRoute.Replace("\"role\": \"admin\"", "\"role\": \"finance\"", StringComparison.Ordinal));
        Assert.Contains(ProcessValidator.Validate(unknownRole), p => p.StartsWith("orderLink.approval.steps[1] 'director': role 'finance'", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_steps_rejected_revised_resubmitted_and_approved_by_two_other_people()
    {
        var order = NewOrder(pressPrice: 950, terms: "50 % advance, rest deferred 30 days");
        order.Submit(TwoSteps, Manager, T0);

        Assert.Equal(OrderStatus.OnApproval, order.State.Status);
        var round = Assert.Single(order.State.Approvals);
        Assert.Equal([("sales-head", 0, ApprovalStepStatus.Pending, "sup"), ("director", 1, ApprovalStepStatus.Waiting, null)],
            round.Steps.Select(s => (s.Id, s.Group, s.Status, s.Assignee)));
        var asked = Assert.Single(order.State.Outbox, a => a.Kind == OrderActivityKind.ApprovalRequested);
        Assert.Equal(("sup", "sales-head"), (asked.Notify, asked.Document));

        // Four-eyes: the responsible never approves; a manager or the warehouse is not the head; the director's step waits.
        Assert.Contains("four-eyes", Refused(order, () => order.Approve(null, Manager, T0)).Message);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Approve(null, OtherManager, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Approve(null, Keeper, T0)).Code);
        Assert.Equal(RejectionCode.Conflict, Refused(order, () => order.Approve(null, "director", null, Director, T0)).Code);

        order.Approve(null, null, "Склад подтвердил наличие", Head, T0.AddHours(1));
        Assert.Equal(OrderStatus.OnApproval, order.State.Status);
        Assert.Equal([ApprovalStepStatus.Approved, ApprovalStepStatus.Pending], round.Steps.Select(s => s.Status));
        Assert.Contains("already approved", Refused(order, () => order.Approve(null, new Actor("sup", ["supervisor", "admin"]), T0)).Message);

        Assert.Equal("reason", Refused(order, () => order.Reject("  ", Director, T0)).Field);
        order.Reject("Discount of 5 % needs a 12-month contract", Director, T0.AddHours(2));

        Assert.Equal(OrderStatus.Revision, order.State.Status);
        Assert.Equal(("Rejected", "admin", "Discount of 5 % needs a 12-month contract"), (round.Outcome, round.Steps[1].DecidedBy, round.Steps[1].Reason));
        Assert.Equal("m1", order.State.Outbox.Last(a => a.Kind == OrderActivityKind.Rejected).Notify);
        Assert.Equal(["revise", "resubmit", "cancel"], order.AllowedActions());
        Assert.Equal(RejectionCode.TransitionNotAllowed, Refused(order, () => order.Approve(null, Head, T0)).Code);

        Assert.Equal("lines[0].line", Refused(order, () => order.Revise([new LineRevision(9, 1, null)], null, Manager, T0)).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Revise([new LineRevision(1, null, 1000)], null, OtherManager, T0)).Code);
        order.Revise([new LineRevision(1, null, 1000)], "100 % prepayment", Manager, T0.AddHours(3));
        Assert.Equal((6040m, "100 % prepayment"), (order.State.Total, order.State.PaymentTerms));

        order.Submit(TwoSteps, Manager, T0.AddHours(4));
        Assert.Equal(2, order.State.Approvals.Count);
        var second = order.State.Approvals[1];
        Assert.Equal([2, 2], second.Steps.Select(_ => second.Round));
        order.Approve(null, Head, T0.AddHours(5));
        order.Approve(null, null, "ok", Director, T0.AddHours(6));

        Assert.Equal(OrderStatus.Allocating, order.State.Status);
        Assert.Equal("Approved", second.Outcome);
        Assert.Equal([("sup", ApprovalStepStatus.Approved), ("admin", ApprovalStepStatus.Approved)], second.Steps.Select(s => (s.DecidedBy!, s.Status)));
        Assert.Equal(2, order.State.PendingStock.Count);
    }

    [Fact]
    public void A_route_whose_conditions_leave_no_step_approves_at_once_and_so_does_a_route_without_steps()
    {
        var small = new Order(new OrderState(), new TestDirectory());
        small.Start(Guid.NewGuid(), new NewOrder("Hansa Print", null, "m1", "main", null, [new("OIL", 4, null, null)], null, null, "prepayment"), Skus, true, Manager, T0);
        small.Submit(new ApprovalRoute { Steps = [TwoSteps.Steps[1]] }, Manager, T0);
        Assert.Equal(OrderStatus.Allocating, small.State.Status);
        Assert.Empty(small.State.Approvals);
        Assert.Contains(small.State.Outbox, a => a.Kind == OrderActivityKind.Approved && a.Text.Contains("without an approval step"));

        var none = NewOrder();
        none.Submit(new ApprovalRoute { Name = "invoice and contract without approval" }, Manager, T0);
        Assert.Equal(OrderStatus.Allocating, none.State.Status);
    }

    [Fact]
    public void Parallel_steps_are_asked_together_and_the_route_goes_on_when_both_approved()
    {
        var route = new ApprovalRoute
        {
            Steps =
            [
                new ApprovalStepDefinition { Id = "warehouse", Role = "warehouse" },
                new ApprovalStepDefinition { Id = "head", Role = "supervisor", Parallel = true },
                new ApprovalStepDefinition { Id = "director", Role = "admin" },
            ],
        };
        var order = NewOrder();
        order.Submit(route, Manager, T0);
        Assert.Equal(2, order.State.Outbox.Count(a => a.Kind == OrderActivityKind.ApprovalRequested));

        order.Approve(null, Head, T0);
        Assert.Equal([ApprovalStepStatus.Pending, ApprovalStepStatus.Approved, ApprovalStepStatus.Waiting], order.State.Approvals[0].Steps.Select(s => s.Status));
        order.Approve(null, Keeper, T0);
        Assert.Equal(ApprovalStepStatus.Pending, order.State.Approvals[0].Steps[2].Status);
        order.Approve(null, Director, T0);
        Assert.Equal(OrderStatus.Allocating, order.State.Status);
    }

    [Fact]
    public void An_order_sent_for_approval_before_routes_existed_is_decided_on_the_default_route()
    {
        var order = NewOrder();
        order.State.Status = OrderStatus.OnApproval;
        Assert.Empty(order.State.Approvals);

        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Approve(null, OtherManager, T0)).Code);
        order.Approve(null, Head, T0);

        Assert.Equal(OrderStatus.Allocating, order.State.Status);
        Assert.Equal(("default", "Approved"), (order.State.Approvals[0].Route, order.State.Approvals[0].Outcome));
    }

    [Fact]
    public void Cancelling_an_order_on_approval_drops_the_steps_still_waiting()
    {
        var order = NewOrder();
        order.Submit(TwoSteps, Manager, T0);
        order.Cancel("Kunde hat storniert", Manager, T0);
        Assert.Equal(("Cancelled", ApprovalStepStatus.Dropped), (order.State.Approvals[0].Outcome, order.State.Approvals[0].Steps[0].Status));
    }

    private sealed class RouteComparer : IEqualityComparer<ApprovalRoute?>
    {
        public bool Equals(ApprovalRoute? x, ApprovalRoute? y) =>
            ProcessJson.Options is { } o && System.Text.Json.JsonSerializer.Serialize(x, o) == System.Text.Json.JsonSerializer.Serialize(y, o);

        public int GetHashCode(ApprovalRoute? obj) => 0;
    }
}

[Trait("Category", "Unit")]
public class ReceivablesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Payments_settle_the_invoice_they_name_and_the_rest_goes_to_the_earliest_due()
    {
        Invoice[] invoices =
        [
            new("INV-2", 3200, new DateOnly(2027, 1, 10), T0.AddDays(1), "m1"),
            new("INV-1", 3000, new DateOnly(2026, 12, 6), T0, "m1"),
            new("INV-3", 800, new DateOnly(2027, 2, 1), T0.AddDays(2), "m1"),
        ];
        Payment[] payments = [new("p1", 1000, T0, "INV-1", "m1"), new("p2", 3500, T0, "INV-3", "m1"), new("p3", 100, T0, null, "m1")];

        var open = Receivables.OpenInvoices(invoices, payments);

        // INV-3 is paid (2,700 over it), the 2,700 and the 100 on account close INV-1's 2,000 and 800 of INV-2.
        Assert.Equal([("INV-2", 2400m), ("INV-1", 0m), ("INV-3", 0m)], open.Select(o => (o.Number, o.Open)));
    }

    [Theory]
    [InlineData(-1, "notDue")]
    [InlineData(0, "days0to30")]
    [InlineData(30, "days0to30")]
    [InlineData(31, "days31to60")]
    [InlineData(60, "days31to60")]
    [InlineData(61, "days61to90")]
    [InlineData(90, "days61to90")]
    [InlineData(91, "over90")]
    public void Invoices_are_aged_by_days_past_their_due_date(int daysPast, string bucket) =>
        Assert.Equal(bucket, Receivables.Bucket(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1).AddDays(daysPast)));
}
