using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain;

/// <summary>The process definitions shipped in deploy/processes (copied beside the test assembly under processes/).</summary>
[Trait("Category", "Unit")]
public class ShippedProcessesTests
{
    public static TheoryData<string> Files => new(Directory.GetFiles(ProcessDirectory, "*.json").Select(Path.GetFileName).OfType<string>().Order());

    private static string ProcessDirectory => Path.Combine(AppContext.BaseDirectory, "processes");

    private static ProcessDefinition Load(string file) => ProcessJson.Parse(File.ReadAllText(Path.Combine(ProcessDirectory, file)));

    /// <summary>The stages automatic routing walks for these parameters: first transition that is not manual-only, holds, and is not a loss.</summary>
    private static List<string> AutomaticPath(ProcessDefinition d, Dictionary<string, string> parameters)
    {
        var parametersIgnoringCase = new Dictionary<string, string>(parameters, StringComparer.OrdinalIgnoreCase);
        var path = new List<string> { d.InitialStage };
        var stage = d.Stage(d.InitialStage);
        while (!stage.IsTerminal && path.Count <= d.Stages.Count)
        {
            var next = stage.Transitions.First(t => !t.ManualOnly && (t.When?.Holds(parametersIgnoringCase) ?? true) && d.Stage(t.To).Outcome != StageOutcome.Lost);
            stage = d.Stage(next.To);
            path.Add(stage.Id);
        }

        return path;
    }

    private static void AssertMainPath(ProcessDefinition d, params string[] path)
    {
        Assert.Equal(path[0], d.InitialStage);
        for (var i = 0; i + 1 < path.Length; i++)
        {
            Assert.Contains(d.Stage(path[i]).Transitions, t => t.To == path[i + 1]);
            Assert.True(d.Stage(path[i + 1]).Probability >= d.Stage(path[i]).Probability, $"Probability falls from '{path[i]}' to '{path[i + 1]}'.");
        }

        Assert.Equal(StageOutcome.Won, d.Stage(path[^1]).Outcome);
    }

    private static void AssertEveryActiveStageCanBeLost(ProcessDefinition d, string lostStage)
    {
        Assert.Equal(StageOutcome.Lost, d.Stage(lostStage).Outcome);
        Assert.All(d.Stages.Where(s => !s.IsTerminal), s => Assert.Contains(s.Transitions, t => t.To == lostStage));
    }

    private static GateDefinition[] Gates(ProcessDefinition d, string stage, GateKind kind) => [.. d.Stage(stage).Gates.Where(g => g.Kind == kind)];

    [Fact]
    public void The_three_source_processes_and_the_certification_sub_process_are_shipped() =>
        Assert.Superset(new HashSet<string> { "certification.json", "industrial-equipment.json", "order-driven.json", "training-sales.json" },
            Directory.GetFiles(ProcessDirectory, "*.json").Select(Path.GetFileName).OfType<string>().ToHashSet());

    /// <summary>Kinds the shipped processes start as sub-processes (they sell nothing themselves).</summary>
    private static HashSet<string> SubProcessKinds() =>
        Directory.GetFiles(ProcessDirectory, "*.json").Select(f => ProcessJson.Parse(File.ReadAllText(f))).SelectMany(d => d.SubProcessKinds()).ToHashSet();

