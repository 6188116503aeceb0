using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

[Trait("Category", "Unit")]
public class DealTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Owner = new("m1", ["manager"]);
    private static readonly Actor OtherManager = new("m2", ["manager"]);
    private static readonly Actor Supervisor = new("sup", ["supervisor"]);
    private readonly TestDirectory _directory = new();

    private Deal NewDeal(ProcessDefinition? process = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var deal = new Deal(new DealState(), process ?? TestProcesses.Manual(), _directory);
        deal.Start(Guid.NewGuid(), new NewDeal("Press line", "Nordwerk GmbH", "Hans", "m1", TestDirectory.Department, 1000m, "eur", null, parameters), Owner, T0);
        return deal;
    }

    private static Deal Reload(Deal deal) => new(deal.State, deal.Process, new TestDirectory());

    private static DealTask Open(Deal deal, string templateId) =>
        deal.CurrentVisitTasks().Single(t => t.TemplateId == templateId && t.IsOpen);

    private static Rejection Refused(Action action) => Assert.Throws<Rejection>(action);

    private static Deal ToProposal(Deal deal)
    {
        deal.CompleteTask(Open(deal, "call").Id, "Reached the buyer", Owner, T0.AddMinutes(5));
        deal.Move("proposal", Owner, null, null, T0.AddMinutes(6));
        return deal;
    }

    private static void MeetProposalGates(Deal deal, string equipment)
    {
        deal.AttachDocument(new DocumentInfo(Guid.NewGuid(), "Proposal", "kp.pdf", "application/pdf", 1234), Owner, T0.AddMinutes(10));
        deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "Two presses", ["equipmentType"] = equipment }, Owner, T0.AddMinutes(11));
    }

    [Fact]
    public void Start_enters_the_initial_stage_and_fans_out_its_tasks_with_deadlines()
    {
        var deal = NewDeal();

        Assert.Equal("qualify", deal.State.Stage);
        Assert.Equal(DealStatus.Open, deal.State.Status);
        Assert.Equal("EUR", deal.State.Currency);
        var task = Assert.Single(deal.State.Tasks);
        Assert.Equal(("m1", "Call the client", T0.AddHours(2)), (task.Executor, task.Title, task.Deadline));
        Assert.Equal([ActivityKind.Created, ActivityKind.StageChanged, ActivityKind.TaskCreated], deal.Recorded.Select(a => a.Kind));
        Assert.Equal([1L, 2, 3], deal.Recorded.Select(a => a.Seq));
        Assert.Equal(3, deal.State.Outbox.Count);
    }

    [Fact]
    public void Deadlines_count_the_working_hours_of_the_executors_calendar()
    {
        _directory.Calendars["m1"] = new SalesOrleans.Domain.Calendar.WorkingCalendar("Europe/Berlin");
        var fridayFivePmBerlin = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
        var deal = new Deal(new DealState(), TestProcesses.Manual(deadlineHours: 2), _directory);

        deal.Start(Guid.NewGuid(), new NewDeal("Press line", "Nordwerk GmbH", null, "m1", TestDirectory.Department, null, null, null, null), Owner, fridayFivePmBerlin);

        // One hour on Friday until 18:00, the second on Monday from 09:00 (Berlin, UTC+1 in November).
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), Open(deal, "call").Deadline.ToUniversalTime());
    }

    [Fact]
    public void Fan_out_resolves_owner_supervisor_role_and_named_user()
    {
        var deal = ToProposal(NewDeal());
        Assert.Equal(["m1", "sup"], deal.CurrentVisitTasks().Select(t => t.Executor).Order());

        MeetProposalGates(deal, "crane");
        Open(deal, "prepare");
        deal.Move("certification", Owner, null, null, T0.AddMinutes(20), cancelOpenTasks: true);
        Assert.Equal("eng", Open(deal, "certify").Executor);

        deal.CompleteTask(Open(deal, "certify").Id, "Certificate 42", new Actor("eng", ["engineer"]), T0.AddMinutes(30));
        deal.Move("delivery", Owner, null, null, T0.AddMinutes(31), cancelOpenTasks: true);
        Assert.Equal("w.lager", Open(deal, "ship").Executor);
    }

    [Theory]
    [InlineData("", "Nordwerk", "m1", "d1", "title")]
    [InlineData("Deal", " ", "m1", "d1", "company")]
    [InlineData("Deal", "Nordwerk", "nobody", "d1", "owner")]
    [InlineData("Deal", "Nordwerk", "m1", "", "department")]
    public void Start_rejects_missing_or_unknown_input_naming_the_field(string title, string company, string owner, string department, string field)
    {
        var state = new DealState();
        var deal = new Deal(state, TestProcesses.Manual(), _directory);

        var refused = Refused(() => deal.Start(Guid.NewGuid(), new NewDeal(title, company, null, owner, department, null, null, null, null), Owner, T0));

        Assert.Equal((RejectionCode.Invalid, field), (refused.Code, refused.Field));
        Assert.False(state.Exists);
        Assert.Empty(state.Outbox);
    }

    [Fact]
    public void Start_validates_amount_currency_lines_and_parameters()
    {
        Deal Fresh() => new(new DealState(), TestProcesses.Manual(), _directory);
        NewDeal Input(decimal? amount = null, string? currency = null, DealLine[]? lines = null, Dictionary<string, string>? p = null) =>
            new("Deal", "Nordwerk", null, "m1", "d1", amount, currency, lines, p);

        Assert.Equal("amount", Refused(() => Fresh().Start(Guid.NewGuid(), Input(amount: -1), Owner, T0)).Field);
        Assert.Equal("currency", Refused(() => Fresh().Start(Guid.NewGuid(), Input(currency: "euro"), Owner, T0)).Field);
        Assert.Equal("lines[1].quantity", Refused(() => Fresh().Start(Guid.NewGuid(), Input(lines: [new("A", null, 1, 1), new("B", null, 0, 1)]), Owner, T0)).Field);
        Assert.Equal("lines[0].price", Refused(() => Fresh().Start(Guid.NewGuid(), Input(lines: [new("A", null, 1, -5)]), Owner, T0)).Field);
        Assert.Equal("parameters.colour", Refused(() => Fresh().Start(Guid.NewGuid(), Input(p: new() { ["colour"] = "red" }), Owner, T0)).Field);
        Assert.Equal("parameters.equipmentType", Refused(() => Fresh().Start(Guid.NewGuid(), Input(p: new() { ["equipmentType"] = "boat" }), Owner, T0)).Field);
        Assert.Equal("parameters.quantity", Refused(() => Fresh().Start(Guid.NewGuid(), Input(p: new() { ["quantity"] = "many" }), Owner, T0)).Field);

        var deal = Fresh();
        deal.Start(Guid.NewGuid(), Input(lines: [new("A", null, 2, 10), new("B", null, 1, 5.5m)], p: new() { ["EQUIPMENTTYPE"] = "PRESS" }), Owner, T0);
        Assert.Equal(25.5m, deal.State.Amount);
        Assert.Equal("press", deal.State.Parameters["equipmentType"]);
    }

    [Fact]
    public void A_task_gate_blocks_the_move_and_lists_the_missing_task_changing_nothing()
    {
        var deal = NewDeal();
        var seq = deal.State.Seq;

        var refused = Refused(() => deal.Move("proposal", Owner, null, null, T0.AddMinutes(1)));

        Assert.Equal(RejectionCode.GateUnmet, refused.Code);
        Assert.Equal(["task 'Call the client' done"], refused.Details);
        Assert.Equal(("qualify", seq, 3), (deal.State.Stage, deal.State.Seq, deal.State.Outbox.Count));
    }

    [Fact]
    public void A_move_that_is_not_a_transition_is_refused_naming_the_allowed_ones()
    {
        var deal = NewDeal();

        var refused = Refused(() => deal.Move("delivery", Owner, null, null, T0));

        Assert.Equal(RejectionCode.TransitionNotAllowed, refused.Code);
        Assert.Equal(["proposal", "lost"], refused.Details);
        Assert.Contains("Allowed: proposal, lost", refused.Message);
        Assert.Equal(RejectionCode.TransitionNotAllowed, Refused(() => deal.Move("nowhere", Owner, null, null, T0)).Code);
        Assert.Equal("toStage", Refused(() => deal.Move("", Owner, null, null, T0)).Field);
    }

    [Fact]
    public void Document_and_field_gates_list_what_is_missing_until_met()
    {
        var deal = ToProposal(NewDeal());
        deal.SetParameters(new Dictionary<string, string?> { ["equipmentType"] = "pump" }, Owner, T0.AddMinutes(7));

        var refused = Refused(() => deal.Move("delivery", Owner, null, null, T0.AddMinutes(8)));
        Assert.Equal(["document 'proposal' attached", "field 'Needs' filled"], refused.Details);
        Assert.Equal(refused.Details, deal.UnmetGates());

        MeetProposalGates(deal, "pump");
        Assert.Empty(deal.UnmetGates());
        deal.Move("delivery", Owner, null, null, T0.AddMinutes(12), cancelOpenTasks: true);
        Assert.Equal("delivery", deal.State.Stage);
    }

    [Fact]
    public void Tasks_left_open_are_cancelled_when_the_stage_is_left()
    {
        var deal = ToProposal(NewDeal());
        MeetProposalGates(deal, "pump");

        // Without saying so, a person's move does not cancel anyone's work: it lists what is open and changes nothing.
        var seq = deal.State.Seq;
        var refused = Refused(() => deal.Move("delivery", Owner, null, null, T0.AddMinutes(12)));
        Assert.Equal((RejectionCode.OpenTasks, "cancelOpenTasks"), (refused.Code, refused.Field));
        Assert.Equal(["T2 'Prepare the proposal' (m1)", "T3 'Approve the discount' (sup)"], refused.Details);
        Assert.Contains("cancelOpenTasks: true", refused.Message);
        Assert.Equal(("proposal", seq), (deal.State.Stage, deal.State.Seq));

        deal.Move("delivery", Owner, null, null, T0.AddMinutes(12), cancelOpenTasks: true);

        Assert.All(deal.State.Tasks.Where(t => t.Stage == "proposal"), t => Assert.Equal(DealTaskStatus.Cancelled, t.Status));
        Assert.Equal(["T2", "T3"], deal.CancelledByMove.Select(t => t.Id));
        Assert.Contains("2 open task(s) cancelled: T2 'Prepare the proposal' (m1); T3 'Approve the discount' (sup)", deal.Recorded.Last(a => a.Kind == ActivityKind.StageChanged).Text);
    }

    [Theory]
    [InlineData("press", "certification", "delivery")]
    [InlineData("crane", "certification", "delivery")]
    [InlineData("pump", "delivery", "certification")]
    public void Conditional_stage_applies_only_to_its_equipment_types(string equipment, string allowed, string refusedStage)
    {
        var deal = ToProposal(NewDeal());
        MeetProposalGates(deal, equipment);

        Assert.Contains(allowed, deal.AllowedTransitions());
        Assert.DoesNotContain(refusedStage, deal.AllowedTransitions());
        var refused = Refused(() => deal.Move(refusedStage, Owner, null, null, T0.AddMinutes(20)));
        Assert.Equal(RejectionCode.TransitionNotAllowed, refused.Code);
        Assert.Contains("does not apply to this deal's parameters", refused.Message);

        deal.Move(allowed, Owner, null, null, T0.AddMinutes(21), cancelOpenTasks: true);
        Assert.Equal(allowed, deal.State.Stage);
    }

    [Fact]
    public void A_loop_back_skips_gates_and_a_revisited_stage_needs_its_documents_again()
    {
        var deal = ToProposal(NewDeal());
        MeetProposalGates(deal, "pump");

        deal.Move("qualify", Owner, null, "Customer wants a new offer", T0.AddMinutes(13), cancelOpenTasks: true);
        Assert.Equal("qualify", deal.State.Stage);
        Assert.Contains(deal.Recorded, a => a.Kind == ActivityKind.Note && a.Text == "Customer wants a new offer");

        ToProposalAgain(deal);
        Assert.Equal(["document 'proposal' attached"], deal.UnmetGates());
        Assert.Equal(["qualify", "proposal", "qualify", "proposal"], deal.State.StageHistory.Select(h => h.Stage));

        static void ToProposalAgain(Deal d)
        {
            d.CompleteTask(Open(d, "call").Id, null, Owner, T0.AddMinutes(14));
            d.Move("proposal", Owner, null, null, T0.AddMinutes(15));
        }
    }

    [Fact]
    public void Losing_needs_a_known_reason_and_gives_the_supervisor_a_review_task()
    {
        var deal = NewDeal();

        Assert.Equal("lostReason", Refused(() => deal.Move("lost", Owner, null, null, T0)).Field);
        var unknown = Refused(() => deal.Move("lost", Owner, "weather", null, T0));
        Assert.Equal(["price", "competitor"], unknown.Details);

        deal.Move("lost", Owner, "Competitor", "Went with the cheaper offer", T0.AddMinutes(3), cancelOpenTasks: true);

        Assert.Equal((DealStatus.Lost, "competitor"), (deal.State.Status, deal.State.LostReason));
        Assert.Equal(T0.AddMinutes(3), deal.State.ClosedAt);
        var review = Assert.Single(deal.State.Tasks, t => t.IsOpen);
        Assert.Equal(("sup", Deal.LostReviewTaskId), (review.Executor, review.TemplateId));
        Assert.Equal(DealTaskStatus.Cancelled, deal.State.Tasks.Single(t => t.TemplateId == "call").Status);
        Assert.Null(deal.StuckOn);
        Assert.Empty(deal.AllowedTransitions());
        Assert.Equal(RejectionCode.Conflict, Refused(() => deal.Move("proposal", Owner, null, null, T0)).Code);
        Assert.Equal(RejectionCode.Conflict, Refused(() => deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "x" }, Owner, T0)).Code);

        deal.CompleteTask(review.Id, "Price was too high; discount policy reviewed", Supervisor, T0.AddHours(1));
        Assert.DoesNotContain(deal.State.Tasks, t => t.IsOpen);
    }

    [Fact]
    public void Winning_closes_the_deal()
    {
        var deal = ToProposal(NewDeal());
        MeetProposalGates(deal, "pump");
        deal.Move("delivery", Owner, null, null, T0.AddMinutes(20), cancelOpenTasks: true);
        deal.CompleteTask(Open(deal, "ship").Id, "Waybill 7", new Actor("w.lager", ["warehouse"]), T0.AddMinutes(30));
        deal.Move("won", Owner, null, null, T0.AddMinutes(31));

        Assert.Equal(DealStatus.Won, deal.State.Status);
        Assert.Equal(ActivityKind.Won, deal.Recorded[^1].Kind);
        Assert.Null(deal.StuckOn);
        Assert.Empty(deal.WorkloadShares());
    }

    [Fact]
    public void Only_the_owner_or_a_supervisor_moves_the_deal_and_only_the_people_involved_complete_tasks()
    {
        var deal = NewDeal();
        var task = Open(deal, "call");

        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.Move("lost", OtherManager, "price", null, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.CompleteTask(task.Id, null, OtherManager, T0)).Code);
        Assert.Equal(RejectionCode.NotFound, Refused(() => deal.CompleteTask("T999", null, Owner, T0)).Code);

        deal.CompleteTask(task.Id, null, Supervisor, T0);
        Assert.Equal(RejectionCode.Conflict, Refused(() => deal.CompleteTask(task.Id, null, Owner, T0)).Code);
        deal.Move("proposal", Supervisor, null, null, T0);
        Assert.Equal("proposal", deal.State.Stage);
    }

    [Fact]
    public void Reassigning_a_task_moves_it_and_is_journaled()
    {
        var deal = NewDeal();
        var task = Open(deal, "call");

        Assert.Equal("executor", Refused(() => deal.ReassignTask(task.Id, "ghost", Owner, null, T0)).Field);
        Assert.Equal("executor", Refused(() => deal.ReassignTask(task.Id, "m1", Owner, null, T0)).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => deal.ReassignTask(task.Id, "m2", new Actor("eng", ["engineer"]), null, T0)).Code);

        deal.ReassignTask(task.Id, "m2", Owner, "On holiday", T0.AddMinutes(1));

        Assert.Equal("m2", task.Executor);
        var activity = deal.Recorded[^1];
        Assert.Equal((ActivityKind.TaskReassigned, "m2"), (activity.Kind, activity.Subject));
        Assert.Contains("from m1 to m2: On holiday", activity.Text);
        Assert.Equal(activity.Seq, task.UpdatedSeq);
    }

    [Fact]
    public void Stuck_on_is_the_executor_of_the_oldest_open_task_else_the_owner()
    {
        var deal = ToProposal(NewDeal());
        Assert.Equal(new StuckOn("m1", T0.AddMinutes(6), Open(deal, "prepare").Id, "Prepare the proposal"), deal.StuckOn);

        deal.CompleteTask(Open(deal, "prepare").Id, null, Owner, T0.AddMinutes(7));
        Assert.Equal("sup", deal.StuckOn!.User);
        Assert.Equal(T0.AddMinutes(6), deal.StuckOn.Since);

        deal.CompleteTask(Open(deal, "approve").Id, null, Supervisor, T0.AddMinutes(8));
        Assert.Equal(new StuckOn("m1", T0.AddMinutes(6), null, null), deal.StuckOn);
    }

    [Fact]
    public void Deadlines_flag_overdue_once_then_escalate_after_the_grace()
    {
        var deal = NewDeal(TestProcesses.Manual(deadlineHours: 2, graceHours: 1));
        var task = Open(deal, "call");
        Assert.Equal(T0.AddHours(2), deal.NextWakeAt);

        deal.CheckDeadlines(T0.AddHours(1));
        Assert.Null(task.OverdueAt);

        deal.CheckDeadlines(T0.AddHours(2));
        Assert.Equal(T0.AddHours(2), task.OverdueAt);
        Assert.Equal(ActivityKind.TaskOverdue, deal.Recorded[^1].Kind);
        Assert.Equal(T0.AddHours(3), deal.NextWakeAt);
        var count = deal.Recorded.Count;

        deal.CheckDeadlines(T0.AddHours(2.5));
        Assert.Equal(count, deal.Recorded.Count);

        deal.CheckDeadlines(T0.AddHours(3));
        Assert.Equal(("sup", T0.AddHours(3)), (task.EscalatedTo, task.EscalatedAt));
        Assert.Equal((ActivityKind.TaskEscalated, "sup"), (deal.Recorded[^1].Kind, deal.Recorded[^1].Subject));
        Assert.Null(deal.NextWakeAt);

        deal.CheckDeadlines(T0.AddHours(9));
        Assert.Equal(count + 1, deal.Recorded.Count);
    }

    [Fact]
    public void A_late_tick_flags_and_escalates_in_one_go_with_escalation_counted_from_the_deadline()
    {
        var deal = NewDeal(TestProcesses.Manual(deadlineHours: 2, graceHours: 1));

        deal.CheckDeadlines(T0.AddDays(1));

        Assert.Equal([ActivityKind.TaskOverdue, ActivityKind.TaskEscalated], deal.Recorded.TakeLast(2).Select(a => a.Kind));
        Assert.Equal(T0.AddHours(3), Open(deal, "call").EscalationDueAt);
    }

    [Fact]
    public void Workload_shares_count_open_tasks_overdue_tasks_and_owned_open_deals()
    {
        var deal = ToProposal(NewDeal());
        deal.CheckDeadlines(T0.AddHours(4.5));

        var shares = deal.WorkloadShares();

        Assert.Equal(new WorkloadShare(1, 1, 1), shares["m1"]);
        Assert.Equal(new WorkloadShare(1, 0, 0), shares["sup"]);
    }

    [Fact]
    public void Automatic_routing_leaves_a_stage_when_its_tasks_are_done_and_its_gates_pass()
    {
        var deal = NewDeal(TestProcesses.Automatic(), new Dictionary<string, string> { ["equipmentType"] = "crane" });

        deal.CompleteTask(Open(deal, "call").Id, null, Owner, T0.AddMinutes(1));
        Assert.Equal("proposal", deal.State.Stage);
        Assert.Equal("system", deal.Recorded[^2].Actor);

        deal.CompleteTask(Open(deal, "prepare").Id, null, Owner, T0.AddMinutes(2));
        deal.CompleteTask(Open(deal, "approve").Id, null, Supervisor, T0.AddMinutes(3));
        Assert.Equal("proposal", deal.State.Stage);

        deal.AttachDocument(new DocumentInfo(Guid.NewGuid(), "proposal", "kp.pdf", "application/pdf", 10), Owner, T0.AddMinutes(4));
        Assert.Equal("proposal", deal.State.Stage);
        deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "A crane" }, Owner, T0.AddMinutes(5));

        // crane needs certification; automatic routing never takes the manual loop back or the loss.
        Assert.Equal("certification", deal.State.Stage);
        deal.CompleteTask(Open(deal, "certify").Id, null, new Actor("eng", ["engineer"]), T0.AddMinutes(6));
        Assert.Equal("delivery", deal.State.Stage);
        deal.CompleteTask(Open(deal, "ship").Id, null, new Actor("w.lager", ["warehouse"]), T0.AddMinutes(7));
        Assert.Equal(DealStatus.Won, deal.State.Status);
    }

    [Fact]
    public void Sequence_numbers_continue_across_reloads_and_the_outbox_keeps_everything_not_yet_published()
    {
        var deal = NewDeal();
        var reloaded = Reload(deal);

        reloaded.AddNote("Called back", Owner, T0.AddMinutes(1));

        Assert.Equal(4, reloaded.Recorded.Single().Seq);
        Assert.Equal([1L, 2, 3, 4], reloaded.State.Outbox.Select(a => a.Seq));
        Assert.Equal("text", Refused(() => reloaded.AddNote(" ", Owner, T0)).Field);
    }

    [Fact]
    public void The_environment_keeps_parties_and_how_they_relate_to_each_other_and_to_the_customer()
    {
        var deal = NewDeal();
        var rival = deal.SetParty(new EnvironmentParty("", PartyKind.Competitor, "Volga Presses", null, EnvironmentParty.Customer, "supplied them before", 3, null), Owner, T0);
        var advisor = deal.SetParty(new EnvironmentParty("", PartyKind.Influencer, "Dr. Lang", "chief engineer", rival, "former employee of", 5, "Decides on specs"), Owner, T0);

        Assert.Equal(["P1", "P2"], deal.State.Environment.Select(p => p.Id));
        Assert.Contains("former employee of Volga Presses", deal.Recorded[^1].Text);
        Assert.Equal("relatesTo", Refused(() => deal.SetParty(new EnvironmentParty("", PartyKind.Partner, "X", null, "P9", null, 1, null), Owner, T0)).Field);
        Assert.Equal("relatesTo", Refused(() => deal.SetParty(new EnvironmentParty(advisor, PartyKind.Influencer, "Dr. Lang", null, advisor, null, 1, null), Owner, T0)).Field);
        Assert.Equal("influence", Refused(() => deal.SetParty(new EnvironmentParty("", PartyKind.Partner, "X", null, null, null, 9, null), Owner, T0)).Field);
        Assert.Equal("kind", Refused(() => deal.SetParty(new EnvironmentParty("", (PartyKind)(-1), "X", null, null, null, 1, null), Owner, T0)).Field);
        Assert.Equal(RejectionCode.NotFound, Refused(() => deal.SetParty(new EnvironmentParty("P7", PartyKind.Partner, "X", null, null, null, 1, null), Owner, T0)).Code);

        deal.SetParty(new EnvironmentParty(advisor, PartyKind.Influencer, "Dr. Lang", "technical director", EnvironmentParty.Customer, "works for", 5, null), Owner, T0);
        Assert.Equal(("technical director", EnvironmentParty.Customer), (deal.State.Environment[1].Role, deal.State.Environment[1].RelatesTo));

        deal.SetParty(deal.State.Environment[1] with { RelatesTo = rival, Relation = "former employee of" }, Owner, T0);
        deal.RemoveParty(rival, Owner, T0);
        var left = Assert.Single(deal.State.Environment);
        Assert.Equal((advisor, (string?)null, (string?)null), (left.Id, left.RelatesTo, left.Relation));
    }

    [Fact]
    public void Setting_parameters_to_the_same_values_records_nothing_and_empty_values_clear()
    {
        var deal = NewDeal(parameters: new Dictionary<string, string> { ["needs"] = "x" });
        var count = deal.Recorded.Count;

        deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "x" }, Owner, T0);
        Assert.Equal(count, deal.Recorded.Count);

        deal.SetParameters(new Dictionary<string, string?> { ["needs"] = "" }, Owner, T0);
        Assert.False(deal.State.Parameters.ContainsKey("needs"));
        Assert.Contains("needs cleared", deal.Recorded[^1].Text);
    }
}
