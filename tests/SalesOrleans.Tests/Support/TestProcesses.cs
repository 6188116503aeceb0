using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// A small process with every feature the stage machine has: task fan-out to owner, supervisor, role and named user;
/// task, document and field gates; a conditional stage; a loop back; Won and Lost.
/// </summary>
public static class TestProcesses
{
    public const string Kind = "test-flow";
    public const string AutoKind = "test-flow-auto";

    public static ProcessDefinition Manual(double deadlineHours = 2, double graceHours = 1) => new()
    {
        Kind = Kind,
        Version = 1,
        Name = "Test flow",
        Mode = RoutingMode.Manual,
        InitialStage = "qualify",
        EscalationGraceHours = graceHours,
        LostReasons = ["price", "competitor"],
        Fields =
        [
            new FieldDefinition { Name = "needs", Label = "Needs", Type = FieldType.Text },
            new FieldDefinition { Name = "equipmentType", Type = FieldType.Choice, Choices = ["press", "crane", "pump"] },
            new FieldDefinition { Name = "quantity", Type = FieldType.Number },
        ],
        Stages =
        [
            new StageDefinition
            {
                Id = "qualify", Name = "Qualification", Probability = 0.1,
                Tasks = [new TaskTemplate { Id = "call", Title = "Call the client", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = deadlineHours }],
                Gates = [new GateDefinition { Kind = GateKind.TasksDone }],
                Transitions = [new TransitionDefinition { To = "proposal" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition
            {
                Id = "proposal", Name = "Proposal", Probability = 0.4,
                Tasks =
                [
                    new TaskTemplate { Id = "prepare", Title = "Prepare the proposal", Executor = new ExecutorRule { Kind = ExecutorKind.Owner }, DeadlineHours = deadlineHours * 2 },
                    new TaskTemplate { Id = "approve", Title = "Approve the discount", Executor = new ExecutorRule { Kind = ExecutorKind.Supervisor }, DeadlineHours = deadlineHours * 3 },
                ],
                Gates =
                [
                    new GateDefinition { Kind = GateKind.Document, DocumentKind = "proposal" },
                    new GateDefinition { Kind = GateKind.Field, Field = "needs" },
                ],
                Transitions =
                [
                    new TransitionDefinition { To = "certification", When = new ConditionDefinition { Field = "equipmentType", In = ["press", "crane"] } },
                    new TransitionDefinition { To = "delivery", When = new ConditionDefinition { Field = "equipmentType", In = ["press", "crane"], Not = true } },
                    new TransitionDefinition { To = "qualify", SkipGates = true, ManualOnly = true },
                    new TransitionDefinition { To = "lost" },
                ],
            },
            new StageDefinition
            {
                Id = "certification", Name = "Certification", Probability = 0.7,
                Tasks = [new TaskTemplate { Id = "certify", Title = "Certify the equipment", Executor = new ExecutorRule { Kind = ExecutorKind.Role, Role = "engineer" }, DeadlineHours = deadlineHours }],
                Gates = [new GateDefinition { Kind = GateKind.TasksDone }],
                Transitions = [new TransitionDefinition { To = "delivery" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition
            {
                Id = "delivery", Name = "Delivery", Probability = 0.9,
                Tasks = [new TaskTemplate { Id = "ship", Title = "Ship the goods", Executor = new ExecutorRule { Kind = ExecutorKind.User, User = "w.lager" }, DeadlineHours = deadlineHours }],
                Gates = [new GateDefinition { Kind = GateKind.TasksDone }],
                Transitions = [new TransitionDefinition { To = "won" }, new TransitionDefinition { To = "lost" }],
            },
            new StageDefinition { Id = "won", Name = "Won", Probability = 1, Outcome = StageOutcome.Won },
            new StageDefinition { Id = "lost", Name = "Lost", Probability = 0, Outcome = StageOutcome.Lost },
        ],
    };

    public static ProcessDefinition Automatic(double deadlineHours = 2, double graceHours = 1) =>
        Manual(deadlineHours, graceHours) with { Kind = AutoKind, Name = "Test flow (automatic)", Mode = RoutingMode.Automatic };
}
