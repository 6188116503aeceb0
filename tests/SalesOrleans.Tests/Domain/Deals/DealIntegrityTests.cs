using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>
/// Issue 14, process integrity: the rules bind the people they are meant to bind, on the shipped processes. Who
/// completes and hands on a task, four-eyes on reviews, fields only the system writes, stages only the order passes,
/// moves that cancel work only when told to, and orders linked only by people who may change the deal.
/// </summary>
[Trait("Category", "Unit")]
public class DealIntegrityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Owner = new("m1", ["manager"]);
    private static readonly Actor Colleague = new("m2", ["manager"]);
    private static readonly Actor Head = new("sup", ["supervisor"]);
    private static readonly Actor OtherHead = new("u-other-chef", ["supervisor"]);
    private static readonly Actor OtherManager = new("u-other-vertrieb", ["manager"]);
    private static readonly Actor Admin = new("root", ["admin"]);
    private static readonly Actor Engineer = new("eng", ["engineer"]);
    private static readonly Actor SecondEngineer = new("u-ingenieur", ["engineer"]);
    private static readonly Actor Keeper = new("w.lager", ["warehouse"]);

    private readonly TestDirectory _directory = new();

    private static ProcessDefinition Shipped(string kind) =>
        ProcessJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "processes", $"{kind}.json"))) with { Version = 1 };

    private Deal Start(string kind, string owner = "m1", IReadOnlyDictionary<string, string>? parameters = null)
    {
        var deal = new Deal(new DealState(), Shipped(kind), _directory);
        // Training sells services: the order made at the order stage comes from these lines.
        IReadOnlyList<DealLine>? lines = kind == "training-sales" ? [new DealLine("SKU-108", "Excel-Kurs, ein Platz", 12, 400)] : null;
        deal.Start(Guid.NewGuid(), new NewDeal("Schulung „Excel für Buchhalter“", "ООО «Ромашка»", "Frau Krüger", owner, TestDirectory.Department, lines is null ? 4800m : null, "EUR", lines, parameters),
            new Actor(owner, ["manager"]), T0);
        return deal;
    }

    private static DealTask Open(Deal deal, string templateId) => deal.CurrentVisitTasks().Single(t => t.TemplateId == templateId && t.IsOpen);

    private static Rejection Refused(Action action) => Assert.Throws<Rejection>(action);

    private static void Attach(Deal deal, string kind, Actor actor) =>
        deal.AttachDocument(new DocumentInfo(Guid.NewGuid(), kind, $"{kind}.pdf", "application/pdf", 2048), actor, T0.AddMinutes(1));

    /// <summary>A training deal standing in "client card and terms agreed with management".</summary>
    private Deal TrainingAtClientCard(string owner = "m1")
    {
        var deal = Start("training-sales", owner);
        var actor = new Actor(owner, ["manager"]);
        deal.SetParameters(new Dictionary<string, string?> { ["request"] = "Excel for 12 accountants" }, actor, T0);
        deal.CompleteTask(Open(deal, "record-request").Id, "Recorded", actor, T0);
        deal.Move("client-card", actor, null, null, T0);
        return deal;
    }

    /// <summary>A training deal standing in "commitment confirmed by advance payment", every earlier gate met honestly.</summary>
    private Deal TrainingAtCommitment()
    {
        var deal = TrainingAtClientCard();
        deal.CompleteTask(Open(deal, "create-client-card").Id, null, Owner, T0);
        deal.CompleteTask(Open(deal, "agree-terms").Id, "Discount 5 % agreed", Head, T0);
        deal.SetParameters(new Dictionary<string, string?> { ["trainingTopic"] = "Excel", ["participants"] = "12" }, Owner, T0);
        deal.Move("proposal", Owner, null, null, T0);
        Attach(deal, "proposal", Owner);
        deal.CompleteTask(Open(deal, "send-proposal").Id, null, Owner, T0);
        deal.Move("order", Owner, null, null, T0);
        deal.SetParameters(new Dictionary<string, string?> { ["orderNumber"] = "HP-77" }, Owner, T0);
        deal.CompleteTask(Open(deal, "create-order").Id, null, Owner, T0);
        deal.Move("commitment", Owner, null, null, T0);
        return deal;
    }

    // ---------------------------------------------------------------- who completes a task; four-eyes

    [Fact]
    public void The_owner_cannot_complete_the_terms_agreed_with_management_nor_can_a_colleague_or_another_departments_head()
    {
        var deal = TrainingAtClientCard();
        var agree = Open(deal, "agree-terms");
        Assert.Equal("sup", agree.Executor);
        var seq = deal.State.Seq;

        var byOwner = Refused(() => deal.CompleteTask(agree.Id, "Agreed with myself", Owner, T0));
        Assert.Equal((RejectionCode.Forbidden, "taskId"), (byOwner.Code, byOwner.Field));
        Assert.Contains("the owner cannot complete it (four-eyes)", byOwner.Message);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(agree.Id, null, Colleague, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(agree.Id, null, OtherHead, T0)).Code);
        Assert.Equal((DealTaskStatus.Open, seq), (agree.Status, deal.State.Seq));

        deal.CompleteTask(agree.Id, "Rabatt 5 % freigegeben", Head, T0.AddHours(1));
        Assert.Equal(("sup", DealTaskStatus.Done), (agree.CompletedBy, agree.Status));
    }

    [Fact]
    public void A_head_of_department_who_owns_the_deal_cannot_agree_its_terms_but_an_admin_can()
    {
        var deal = TrainingAtClientCard(owner: "sup");
        var agree = Open(deal, "agree-terms");

        Assert.Contains("four-eyes", Refused(() => deal.CompleteTask(agree.Id, null, Head, T0)).Message);

        deal.CompleteTask(agree.Id, "Checked by the admin", Admin, T0);
        Assert.Equal("root", agree.CompletedBy);
    }

    [Fact]
    public void The_owner_never_closes_the_lost_deal_review_meant_for_them()
    {
        var deal = Start("training-sales");
        deal.Move("lost", Owner, "no budget", null, T0, cancelOpenTasks: true);
        var review = deal.State.Tasks.Single(t => t.IsOpen);
        Assert.Equal((Deal.LostReviewTaskId, "sup"), (review.TemplateId, review.Executor));
        Assert.True(deal.IsReview(review));

        Assert.Contains("four-eyes", Refused(() => deal.CompleteTask(review.Id, "All fine", Owner, T0)).Message);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.ReassignTask(review.Id, "m2", Owner, null, T0)).Code);
        Assert.Equal("executor", Refused(() => deal.ReassignTask(review.Id, "m1", Head, null, T0)).Field);

        deal.CompleteTask(review.Id, "Budget cut confirmed with the client", Head, T0.AddHours(2));
        Assert.Equal(DealTaskStatus.Done, review.Status);
    }

    [Fact]
    public void A_task_is_completed_by_its_executor_or_another_holder_of_its_role_in_the_department_or_the_head()
    {
        var deal = Start("industrial-equipment");
        deal.SetParameters(new Dictionary<string, string?> { ["applicationArea"] = "Extrusion" }, Owner, T0);
        deal.CompleteTask(Open(deal, "qualify").Id, null, Owner, T0);
        deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "Two pumps", ["legalDetails"] = "Nordwerk GmbH, DE123", ["contacts"] = "+49 30 1234" }, Owner, T0);
        deal.CompleteTask(Open(deal, "record-details").Id, null, Owner, T0);
        Assert.Equal("equipment-selection", deal.State.Stage);
        var select = Open(deal, "select-equipment");
        var stock = Open(deal, "check-stock");
        Assert.Equal(("eng", "w.lager"), (select.Executor, stock.Executor));

        // The owner no longer ticks off the engineer's or the warehouse's work; a keeper cannot do the engineer's.
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(select.Id, null, Owner, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(select.Id, null, Keeper, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(stock.Id, null, Owner, T0)).Code);

        deal.CompleteTask(select.Id, "Pump KP-40", SecondEngineer, T0);
        deal.CompleteTask(stock.Id, "In stock", Head, T0);
        Assert.Equal(("u-ingenieur", "sup"), (select.CompletedBy, stock.CompletedBy));
    }

    [Fact]
    public void Reassigning_follows_the_same_rules()
    {
        var deal = TrainingAtClientCard();
        var agree = Open(deal, "agree-terms");
        var card = Open(deal, "create-client-card");

        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.ReassignTask(agree.Id, "m2", Owner, null, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.ReassignTask(card.Id, "m2", OtherHead, null, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.ReassignTask(card.Id, "m2", Colleague, null, T0)).Code);
        Assert.Contains("cannot go to the owner", Refused(() => deal.ReassignTask(agree.Id, "m1", Head, "Urlaub", T0)).Message);

        deal.ReassignTask(card.Id, "m2", Owner, "Auf Dienstreise", T0);
        deal.ReassignTask(agree.Id, "u-stellvertreter", Head, "Stellvertretung", T0);
        Assert.Equal(("m2", "u-stellvertreter"), (card.Executor, agree.Executor));
    }

    // ---------------------------------------------------------------- review stages are left by the head

    [Fact]
    public void A_seller_cannot_move_the_deal_out_of_the_heads_review_only_the_head_can()
    {
        var deal = Start("industrial-equipment");
        deal.SetParameters(new Dictionary<string, string?> { ["applicationArea"] = "Extrusion" }, Owner, T0);
        foreach (var step in new[] { "qualify", "record-details", "select-equipment", "check-stock" })
        {
            if (step == "record-details")
            {
                deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "Pumps", ["legalDetails"] = "ООО «Ромашка»", ["contacts"] = "+7 495 000" }, Owner, T0);
            }

            if (step == "select-equipment")
            {
                deal.SetParameters(new Dictionary<string, string?> { ["equipmentType"] = "pump", ["fulfilment"] = "stock" }, Owner, T0);
            }

            deal.CompleteTask(Open(deal, step).Id, null, Actor.System, T0);
        }

        Assert.Equal("proposal", deal.State.Stage);
        deal.Move("review", Owner, null, "Not suitable for the customer's materials", T0, cancelOpenTasks: true);
        var review = Open(deal, "review-seller");
        Assert.Equal("sup", review.Executor);
        var seq = deal.State.Seq;

        var bySeller = Refused(() => deal.Move("equipment-selection", Owner, null, null, T0, cancelOpenTasks: true));
        Assert.Equal((RejectionCode.Forbidden, "toStage"), (bySeller.Code, bySeller.Field));
        Assert.Contains("only the head of department 'd1' (sup) or an admin, never the deal's owner", bySeller.Message);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.Move("lost", Owner, "not suitable", null, T0, cancelOpenTasks: true)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.Move("lost", OtherHead, "not suitable", null, T0, cancelOpenTasks: true)).Code);
        Assert.Contains("four-eyes", Refused(() => deal.CompleteTask(review.Id, null, Owner, T0)).Message);
        Assert.Equal(("review", seq, DealTaskStatus.Open), (deal.State.Stage, deal.State.Seq, review.Status));

        // The head decides: here, that the deal is lost after all (cancelling their own review task, said explicitly).
        deal.Move("lost", Head, "not suitable", "Customer needs a different machine", T0, cancelOpenTasks: true);
        Assert.Equal((DealStatus.Lost, DealTaskStatus.Cancelled), (deal.State.Status, review.Status));
    }

    // ---------------------------------------------------------------- fields the system owns; documents prove no payment

    [Fact]
    public void A_typed_paid_amount_and_an_uploaded_invoice_do_not_win_a_training_deal()
    {
        var deal = TrainingAtCommitment();
        Attach(deal, "invoice", Owner);
        deal.CompleteTask(Open(deal, "issue-advance-invoice").Id, null, Owner, T0);
        deal.CompleteTask(Open(deal, "follow-up-payment").Id, null, Owner, T0);
        var seq = deal.State.Seq;

        // The uploaded invoice meets "invoice attached"; payment is still missing, and nobody can type it in.
        Assert.Equal(["the advance payment received"], deal.UnmetGates());
        foreach (var person in new[] { Owner, Head, Admin, Keeper })
        {
            var typed = Refused(() => deal.SetParameters(new Dictionary<string, string?> { ["advancePaid"] = "4800" }, person, T0));
            Assert.Equal((RejectionCode.Forbidden, "parameters.advancePaid"), (typed.Code, typed.Field));
            Assert.Contains("written by the system", typed.Message);
        }

        Assert.Equal("parameters.advancePaid", Refused(() => deal.SetParameters(new Dictionary<string, string?> { ["ADVANCEPAID"] = "1", ["participants"] = "13" }, Owner, T0)).Field);
        var won = Refused(() => deal.Move("won", Owner, null, null, T0));
        Assert.Equal(RejectionCode.Conflict, won.Code);
        Assert.Contains("reached only through the deal's order", won.Message);
        Assert.Equal((seq, "commitment", DealStatus.Open), (deal.State.Seq, deal.State.Stage, deal.State.Status));
        Assert.False(deal.State.Parameters.ContainsKey("advancePaid"));

        // The order's payment is what confirms the commitment: the system writes the amount, then the order moves the deal.
        deal.SetParameters(new Dictionary<string, string?> { ["advancePaid"] = "1500" }, Actor.System, T0.AddDays(1));
        deal.Move("won", Actor.System, null, "Order paid.", T0.AddDays(1));
        Assert.Equal((DealStatus.Won, "1500"), (deal.State.Status, deal.State.Parameters["advancePaid"]));
    }

    [Fact]
    public void A_system_field_can_neither_be_cleared_nor_given_at_creation_by_a_person()
    {
        var deal = TrainingAtCommitment();
        deal.SetParameters(new Dictionary<string, string?> { ["advancePaid"] = "900" }, Actor.System, T0);

        Assert.Equal("parameters.advancePaid", Refused(() => deal.SetParameters(new Dictionary<string, string?> { ["advancePaid"] = "" }, Head, T0)).Field);
        Assert.Equal("900", deal.State.Parameters["advancePaid"]);

        var fresh = new Deal(new DealState(), Shipped("industrial-equipment"), _directory);
        var created = Refused(() => fresh.Start(Guid.NewGuid(), new NewDeal("Pump", "Nordwerk", null, "m1", "d1", null, null, null,
            new Dictionary<string, string> { ["paymentReceived"] = "100000" }), Owner, T0));
        Assert.Equal((RejectionCode.Forbidden, "parameters.paymentReceived"), (created.Code, created.Field));
        Assert.False(fresh.State.Exists);
    }

    // ---------------------------------------------------------------- order-linked stages

    [Fact]
    public void An_order_driven_deal_is_not_moved_by_hand_from_contract_approved_to_won()
    {
        var deal = Start("order-driven");
        deal.SetParameters(new Dictionary<string, string?> { ["need"] = "40 ERP seats" }, Owner, T0);
        deal.Move("client-card", Owner, null, null, T0, cancelOpenTasks: true);
        deal.SetParameters(new Dictionary<string, string?> { ["erpClientCode"] = "TM-0042" }, Owner, T0);
        deal.Move("proposal", Owner, null, null, T0, cancelOpenTasks: true);
        Attach(deal, "proposal", Owner);
        deal.Move("negotiation", Owner, null, null, T0, cancelOpenTasks: true);
        deal.SetParameters(new Dictionary<string, string?> { ["paymentTerms"] = "prepayment" }, Owner, T0);
        deal.Move("contract-approval", Owner, null, null, T0, cancelOpenTasks: true);
        deal.CompleteTask(Open(deal, "assign-contract-specialist").Id, "Frau Weber", Head, T0);
        deal.CompleteTask(Open(deal, "send-contract-draft").Id, null, Owner, T0);
        deal.Move("contract-approved", Owner, null, null, T0);
        Attach(deal, "contract", Owner);
        deal.SetParameters(new Dictionary<string, string?> { ["contractNumber"] = "TM-2026-9" }, Owner, T0);
        deal.CompleteTask(Open(deal, "attach-contract").Id, null, Owner, T0);
        var seq = deal.State.Seq;

        foreach (var person in new[] { Owner, Head, Admin })
        {
            var refused = Refused(() => deal.Move("in-execution", person, null, null, T0, cancelOpenTasks: true));
            Assert.Equal((RejectionCode.Conflict, "toStage"), (refused.Code, refused.Field));
            Assert.Equal("'Order in execution' is reached only through the deal's order: the order's state moves the deal there, not a person.", refused.Message);
        }

        Assert.Equal((seq, "contract-approved"), (deal.State.Seq, deal.State.Stage));

        // A deal without lines has no order yet: it is blocked until the order exists (issue 11).
        Assert.Contains(deal.UnmetGates(), g => g.Contains("no lines"));
        deal.ApplyOrderState(new DealOrderInfo(Guid.NewGuid(), "Execution", deal.State.Amount, null, null), T0);

        // The order moves it on; from there no person moves it, not even to lose it (cancelling the order does that).
        deal.Move("in-execution", Actor.System, null, "Order execution.", T0);
        var leave = Refused(() => deal.Move("shipped", Owner, null, null, T0, cancelOpenTasks: true));
        Assert.Contains("follows the deal's order: the order's state moves the deal on", leave.Message);
        Assert.Equal(RejectionCode.Conflict, Refused(() => deal.Move("rejected", Head, "price too high", null, T0, cancelOpenTasks: true)).Code);

        deal.Move("shipped", Actor.System, null, null, T0);
        Assert.Equal(RejectionCode.Conflict, Refused(() => deal.Move("completed", Owner, null, null, T0, cancelOpenTasks: true)).Code);
        deal.Move("completed", Actor.System, null, null, T0);
        Assert.Equal(DealStatus.Won, deal.State.Status);
    }

    // ---------------------------------------------------------------- a move cancels work only when told to

    [Fact]
    public void A_manual_move_with_open_tasks_needs_cancel_open_tasks_and_says_what_it_cancelled()
    {
        var deal = Start("order-driven");
        deal.SetParameters(new Dictionary<string, string?> { ["need"] = "Lizenzen" }, Owner, T0);
        var open = Open(deal, "qualify-interest");
        var seq = deal.State.Seq;

        var refused = Refused(() => deal.Move("client-card", Owner, null, null, T0));
        Assert.Equal((RejectionCode.OpenTasks, "cancelOpenTasks"), (refused.Code, refused.Field));
        Assert.Equal([$"{open.Id} 'Call the client back and confirm the interest' (m1)"], refused.Details);
        Assert.Equal((seq, DealTaskStatus.Open, "interest"), (deal.State.Seq, open.Status, deal.State.Stage));
        // Losing the deal is a move like any other.
        Assert.Equal(RejectionCode.OpenTasks, Refused(() => deal.Move("rejected", Owner, "no budget", null, T0)).Code);

        deal.Move("client-card", Owner, null, null, T0, cancelOpenTasks: true);
        Assert.Equal([open.Id], deal.CancelledByMove.Select(t => t.Id));
        Assert.Equal(("m1", DealTaskStatus.Cancelled), (open.CompletedBy, open.Status));

        // With nothing open no flag is needed, and the system (the order, seeding) moves without it.
        deal.CompleteTask(Open(deal, "request-client-card").Id, null, Owner, T0);
        deal.SetParameters(new Dictionary<string, string?> { ["erpClientCode"] = "K-1" }, Owner, T0);
        deal.Move("proposal", Owner, null, null, T0);
        Assert.DoesNotContain("cancelled", deal.Recorded.Last(a => a.Kind == ActivityKind.StageChanged).Text);
        deal.Move("rejected", Actor.System, "order cancelled", null, T0);
        Assert.Equal(DealStatus.Lost, deal.State.Status);
    }

    // ---------------------------------------------------------------- orders link only deals their creator may change

    [Fact]
    public void An_order_links_only_a_deal_its_creator_may_change()
    {
        var deal = Start("training-sales");
        var order = Guid.NewGuid();
        var seq = deal.State.Seq;

        foreach (var allowed in new[] { Owner, Colleague, Head, Admin, Actor.System })
        {
            deal.AcceptOrderLink(order, allowed);
        }

        foreach (var refused in new[] { OtherManager, OtherHead, Engineer, Keeper, new Actor("u-marketing", ["marketer"]) })
        {
            var rejection = Refused(() => deal.AcceptOrderLink(order, refused));
            Assert.Equal((RejectionCode.Forbidden, "dealId"), (rejection.Code, rejection.Field));
            Assert.Contains($"{refused.User} may not link order {order}", rejection.Message);
        }

        Assert.Equal(seq, deal.State.Seq);
    }
}
