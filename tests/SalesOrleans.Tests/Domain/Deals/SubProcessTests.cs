using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>
/// Sub-processes (issue 11): a stage starts a child deal of another process kind and is not left forward until the
/// child is won; a lost or failed child blocks the stage visibly with a task for the owner; the child's id is derived
/// from the parent, the stage and the visit; the validator refuses unknown kinds and cycles.
/// </summary>
[Trait("Category", "Unit")]
public class SubProcessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Owner = new("m1", ["manager"]);
    private readonly TestDirectory _directory = new();

    private static ProcessDefinition Parent(RoutingMode mode = RoutingMode.Manual, string subKind = "certification", string? ownerRole = "engineer") => new ProcessDefinition
    {
        Kind = "klima-vertrieb",
        Name = "Klimakammer-Vertrieb",
        Mode = mode,
        InitialStage = "angebot",
        LostReasons = ["no budget", "certification failed"],
        Stages =
        [
            new StageDefinition
            {
                Id = "angebot", Name = "Angebot", Probability = 0.3,
                Transitions = [new TransitionDefinition { To = "zertifizierung" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition
            {
                Id = "zertifizierung", Name = "Zertifizierung", Names = new Dictionary<string, string> { ["ru"] = "Сертификация" }, Probability = 0.7,
                SubProcess = new SubProcessDefinition { Kind = subKind, OwnerRole = ownerRole },
                Transitions = [new TransitionDefinition { To = "montage" }, new TransitionDefinition { To = "angebot", SkipGates = true, ManualOnly = true }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition
            {
                Id = "montage", Name = "Montage", Probability = 0.9,
                Tasks = [new TaskTemplate { Id = "montieren", Title = "Montieren", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = 8 }],
                Transitions = [new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
            new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
        ],
    }.WithVersion1();

    private static ProcessDefinition Child(string kind = "certification", string? startsKind = null) => new ProcessDefinition
    {
        Kind = kind,
        Name = "Zertifizierung",
        InitialStage = "pruefung",
        LostReasons = ["refused"],
        Stages =
        [
            new StageDefinition
            {
                Id = "pruefung", Name = "Prüfung", Probability = 0.5,
                SubProcess = startsKind is null ? null : new SubProcessDefinition { Kind = startsKind },
                Transitions = [new TransitionDefinition { To = "ok" }, new TransitionDefinition { To = "failed" }],
            },
            new StageDefinition { Id = "ok", Name = "Zertifiziert", Probability = 1, Outcome = StageOutcome.Won },
            new StageDefinition { Id = "failed", Name = "Nicht bestanden", Probability = 0, Outcome = StageOutcome.Lost },
        ],
    }.WithVersion1();

    private Deal StartAtCertification(RoutingMode mode = RoutingMode.Manual, string? ownerRole = "engineer")
    {
        var deal = new Deal(new DealState(), Parent(mode, ownerRole: ownerRole), _directory);
        deal.Start(Guid.NewGuid(), new NewDeal("Klimakammer KK-500 für ООО «Тест»", "ООО «Тест»", "Frau Krüger", "m1", TestDirectory.Department, 64_000m, "EUR", null, null),
            Owner, T0);
        if (mode == RoutingMode.Manual)
        {
            deal.Move("zertifizierung", Owner, null, null, T0.AddMinutes(1));
        }

        return deal;
    }

    [Fact]
    public void Entering_the_stage_records_one_running_child_with_an_id_derived_from_parent_stage_and_visit_and_the_stage_waits_for_it()
    {
        var deal = StartAtCertification();

        var child = Assert.Single(deal.State.SubProcesses);
        Assert.Equal(Deal.SubProcessIdFor(deal.State.Id, "zertifizierung", deal.State.StageVisit), child.ChildId);
        Assert.Equal(("certification", "eng", SubProcessStatus.Running, "Zertifizierung: Klimakammer KK-500 für ООО «Тест»"),
            (child.Kind, child.Owner, child.Status, child.Title));
        var started = Assert.Single(deal.Recorded, a => a.Kind == ActivityKind.SubProcessStarted);
        Assert.Equal(child.ChildId.ToString(), started.Subject);

        var missing = Assert.Single(deal.UnmetGates());
        Assert.Contains("sub-process", missing);
        var refused = Assert.Throws<Rejection>(() => deal.Move("montage", Owner, null, null, T0.AddMinutes(2)));
        Assert.Equal(RejectionCode.GateUnmet, refused.Code);

        // The same id whatever is asked again; another visit of the stage gets another child.
        Assert.Equal(child.ChildId, Deal.SubProcessIdFor(deal.State.Id, "zertifizierung", child.StageVisit));
        Assert.NotEqual(child.ChildId, Deal.SubProcessIdFor(deal.State.Id, "zertifizierung", child.StageVisit + 2));
    }

    [Fact]
    public void Without_an_owner_role_the_child_belongs_to_the_parents_owner()
    {
        var deal = StartAtCertification(ownerRole: null);

        Assert.Equal("m1", Assert.Single(deal.State.SubProcesses).Owner);
    }

    [Fact]
    public void A_won_child_lets_the_manual_parent_move_on_and_a_repeat_changes_nothing()
    {
        var deal = StartAtCertification();
        var childId = deal.State.SubProcesses[0].ChildId;

        deal.ApplySubProcessState(childId, SubProcessStatus.Won, null, T0.AddHours(1));
        var seq = deal.State.Seq;
        deal.ApplySubProcessState(childId, SubProcessStatus.Won, null, T0.AddHours(2));

        Assert.Equal(seq, deal.State.Seq);
        Assert.Empty(deal.UnmetGates());
        deal.Move("montage", Owner, null, null, T0.AddHours(3));
        Assert.Equal("montage", deal.State.Stage);
    }

    [Fact]
    public void A_won_child_moves_an_automatic_parent_on_by_itself()
    {
        var deal = StartAtCertification(RoutingMode.Automatic);
        // Automatic: the first stage had nothing to wait for, so the deal went straight to the certification.
        Assert.Equal("zertifizierung", deal.State.Stage);

        deal.ApplySubProcessState(deal.State.SubProcesses[0].ChildId, SubProcessStatus.Won, null, T0.AddHours(1));

        Assert.Equal("montage", deal.State.Stage);
    }

    [Fact]
    public void A_lost_child_blocks_the_parent_visibly_with_a_task_for_the_owner_and_reopening_and_winning_it_frees_the_parent()
    {
        var deal = StartAtCertification(RoutingMode.Automatic);
        var childId = deal.State.SubProcesses[0].ChildId;

        deal.ApplySubProcessState(childId, SubProcessStatus.Lost, "refused", T0.AddHours(1));

        Assert.Equal(("zertifizierung", DealStatus.Open), (deal.State.Stage, deal.State.Status));
        var missing = Assert.Single(deal.UnmetGates());
        Assert.Contains("lost: refused", missing);
        var task = Assert.Single(deal.CurrentVisitTasks(), t => t.IsOpen);
        Assert.Equal((Deal.SubProcessProblemTaskId, "m1"), (task.TemplateId, task.Executor));
        Assert.Contains(deal.Recorded, a => a.Kind == ActivityKind.SubProcessChanged && a.Text.Contains("lost") && a.Subject == childId.ToString());

        // Told again: no second task.
        deal.ApplySubProcessState(childId, SubProcessStatus.Lost, "refused", T0.AddHours(2));
        Assert.Single(deal.CurrentVisitTasks(), t => t.IsOpen);

        deal.ApplySubProcessState(childId, SubProcessStatus.Running, null, T0.AddHours(3));
        Assert.Equal(DealTaskStatus.Done, task.Status);
        Assert.Contains("running", Assert.Single(deal.UnmetGates()));

        deal.ApplySubProcessState(childId, SubProcessStatus.Won, null, T0.AddHours(4));
        Assert.Equal("montage", deal.State.Stage);
    }

    [Fact]
    public void A_blocked_parent_may_still_be_lost_or_looped_back_and_the_next_visit_starts_a_fresh_child()
    {
        var deal = StartAtCertification();
        var first = deal.State.SubProcesses[0].ChildId;
        deal.ApplySubProcessState(first, SubProcessStatus.Failed, "Unknown process 'certification'.", T0.AddHours(1));
        Assert.Contains("could not be", Assert.Single(deal.UnmetGates()));

        deal.Move("angebot", Owner, null, "Neues Angebot", T0.AddHours(2), cancelOpenTasks: true);
        deal.Move("zertifizierung", Owner, null, null, T0.AddHours(3));

        Assert.Equal(2, deal.State.SubProcesses.Count);
        Assert.NotEqual(first, deal.State.SubProcesses[1].ChildId);
        Assert.Contains("running", Assert.Single(deal.UnmetGates()));

        deal.Move("lost", Owner, "certification failed", null, T0.AddHours(4), cancelOpenTasks: true);
        Assert.Equal(DealStatus.Lost, deal.State.Status);
    }

    [Fact]
    public void A_child_knows_its_parent_and_says_so_in_its_journal()
    {
        var parentId = Guid.NewGuid();
        var child = new Deal(new DealState(), Child(), _directory);
        child.Start(Deal.SubProcessIdFor(parentId, "zertifizierung", 2),
            new NewDeal("Zertifizierung: Klimakammer", "ООО «Тест»", null, "eng", TestDirectory.Department, null, "EUR", null, null,
                Parent: new SubProcessOrigin(parentId, "Klimakammer", "zertifizierung")), new Actor("system", ["system"]), T0);

        Assert.Equal((parentId, "Klimakammer", "zertifizierung"), (child.State.ParentDealId, child.State.ParentTitle, child.State.ParentStage));
        Assert.Contains(child.Recorded, a => a.Kind == ActivityKind.SubProcessStarted && a.Subject == parentId.ToString());
    }

    [Fact]
    public void A_state_for_an_unknown_child_changes_nothing()
    {
        var deal = StartAtCertification();
        var seq = deal.State.Seq;

        deal.ApplySubProcessState(Guid.NewGuid(), SubProcessStatus.Lost, "whatever", T0.AddHours(1));

        Assert.Equal(seq, deal.State.Seq);
    }

    // ---------------------------------------------------------------- validator

    [Fact]
    public void The_validator_accepts_a_published_sub_process_and_refuses_an_unknown_one_naming_the_published()
    {
        var parent = Parent();
        Assert.Empty(ProcessValidator.Validate(parent, new Dictionary<string, ProcessDefinition> { ["certification"] = Child() }));

        var problems = ProcessValidator.Validate(parent, new Dictionary<string, ProcessDefinition> { ["order-driven"] = Child("order-driven") });
        Assert.Contains(problems, p => p.StartsWith("stages[1] 'zertifizierung': subProcess.kind 'certification' is not a published process (published: order-driven)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_validator_refuses_a_process_starting_itself_directly_or_through_another()
    {
        var self = Parent(subKind: "klima-vertrieb");
        Assert.Contains(ProcessValidator.Validate(self), p => p.Contains("is this process itself") && p.Contains("cycle"));

        // klima-vertrieb → certification → audit → klima-vertrieb (the draft replaces its own published version).
        var published = new Dictionary<string, ProcessDefinition>
        {
            ["certification"] = Child("certification", startsKind: "audit"),
            ["audit"] = Child("audit", startsKind: "klima-vertrieb"),
            ["klima-vertrieb"] = Parent(),
        };
        var problems = ProcessValidator.Validate(Parent(), published);
        Assert.Contains(problems, p => p.Contains("leads back to this process: klima-vertrieb → certification → audit → klima-vertrieb"));
    }

    [Theory]
    [InlineData("", "subProcess.kind is required")]
    [InlineData("Zertifizierung", "must be a process kind")]
    public void The_validator_refuses_a_malformed_kind(string kind, string expected) =>
        Assert.Contains(ProcessValidator.Validate(Parent(subKind: kind)), p => p.Contains(expected));

    [Fact]
    public void The_validator_refuses_an_unknown_owner_role_and_a_sub_process_on_a_terminal_stage()
    {
        Assert.Contains(ProcessValidator.Validate(Parent(ownerRole: "integration")), p => p.Contains("subProcess.ownerRole 'integration'"));

        var terminal = Parent() with
        {
            Stages = [.. Parent().Stages.Select(s => s.Id == "won" ? s with { SubProcess = new SubProcessDefinition { Kind = "certification" } } : s)],
        };
        Assert.Contains(ProcessValidator.Validate(terminal), p => p.Contains("'won': a terminal stage starts no sub-process"));
    }

    [Fact]
    public void The_sub_process_round_trips_through_the_process_json()
    {
        var json = ProcessJson.Serialize(Parent());

        Assert.Contains("\"subProcess\"", json);
        Assert.Equal(new SubProcessDefinition { Kind = "certification", OwnerRole = "engineer" }, ProcessJson.Parse(json).Stage("zertifizierung").SubProcess);
        Assert.Throws<ProcessDefinitionException>(() => ProcessJson.Parse(json.Replace("\"ownerRole\"", "\"ownerRol\"")));
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("marketer", true)]
    [InlineData("admin", false)]
    [InlineData("Vertrieb", false)]
    public void The_satisfaction_role_is_the_owner_or_a_working_role(string role, bool valid)
    {
        var problems = ProcessValidator.Validate(Child() with { SatisfactionRole = role });

        Assert.Equal(valid, !problems.Any(p => p.StartsWith("satisfactionRole", StringComparison.Ordinal)));
    }
}

internal static class SubProcessTestExtensions
{
    public static ProcessDefinition WithVersion1(this ProcessDefinition d) => d with { Version = 1 };
}