    [Fact]
    public void The_shipped_processes_validate_together_and_the_industrial_certification_starts_the_certification_process()
    {
        var all = Directory.GetFiles(ProcessDirectory, "*.json").Select(f => ProcessJson.Parse(File.ReadAllText(f))).ToDictionary(d => d.Kind);

        Assert.All(all.Values, d => Assert.Empty(ProcessValidator.Validate(d, all)));
        var certification = all["industrial-equipment"].Stage("certification");
        Assert.Equal(("certification", null), (certification.SubProcess!.Kind, certification.SubProcess.OwnerRole));
        Assert.All(all["certification"].Stages.SelectMany(s => s.Tasks), t => Assert.Equal("engineer", t.Executor.Role));
        Assert.Equal(RoutingMode.Automatic, all["certification"].Mode);
        Assert.Contains(all["certification"].Stage("testing").Gates, g => g is { Kind: GateKind.Document, DocumentKind: "certificate" });
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_parses_and_validates_clean(string file)
    {
        var d = Load(file);

        Assert.Empty(ProcessValidator.Validate(d));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), d.Kind);
        Assert.Equal(0, d.Version);
        Assert.False(string.IsNullOrWhiteSpace(d.Description));
        Assert.All(d.Stages.SelectMany(s => s.Tasks), t => Assert.InRange(t.DeadlineHours, 1, 200));
        if (!SubProcessKinds().Contains(d.Kind))
        {
            Assert.Contains("competitor chosen", d.LostReasons);
            Assert.Contains("no budget", d.LostReasons);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_round_trips_through_the_serializer(string file)
    {
        var json = ProcessJson.Serialize(Load(file));

        Assert.Equal(json, ProcessJson.Serialize(ProcessJson.Parse(json)));
    }

    [Fact]
    public void Training_sales_follows_the_process_deal_example()
    {
        var d = Load("training-sales.json");

        Assert.Equal(RoutingMode.Manual, d.Mode);
        AssertMainPath(d, "first-contact", "client-card", "proposal", "presentation", "order", "commitment", "won");
        AssertEveryActiveStageCanBeLost(d, "lost");
        Assert.Contains(d.Stage("client-card").Tasks, t => t.Executor.Kind == ExecutorKind.Supervisor);
        Assert.Equal("proposal", Assert.Single(Gates(d, "proposal", GateKind.Document)).DocumentKind);

        // Feedback after the presentation sends the deal back to have the proposal re-agreed.
        var loop = Assert.Single(d.Stage("presentation").Transitions, t => t.To == "proposal");
        Assert.True(loop.SkipGates);

        // Commitment is confirmed by the advance payment.
        Assert.Contains(Gates(d, "commitment", GateKind.Field), g => g.Field == "advancePaid");
        Assert.Equal(FieldType.Number, d.Fields.Single(f => f.Name == "advancePaid").Type);
    }

    [Fact]
    public void Industrial_equipment_follows_the_survey()
    {
        var d = Load("industrial-equipment.json");

        Assert.Equal(RoutingMode.Automatic, d.Mode);
        AssertMainPath(d, "qualification", "deal-details", "equipment-selection", "proposal", "order", "production", "shipment", "certification", "installation",
            "service-offer", "service-contract", "closing", "won");
        AssertEveryActiveStageCanBeLost(d, "lost");
        Assert.Equal(["needs", "legalDetails", "contacts"], Gates(d, "deal-details", GateKind.Field).Select(g => g.Field));
        Assert.Equal(["proposal", "contract"], Gates(d, "proposal", GateKind.Document).Select(g => g.DocumentKind));
        // The contract number and payment terms are typed once, on the deal; the order made from its lines takes them.
        Assert.Equal(["contractNumber", "paymentTerms"], Gates(d, "proposal", GateKind.Field).Select(g => g.Field));
        Assert.Equal("order", d.OrderLink!.CreateAt);
        Assert.Equal(["invoice"], Gates(d, "order", GateKind.Document).Select(g => g.DocumentKind));
        Assert.Contains(Gates(d, "order", GateKind.Field), g => g.Field == "paymentReceived");
        Assert.Contains(Gates(d, "closing", GateKind.Field), g => g.Field == "paymentReceived");
        Assert.NotEmpty(Gates(d, "closing", GateKind.Document));

        var executors = d.Stages.SelectMany(s => s.Tasks).Select(t => t.Executor).ToList();
        Assert.Contains(executors, e => e.Kind == ExecutorKind.Owner);
        Assert.Contains(executors, e => e.Kind == ExecutorKind.Supervisor);
        Assert.Contains(executors, e => e is { Kind: ExecutorKind.Role, Role: "warehouse" });
        Assert.Contains(executors, e => e is { Kind: ExecutorKind.Role, Role: "engineer" });
    }

    [Fact]
    public void Industrial_not_suitable_is_a_manual_branch_to_a_supervisor_review()
    {
        var d = Load("industrial-equipment.json");

        var branch = Assert.Single(d.Stage("proposal").Transitions, t => t.To == "review");
        Assert.True(branch.ManualOnly);
        Assert.True(branch.SkipGates);
        var review = d.Stage("review");
        Assert.Equal(ExecutorKind.Supervisor, Assert.Single(review.Tasks).Executor.Kind);
        Assert.Equal(["equipment-selection", "lost"], review.Transitions.Select(t => t.To));
    }

    [Fact]
    public void Industrial_certification_is_entered_only_for_the_two_equipment_types()
    {
        var d = Load("industrial-equipment.json");

        var into = d.Stages.SelectMany(s => s.Transitions.Select(t => (From: s.Id, Transition: t))).Where(x => x.Transition.To == "certification").ToList();
        var (from, transition) = Assert.Single(into);
        Assert.Equal("shipment", from);
        Assert.Equal("equipmentType", transition.When!.Field);
        Assert.False(transition.When.Not);
        Assert.Equal(["climatic", "simulation"], transition.When.In.Order());

        // The other types skip it by the complementary condition.
        var skip = Assert.Single(d.Stage("shipment").Transitions, t => t.To == "installation");
        Assert.True(skip.When!.Not);
        Assert.Equal(["climatic", "simulation"], skip.When.In.Order());
    }

    [Theory]
    [InlineData("climatic", "stock", "yes", true, false, true)]
    [InlineData("simulation", "mixed", "no", true, true, false)]
    [InlineData("pump", "production", "yes", false, true, true)]
    [InlineData("compressor", "stock", "no", false, false, false)]
    [InlineData("other", "mixed", "no", false, true, false)]
    public void Industrial_automatic_routing_takes_the_branches_the_parameters_call_for(
        string equipmentType, string fulfilment, string serviceAccepted, bool certification, bool production, bool serviceContract)
    {
        var d = Load("industrial-equipment.json");

        var path = AutomaticPath(d, new() { ["equipmentType"] = equipmentType, ["fulfilment"] = fulfilment, ["serviceAccepted"] = serviceAccepted });

        Assert.Equal("won", path[^1]);
        Assert.Equal(certification, path.Contains("certification"));
        Assert.Equal(production, path.Contains("production"));
        Assert.Equal(serviceContract, path.Contains("service-contract"));
        Assert.Contains("shipment", path);
        Assert.Contains("installation", path);
        Assert.DoesNotContain("review", path);
    }

    [Fact]
    public void Order_driven_moves_by_hand_to_contract_approval_then_mirrors_the_order()
    {
        var d = Load("order-driven.json");

        Assert.Equal(RoutingMode.Manual, d.Mode);
        AssertMainPath(d, "interest", "client-card", "proposal", "negotiation", "contract-approval", "contract-approved", "in-execution", "shipped", "completed");
        AssertEveryActiveStageCanBeLost(d, "rejected");
        Assert.Equal("contract", Assert.Single(Gates(d, "contract-approved", GateKind.Document)).DocumentKind);
        Assert.Equal("contractNumber", Assert.Single(Gates(d, "contract-approved", GateKind.Field)).Field);
        Assert.Equal(["shipped", "rejected"], d.Stage("in-execution").Transitions.Select(t => t.To));
        Assert.Equal(["completed", "rejected"], d.Stage("shipped").Transitions.Select(t => t.To));
    }

    [Fact]
    public void Order_driven_makes_its_order_at_contract_approved_and_mirrors_the_order_states()
    {
        var link = Load("order-driven.json").OrderLink!;

        Assert.Equal(("contract-approved", "main", true), (link.CreateAt, link.Warehouse, link.Submit));
        Assert.Equal([(OrderLinkTrigger.Execution, "in-execution"), (OrderLinkTrigger.Shipped, "shipped"), (OrderLinkTrigger.Completed, "completed")],
            link.Moves.Select(m => (m.On, m.To)));
        Assert.Equal(("rejected", "order cancelled"), (link.LostStage, link.LostReason));
        Assert.Null(link.PaidField);
    }

    [Fact]
    public void Training_sales_commitment_is_confirmed_by_a_payment_on_its_order()
    {
        var d = Load("training-sales.json");
        var link = d.OrderLink!;

        Assert.Equal("advancePaid", link.PaidField);
        Assert.Contains(Gates(d, "commitment", GateKind.Field), g => g.Field == link.PaidField);
        // Training sells services: its order is made from the deal's lines at the order stage, like the other processes'.
        Assert.Equal(("order", "main", true), (link.CreateAt, link.Warehouse, link.Submit));
        var paid = Assert.Single(link.Moves);
        Assert.Equal((OrderLinkTrigger.Paid, "won"), (paid.On, paid.To));
        Assert.Contains(d.Stage("commitment").Transitions, t => t.To == paid.To);
    }

    [Fact]
    public void Industrial_equipment_takes_only_the_payment_from_its_order()
    {
        var d = Load("industrial-equipment.json");
        var link = d.OrderLink!;

        // The order is made from the deal's lines at the order stage; it makes no stage moves: it fills in the payment
        // the order stage (the advance) and the closing stage wait for.
        Assert.Equal(("paymentReceived", "order", null), (link.PaidField, link.CreateAt, link.LostStage));
        Assert.Empty(link.Moves);
        Assert.Contains(Gates(d, "closing", GateKind.Field), g => g.Field == link.PaidField);
    }

    [Fact]
    public void Industrial_orders_need_no_approval_and_order_driven_ones_go_to_the_head_then_the_director_when_large()
    {
        // The survey: "invoice (contract) without an approval phase"; Clobbi.CRM: orders are put on an approval route.
        Assert.Empty(Load("industrial-equipment.json").OrderLink!.Approval!.StepsFor(new SalesOrleans.Domain.Orders.ApprovalFacts(1_000_000, 50, "deferred")));
        var route = Load("order-driven.json").OrderLink!.Approval!;
        Assert.Equal(["sales-head"], route.StepsFor(new SalesOrleans.Domain.Orders.ApprovalFacts(1800, 0, "prepayment")).Select(s => s.Id));
        Assert.Equal(["sales-head", "commercial-director"], route.StepsFor(new SalesOrleans.Domain.Orders.ApprovalFacts(1800, 0, "оплата с отсрочкой 30 дней")).Select(s => s.Id));
        Assert.Equal(["sales-head", "commercial-director"], route.StepsFor(new SalesOrleans.Domain.Orders.ApprovalFacts(12_000, 0, "prepayment")).Select(s => s.Id));
    }

    [Theory]
    [InlineData("training-sales.json", "advancePaid")]
    [InlineData("industrial-equipment.json", "paymentReceived")]
    public void The_amount_paid_is_written_by_the_system_only(string file, string field)
    {
        var d = Load(file);

        Assert.Equal(FieldWriter.System, d.Fields.Single(f => f.Name == field).WrittenBy);
        Assert.True(d.IsSystemField(field));
        Assert.Equal([field], d.Fields.Where(f => d.IsSystemField(f.Name)).Select(f => f.Name));
    }

    [Fact]
    public void Supervisor_tasks_that_review_the_owner_are_reviews_and_the_review_stage_is_left_by_the_head()
    {
        var training = Load("training-sales.json");
        var industrial = Load("industrial-equipment.json");
        var orderDriven = Load("order-driven.json");

        Assert.True(training.Stage("client-card").Tasks.Single(t => t.Id == "agree-terms").IsReview);
        Assert.True(industrial.Stage("review").Tasks.Single().IsReview);
        Assert.Equal(StageLeaver.Supervisor, industrial.Stage("review").LeftBy);
        // Assigning the contract specialist is the head's task but not a review of the seller.
        Assert.False(orderDriven.Stage("contract-approval").Tasks.Single(t => t.Id == "assign-contract-specialist").IsReview);
        Assert.All(new[] { training, industrial, orderDriven }.SelectMany(d => d.Stages).SelectMany(s => s.Tasks).Where(t => t.Executor.Kind == ExecutorKind.Owner),
            t => Assert.False(t.IsReview));
    }

    [Fact]
    public void Order_driven_stages_after_contract_approved_are_passed_only_by_the_order()
    {
        var d = Load("order-driven.json");

        Assert.Equal(["in-execution", "shipped"], d.Stages.Where(s => s.LeftBy == StageLeaver.Order).Select(s => s.Id));
        Assert.Equal(["in-execution", "shipped", "completed"], d.Stages.Where(s => d.IsEnteredByOrder(s.Id)).Select(s => s.Id));
        Assert.True(Load("training-sales.json").IsEnteredByOrder("won"));
        Assert.DoesNotContain(Load("industrial-equipment.json").Stages, s => s.LeftBy == StageLeaver.Order);
    }
}
