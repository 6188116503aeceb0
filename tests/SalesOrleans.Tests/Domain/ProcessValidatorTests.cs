using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain;

[Trait("Category", "Unit")]
public class ProcessValidatorTests
{
    private static readonly ExecutorRule Owner = new() { Kind = ExecutorKind.Owner };

    /// <summary>The smallest definition that uses every feature and is valid; each test breaks one thing.</summary>
    private static ProcessDefinition Valid(RoutingMode mode = RoutingMode.Manual) => new()
    {
        Kind = "unit-flow",
        Name = "Unit flow",
        Mode = mode,
        InitialStage = "start",
        LostReasons = ["price", "competitor chosen"],
        Fields =
        [
            new FieldDefinition { Name = "needs", Type = FieldType.Text },
            new FieldDefinition { Name = "equipmentType", Type = FieldType.Choice, Choices = ["pump", "climatic", "simulation"] },
        ],
        Stages =
        [
            new StageDefinition
            {
                Id = "start", Name = "Start", Probability = 0.1,
                Tasks = [new TaskTemplate { Id = "call", Title = "Call", Executor = Owner, DeadlineHours = 4 }],
                Gates = [new GateDefinition { Kind = GateKind.TasksDone }],
                Transitions = [new TransitionDefinition { To = "proposal" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition
            {
                Id = "proposal", Name = "Proposal", Probability = 0.5,
                Tasks =
                [
                    new TaskTemplate { Id = "prepare", Title = "Prepare", Executor = Owner, DeadlineHours = 8 },
                    new TaskTemplate { Id = "approve", Title = "Approve", Executor = new ExecutorRule { Kind = ExecutorKind.Supervisor }, DeadlineHours = 8 },
                ],
                Gates =
                [
                    new GateDefinition { Kind = GateKind.Document, DocumentKind = "proposal" },
                    new GateDefinition { Kind = GateKind.Field, Field = "needs" },
                    new GateDefinition { Kind = GateKind.TasksDone, Tasks = ["approve"] },
                ],
                Transitions =
                [
                    new TransitionDefinition { To = "certification", When = new ConditionDefinition { Field = "equipmentType", In = ["climatic", "simulation"] } },
                    new TransitionDefinition { To = "won", When = new ConditionDefinition { Field = "equipmentType", In = ["climatic", "simulation"], Not = true } },
                    new TransitionDefinition { To = "start", SkipGates = true, ManualOnly = true },
                    new TransitionDefinition { To = "lost" },
                ],
            },
            new StageDefinition
            {
                Id = "certification", Name = "Certification", Probability = 0.8,
                Tasks = [new TaskTemplate { Id = "certify", Title = "Certify", Executor = new ExecutorRule { Kind = ExecutorKind.Role, Role = "engineer" }, DeadlineHours = 40 }],
                Transitions = [new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
            new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
        ],
    };

    private static ProcessDefinition WithStage(ProcessDefinition d, string id, Func<StageDefinition, StageDefinition> change) =>
        d with { Stages = [.. d.Stages.Select(s => s.Id == id ? change(s) : s)] };

    private static ProcessDefinition WithStages(ProcessDefinition d, params StageDefinition[] extra) =>
        d with { Stages = [.. d.Stages, .. extra] };

    private static void AssertProblem(ProcessDefinition d, string fragment)
    {
        var problems = ProcessValidator.Validate(d);
        Assert.True(problems.Any(p => p.Contains(fragment, StringComparison.Ordinal)),
            $"Expected a problem containing \"{fragment}\"; got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Theory]
    [InlineData(RoutingMode.Manual)]
    [InlineData(RoutingMode.Automatic)]
    public void A_valid_definition_has_no_problems(RoutingMode mode)
    {
        Assert.Empty(ProcessValidator.Validate(Valid(mode)));
        ProcessValidator.EnsureValid(Valid(mode));
    }

    [Theory]
    [InlineData("Training Sales")]
    [InlineData("training_sales")]
    [InlineData("-training")]
    [InlineData("training--sales")]
    public void Kind_must_be_lower_case_letters_digits_and_dashes(string kind) =>
        AssertProblem(Valid() with { Kind = kind }, $"kind '{kind}': use lower-case letters");

    [Fact]
    public void Kind_is_required() => AssertProblem(Valid() with { Kind = " " }, "kind: is required");

    [Fact]
    public void Name_is_required() => AssertProblem(Valid() with { Name = "" }, "name: is required");

    [Fact]
    public void At_least_one_stage_is_required() =>
        AssertProblem(Valid() with { Stages = [] }, "stages: the process needs at least one stage");

    [Fact]
    public void Stage_ids_are_unique() =>
        AssertProblem(WithStages(Valid(), new StageDefinition { Id = "proposal", Name = "Again", Transitions = [new TransitionDefinition { To = "won" }] }),
            "stages[5] 'proposal': duplicate stage id");

    [Fact]
    public void Stage_ids_are_not_empty() =>
        AssertProblem(WithStages(Valid(), new StageDefinition { Id = "", Name = "Nameless" }), "stages[5]: id is required");

    [Fact]
    public void Stage_ids_are_lower_case_dashed() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Id = "Certification" }), "stages[2] 'Certification': id must be lower-case");

    [Fact]
    public void Initial_stage_must_exist() =>
        AssertProblem(Valid() with { InitialStage = "nowhere" }, "initialStage 'nowhere': no such stage");

    [Fact]
    public void Initial_stage_must_not_be_terminal() =>
        AssertProblem(Valid() with { InitialStage = "won" }, "initialStage 'won': must not be a terminal stage");

    [Fact]
    public void Every_transition_target_exists() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Transitions = [.. s.Transitions, new TransitionDefinition { To = "foo" }] }),
            "stages[1] 'proposal': transition to unknown stage 'foo'");

    [Fact]
    public void A_terminal_stage_has_no_transitions() =>
        AssertProblem(WithStage(Valid(), "lost", s => s with { Transitions = [new TransitionDefinition { To = "start" }] }),
            "stages[4] 'lost': a terminal stage must not have transitions");

    [Fact]
    public void A_terminal_stage_has_no_tasks() =>
        AssertProblem(WithStage(Valid(), "won", s => s with { Tasks = [new TaskTemplate { Id = "party", Title = "Celebrate", Executor = Owner }] }),
            "stages[3] 'won': a terminal stage must not have tasks");

    [Fact]
    public void A_terminal_stage_has_no_gates() =>
        AssertProblem(WithStage(Valid(), "won", s => s with { Gates = [new GateDefinition { Kind = GateKind.Field, Field = "needs" }] }),
            "stages[3] 'won': a terminal stage must not have gates");

    [Fact]
    public void A_non_terminal_stage_needs_a_transition() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Transitions = [] }),
            "stages[2] 'certification': a non-terminal stage needs at least one transition");

    [Fact]
    public void A_stage_cannot_move_to_itself() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Transitions = [.. s.Transitions, new TransitionDefinition { To = "certification" }] }),
            "stages[2] 'certification': transition to itself");

    [Fact]
    public void The_same_transition_twice_is_reported() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Transitions = [.. s.Transitions, new TransitionDefinition { To = "won" }] }),
            "stages[2] 'certification': duplicate transition to 'won'");

    [Fact]
    public void Unreachable_stages_are_listed()
    {
        var orphan = new StageDefinition { Id = "orphan", Name = "Orphan", Transitions = [new TransitionDefinition { To = "won" }] };
        var orphan2 = new StageDefinition { Id = "orphan-two", Name = "Orphan 2", Transitions = [new TransitionDefinition { To = "orphan" }] };

        AssertProblem(WithStages(Valid(), orphan, orphan2), "not reachable from initial stage 'start': 'orphan', 'orphan-two'");
    }

    [Fact]
    public void A_won_stage_must_be_reachable()
    {
        var d = WithStage(Valid(), "proposal", s => s with { Transitions = [new TransitionDefinition { To = "lost" }] });
        d = WithStage(d, "certification", s => s with { Transitions = [new TransitionDefinition { To = "lost" }] });

        AssertProblem(d, "no won stage is reachable from the initial stage");
    }

    [Fact]
    public void A_lost_stage_must_exist_and_be_reachable()
    {
        var d = Valid() with { Stages = [.. Valid().Stages.Where(s => s.Id != "lost").Select(s => s with { Transitions = [.. s.Transitions.Where(t => t.To != "lost")] })] };

        AssertProblem(d, "no lost stage is reachable from the initial stage");
    }

    [Fact]
    public void A_cycle_with_no_way_out_is_a_dead_end()
    {
        var a = new StageDefinition { Id = "loop-a", Name = "A", Transitions = [new TransitionDefinition { To = "loop-b" }] };
        var b = new StageDefinition { Id = "loop-b", Name = "B", Transitions = [new TransitionDefinition { To = "loop-a" }] };
        var d = WithStage(WithStages(Valid(), a, b), "certification", s => s with { Transitions = [.. s.Transitions, new TransitionDefinition { To = "loop-a" }] });

        AssertProblem(d, "no terminal stage can be reached from 'loop-a', 'loop-b'");
    }

    [Fact]
    public void A_lost_stage_needs_lost_reasons() =>
        AssertProblem(Valid() with { LostReasons = [] }, "lostReasons: a process with a lost stage needs at least one lost reason");

    [Fact]
    public void Lost_reasons_have_no_duplicates_ignoring_case() =>
        AssertProblem(Valid() with { LostReasons = ["price", "Price", "no budget"] }, "lostReasons: duplicate reason 'price'");

    [Fact]
    public void Lost_reasons_are_not_blank() =>
        AssertProblem(Valid() with { LostReasons = ["price", " "] }, "lostReasons: reasons must not be empty");

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Probability_is_between_0_and_1(double probability) =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Probability = probability }), "stages[1] 'proposal': probability");

    [Fact]
    public void A_won_stage_has_probability_1() =>
        AssertProblem(WithStage(Valid(), "won", s => s with { Probability = 0.9 }), "stages[3] 'won': a won stage must have probability 1 (has 0.9)");

    [Fact]
    public void A_lost_stage_has_probability_0() =>
        AssertProblem(WithStage(Valid(), "lost", s => s with { Probability = 0.1 }), "stages[4] 'lost': a lost stage must have probability 0 (has 0.1)");

    [Fact]
    public void Task_ids_are_unique_within_a_stage() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Tasks = [.. s.Tasks, new TaskTemplate { Id = "prepare", Title = "Again", Executor = Owner }] }),
            "stages[1] 'proposal': tasks[2] 'prepare': duplicate task id in this stage");

    [Fact]
    public void Task_ids_may_repeat_across_stages() =>
        Assert.Empty(ProcessValidator.Validate(WithStage(Valid(), "certification", s => s with
        {
            Tasks = [.. s.Tasks, new TaskTemplate { Id = "prepare", Title = "Prepare the visit", Executor = Owner }],
        })));

    [Fact]
    public void Task_ids_are_required() =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Id = "" }] }), "stages[0] 'start': tasks[0] id is required");

    [Fact]
    public void Task_titles_are_required() =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Title = " " }] }), "stages[0] 'start': tasks[0] 'call': title is required");

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(double.PositiveInfinity)]
    public void Task_deadlines_are_positive(double hours) =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { DeadlineHours = hours }] }),
            "stages[0] 'start': tasks[0] 'call': deadlineHours");

    [Theory]
    [InlineData(ExecutorKind.Role, null, null, "executor kind 'role' needs a role")]
    [InlineData(ExecutorKind.Role, "engineer", "anna", "executor kind 'role' must not name a user")]
    [InlineData(ExecutorKind.User, null, null, "executor kind 'user' needs a user")]
    [InlineData(ExecutorKind.User, "engineer", "anna", "executor kind 'user' must not name a role")]
    [InlineData(ExecutorKind.Owner, "engineer", null, "executor kind 'owner' takes neither role nor user")]
    [InlineData(ExecutorKind.Supervisor, null, "anna", "executor kind 'supervisor' takes neither role nor user")]
    public void Executor_rules_are_consistent(ExecutorKind kind, string? role, string? user, string fragment) =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Executor = new ExecutorRule { Kind = kind, Role = role, User = user } }] }),
            $"stages[0] 'start': tasks[0] 'call': {fragment}");

    [Theory]
    [InlineData(ExecutorKind.Role, "warehouse", null)]
    [InlineData(ExecutorKind.User, null, "w.lager")]
    [InlineData(ExecutorKind.Supervisor, null, null)]
    public void Consistent_executor_rules_pass(ExecutorKind kind, string? role, string? user) =>
        Assert.Empty(ProcessValidator.Validate(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Executor = new ExecutorRule { Kind = kind, Role = role, User = user } }] })));

    [Fact]
    public void A_task_needs_an_executor() =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Executor = null! }] }), "tasks[0] 'call': executor is required");

    [Fact]
    public void A_document_gate_needs_a_document_kind() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Document }] }),
            "stages[1] 'proposal': gates[0] (document): documentKind is required");

    [Fact]
    public void A_document_kind_is_lower_case_because_attached_documents_are() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Document, DocumentKind = "Proposal" }] }),
            "gates[0] (document): documentKind 'Proposal' must be lower-case");

    [Fact]
    public void A_field_gate_names_a_defined_field() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Field, Field = "budget" }] }),
            "stages[1] 'proposal': gates[0] (field): unknown field 'budget' (fields: needs, equipmentType)");

    [Fact]
    public void A_field_gate_names_the_field_in_its_defined_spelling() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Field, Field = "Needs" }] }),
            "gates[0] (field): unknown field 'Needs'");

    [Fact]
    public void A_field_gate_needs_a_field() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Field }] }),
            "stages[1] 'proposal': gates[0] (field): field is required");

    [Fact]
    public void A_tasks_done_gate_names_only_tasks_of_its_stage() =>
        AssertProblem(WithStage(Valid(), "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.TasksDone, Tasks = ["approve", "call"] }] }),
            "stages[1] 'proposal': gates[0] (tasksDone): unknown task 'call' (this stage's tasks: prepare, approve)");

    [Fact]
    public void A_tasks_done_gate_for_all_tasks_needs_a_stage_with_tasks() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Tasks = [], Gates = [new GateDefinition { Kind = GateKind.TasksDone }] }),
            "stages[2] 'certification': gates[0] (tasksDone): the stage has no tasks to wait for");

    [Fact]
    public void A_condition_names_a_defined_field() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Transitions = [new TransitionDefinition { To = "won", When = new ConditionDefinition { Field = "colour", In = ["red"] } }, s.Transitions[1]] }),
            "stages[2] 'certification': transition to 'won' when: unknown field 'colour'");

    [Fact]
    public void A_condition_needs_values() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with { Transitions = [new TransitionDefinition { To = "won", When = new ConditionDefinition { Field = "needs", In = [] } }, s.Transitions[1]] }),
            "stages[2] 'certification': transition to 'won' when: the 'in' list must not be empty");

    [Fact]
    public void A_condition_on_a_choice_field_uses_its_choices() =>
        AssertProblem(WithStage(Valid(), "certification", s => s with
        {
            Transitions = [new TransitionDefinition { To = "won", When = new ConditionDefinition { Field = "equipmentType", In = ["Pump", "crane"] } }, s.Transitions[1]],
        }), "transition to 'won' when: 'crane' is not a choice of field 'equipmentType' (pump, climatic, simulation)");

    [Fact]
    public void Choice_values_in_conditions_match_ignoring_case_like_the_deal_does() =>
        Assert.Empty(ProcessValidator.Validate(WithStage(Valid(), "certification", s => s with
        {
            Transitions = [new TransitionDefinition { To = "won", When = new ConditionDefinition { Field = "equipmentType", In = ["PUMP"] } }, s.Transitions[1]],
        })));

    [Fact]
    public void Field_names_are_unique_ignoring_case() =>
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "Needs" }] }, "fields[2] 'Needs': duplicate field name");

    [Fact]
    public void Field_names_are_required() =>
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "" }] }, "fields[2]: name is required");

    [Fact]
    public void A_choice_field_has_choices() =>
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "size", Type = FieldType.Choice }] }, "fields[2] 'size': a choice field needs choices");

    private static ProcessDefinition WithLink(OrderLinkDefinition link) =>
        Valid() with
        {
            Fields = [.. Valid().Fields, new FieldDefinition { Name = "advancePaid", Type = FieldType.Number }],
            OrderLink = link,
        };

    private static OrderLinkDefinition GoodLink => new()
    {
        CreateAt = "proposal",
        PaidField = "advancePaid",
        Moves = [new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "certification" }, new OrderLinkMove { On = OrderLinkTrigger.Completed, To = "won" }],
        LostStage = "lost",
        LostReason = "Price",
    };

    [Fact]
    public void A_complete_order_link_is_valid() => Assert.Empty(ProcessValidator.Validate(WithLink(GoodLink)));

    [Fact]
    public void An_order_link_that_does_nothing_is_reported() =>
        AssertProblem(WithLink(new OrderLinkDefinition()), "orderLink: names no createAt stage, paidField, moves or lostStage");

    [Fact]
    public void The_order_link_makes_its_order_at_a_known_open_stage()
    {
        AssertProblem(WithLink(GoodLink with { CreateAt = "contract" }), "orderLink.createAt 'contract': no such stage");
        AssertProblem(WithLink(GoodLink with { CreateAt = "won" }), "orderLink.createAt 'won': must not be a terminal stage");
    }

    [Fact]
    public void The_paid_field_is_a_defined_number_field()
    {
        AssertProblem(WithLink(GoodLink with { PaidField = "advance" }), "orderLink.paidField: unknown field 'advance'");
        AssertProblem(WithLink(GoodLink with { PaidField = "needs" }), "orderLink.paidField 'needs': must be a number field");
    }

    [Fact]
    public void Order_link_moves_name_known_stages_once_per_trigger_and_never_a_lost_stage()
    {
        AssertProblem(WithLink(GoodLink with { Moves = [new OrderLinkMove { On = OrderLinkTrigger.Shipped, To = "shipped" }] }),
            "orderLink.moves[0]: move on 'shipped' to unknown stage 'shipped'");
        AssertProblem(WithLink(GoodLink with { Moves = [new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "won" }, new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "certification" }] }),
            "orderLink.moves[1]: a second move on 'paid'");
        AssertProblem(WithLink(GoodLink with { Moves = [new OrderLinkMove { On = OrderLinkTrigger.Execution, To = "lost" }] }),
            "orderLink.moves[0]: move on 'execution' to lost stage 'lost' (use lostStage for a cancelled order)");
    }

    [Fact]
    public void The_lost_stage_is_lost_and_its_reason_is_one_of_the_process()
    {
        AssertProblem(WithLink(GoodLink with { LostStage = "won" }), "orderLink.lostStage 'won': must be a lost stage");
        AssertProblem(WithLink(GoodLink with { LostReason = "order cancelled" }), "orderLink.lostReason 'order cancelled': not one of the process's lostReasons");
    }

    [Fact]
    public void The_order_link_needs_a_warehouse_id() =>
        AssertProblem(WithLink(GoodLink with { Warehouse = " " }), "orderLink.warehouse ' ': a warehouse id is required");

    [Fact]
    public void A_choice_field_has_no_duplicate_choices() =>
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "size", Type = FieldType.Choice, Choices = ["s", "S"] }] },
            "fields[2] 'size': duplicate choice 's'");

    [Fact]
    public void Choices_on_a_non_choice_field_are_a_mistake() =>
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "size", Choices = ["s", "m"] }] },
            "fields[2] 'size': choices are only allowed on a choice field (type is text)");

    [Fact]
    public void Escalation_grace_is_not_negative() =>
        AssertProblem(Valid() with { EscalationGraceHours = -1 }, "escalationGraceHours -1: must be 0 or more working hours");

    [Fact]
    public void Escalation_grace_of_zero_is_allowed() =>
        Assert.Empty(ProcessValidator.Validate(Valid() with { EscalationGraceHours = 0 }));

    [Fact]
    public void Automatic_mode_needs_a_transition_that_is_not_manual_only() =>
        AssertProblem(WithStage(Valid(RoutingMode.Automatic), "certification", s => s with { Transitions = [.. s.Transitions.Select(t => t with { ManualOnly = true })] }),
            "stages[2] 'certification': in automatic mode the stage needs a transition that is not manualOnly");

    [Fact]
    public void Automatic_mode_does_not_count_a_move_to_lost_because_routing_never_takes_it() =>
        AssertProblem(WithStage(Valid(RoutingMode.Automatic), "certification", s => s with { Transitions = [new TransitionDefinition { To = "lost" }, new TransitionDefinition { To = "won", ManualOnly = true }] }),
            "stages[2] 'certification': in automatic mode the stage needs a transition");

    [Fact]
    public void Manual_mode_accepts_manual_only_transitions() =>
        Assert.Empty(ProcessValidator.Validate(WithStage(Valid(), "certification", s => s with { Transitions = [.. s.Transitions.Select(t => t with { ManualOnly = true })] })));

    [Fact]
    public void Null_members_give_problems_not_exceptions()
    {
        var d = new ProcessDefinition { Kind = null!, Name = null!, InitialStage = null!, Stages = null!, Fields = null!, LostReasons = null! };

        var problems = ProcessValidator.Validate(d);

        Assert.Contains("kind: is required", problems);
        Assert.Contains("name: is required", problems);
        Assert.Contains("initialStage: is required", problems);
        Assert.Contains("stages: the process needs at least one stage", problems);
    }

    [Fact]
    public void Every_problem_of_a_broken_definition_is_listed_and_EnsureValid_carries_them_all()
    {
        var d = Valid() with
        {
            Kind = "Broken Flow",
            Name = "",
            EscalationGraceHours = -3,
            LostReasons = ["price", "PRICE"],
            Fields = [.. Valid().Fields, new FieldDefinition { Name = "needs" }],
        };
        d = WithStage(d, "start", s => s with
        {
            Tasks = [s.Tasks[0] with { DeadlineHours = 0, Executor = new ExecutorRule { Kind = ExecutorKind.Role } }],
            Transitions = [.. s.Transitions, new TransitionDefinition { To = "foo" }],
        });
        d = WithStage(d, "proposal", s => s with { Gates = [new GateDefinition { Kind = GateKind.Field, Field = "budget" }] });
        d = WithStage(d, "won", s => s with { Probability = 0.5, Transitions = [new TransitionDefinition { To = "start" }] });
        d = WithStages(d, new StageDefinition { Id = "orphan", Name = "Orphan", Transitions = [new TransitionDefinition { To = "won" }] });

        string[] expected =
        [
            "kind 'Broken Flow': use lower-case letters",
            "name: is required",
            "escalationGraceHours -3: must be 0 or more working hours",
            "lostReasons: duplicate reason 'price'",
            "fields[2] 'needs': duplicate field name",
            "stages[0] 'start': tasks[0] 'call': deadlineHours 0 must be more than 0",
            "stages[0] 'start': tasks[0] 'call': executor kind 'role' needs a role",
            "stages[0] 'start': transition to unknown stage 'foo'",
            "stages[1] 'proposal': gates[0] (field): unknown field 'budget'",
            "stages[3] 'won': a won stage must have probability 1 (has 0.5)",
            "stages[3] 'won': a terminal stage must not have transitions",
            "not reachable from initial stage 'start': 'orphan'",
        ];

        var problems = ProcessValidator.Validate(d);
        foreach (var fragment in expected)
        {
            Assert.True(problems.Any(p => p.Contains(fragment, StringComparison.Ordinal)), $"Missing \"{fragment}\" in:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        Assert.Equal(expected.Length, problems.Count);
        var ex = Assert.Throws<ProcessDefinitionException>(() => ProcessValidator.EnsureValid(d));
        Assert.Equal(problems, ex.Problems);
        Assert.Contains($"{expected.Length} problems", ex.Message);
        Assert.Contains("transition to unknown stage 'foo'", ex.Message);
    }

    // ---- who may do what (issue 14: integrity in the domain)

    [Fact]
    public void A_review_stage_left_by_the_supervisor_and_a_review_task_are_valid() =>
        Assert.Empty(ProcessValidator.Validate(WithStage(Valid(), "proposal", s => s with
        {
            LeftBy = StageLeaver.Supervisor,
            Tasks = [.. s.Tasks.Select(t => t.Id == "approve" ? t with { Review = true } : t)],
        })));

    [Fact]
    public void A_review_task_cannot_go_to_the_owner() =>
        AssertProblem(WithStage(Valid(), "start", s => s with { Tasks = [s.Tasks[0] with { Review = true }] }),
            "stages[0] 'start': tasks[0] 'call': a review task cannot go to the deal's owner");

    [Fact]
    public void A_terminal_stage_takes_no_left_by() =>
        AssertProblem(WithStage(Valid(), "won", s => s with { LeftBy = StageLeaver.Supervisor }), "stages[3] 'won': a terminal stage is never left, so it takes no leftBy");

    [Fact]
    public void An_unknown_left_by_is_reported() =>
        AssertProblem(WithStage(Valid(), "start", s => s with { LeftBy = (StageLeaver)7 }), "stages[0] 'start': unknown leftBy 7");

    [Fact]
    public void A_stage_left_by_the_order_needs_an_order_link_that_leads_out_of_it()
    {
        AssertProblem(WithStage(Valid(), "certification", s => s with { LeftBy = StageLeaver.Order }),
            "stages[2] 'certification': leftBy 'order' needs an orderLink");
        AssertProblem(WithStage(WithLink(GoodLink with { Moves = [new OrderLinkMove { On = OrderLinkTrigger.Paid, To = "certification" }] }), "certification", s => s with { LeftBy = StageLeaver.Order }),
            "stages[2] 'certification': leftBy 'order' but no transition leads to a stage an orderLink move goes to");
        Assert.Empty(ProcessValidator.Validate(WithStage(WithLink(GoodLink), "certification", s => s with { LeftBy = StageLeaver.Order })));
    }

    [Fact]
    public void Only_the_paid_field_is_written_by_the_system()
    {
        AssertProblem(Valid() with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "erpCode", WrittenBy = FieldWriter.System }] },
            "fields[2] 'erpCode': writtenBy 'system' is only for the orderLink's paidField");
        AssertProblem(WithLink(GoodLink) with { Fields = [.. Valid().Fields, new FieldDefinition { Name = "advancePaid", Type = FieldType.Number, WrittenBy = FieldWriter.People }] },
            "orderLink.paidField 'advancePaid': is written by the system from the order's payments, not by people");
        Assert.Empty(ProcessValidator.Validate(WithLink(GoodLink) with
        {
            Fields = [.. Valid().Fields, new FieldDefinition { Name = "advancePaid", Type = FieldType.Number, WrittenBy = FieldWriter.System }],
        }));
    }

    [Fact]
    public void The_paid_field_is_the_systems_even_when_not_declared_so()
    {
        var d = WithLink(GoodLink);

        Assert.True(d.IsSystemField("advancePaid"));
        Assert.True(d.IsSystemField("ADVANCEPAID"));
        Assert.False(d.IsSystemField("needs"));
        Assert.True(d.IsEnteredByOrder("won"));
        Assert.False(d.IsEnteredByOrder("proposal"));
    }
}
