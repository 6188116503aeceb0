namespace SalesOrleans.Domain.Processes;

/// <summary>
/// A versioned process definition (вид процесса). Pure data: loaded from JSON, validated by
/// <see cref="ProcessValidator"/>, interpreted by the deal stage machine. A running deal keeps the
/// version it started with, so a published version is never edited, only superseded.
/// </summary>
public sealed record ProcessDefinition
{
    /// <summary>Stable identifier of the process kind, e.g. "training-sales". Lower-case, dashes.</summary>
    public required string Kind { get; init; }

    /// <summary>Assigned on publish (1, 2, …); 0 in a draft that has not been published yet.</summary>
    public int Version { get; init; }

    public required string Name { get; init; }

    /// <summary>The name in other languages by language code ("ru", "de"); the name itself is the English (neutral) one.</summary>
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();

    public string? Description { get; init; }

    /// <summary>Automatic: a stage is left by itself once its tasks are done and its gates pass. Manual: the owner moves the deal (still gated).</summary>
    public RoutingMode Mode { get; init; } = RoutingMode.Manual;

    public required string InitialStage { get; init; }

    /// <summary>Deal parameters the process knows about; gates and conditions may only name these.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; init; } = [];

    /// <summary>Reasons a deal may be lost with; moving to a Lost stage needs one of them.</summary>
    public IReadOnlyList<string> LostReasons { get; init; } = [];

    /// <summary>Lost reasons in other languages: reason → language code → text. A deal still stores the reason itself.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> LostReasonNames { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Working hours after an overdue task's executor was told before its supervisor is told.</summary>
    public double EscalationGraceHours { get; init; } = 4;

    public required IReadOnlyList<StageDefinition> Stages { get; init; }

    /// <summary>How the process's deals hand over to customer orders and how the order then moves the deal; null: no link.</summary>
    public OrderLinkDefinition? OrderLink { get; init; }

    /// <summary>
    /// Who makes the satisfaction call after a won deal: "owner" (the deal's owner) or a role of the deal's department;
    /// null: the node's setting (Satisfaction:Role).
    /// </summary>
    public string? SatisfactionRole { get; init; }

    /// <summary>The process kinds this version's stages start as sub-processes.</summary>
    public IEnumerable<string> SubProcessKinds() =>
        (Stages ?? []).Where(s => s?.SubProcess?.Kind is not null).Select(s => s.SubProcess!.Kind).Distinct(StringComparer.Ordinal);

    public StageDefinition? FindStage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    public StageDefinition Stage(string id) =>
        FindStage(id) ?? throw new InvalidOperationException($"Process {Kind} v{Version} has no stage '{id}'.");

    /// <summary>
    /// Whether only the system writes the deal parameter: a field declared <c>writtenBy: system</c> or the order link's
    /// paid field (the amount paid comes from the order's payments, never from a person typing it).
    /// </summary>
    public bool IsSystemField(string name) =>
        string.Equals(OrderLink?.PaidField, name, StringComparison.OrdinalIgnoreCase)
        || Fields.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) && f.WrittenBy == FieldWriter.System);

    /// <summary>Whether the order link moves deals into the stage: then the order's state, not a person, brings a deal there.</summary>
    public bool IsEnteredByOrder(string stageId) => OrderLink?.Moves.Any(m => m.To == stageId) ?? false;
}

public enum RoutingMode
{
    Manual,
    Automatic,
}

public enum StageOutcome
{
    Won,
    Lost,
}

public enum FieldType
{
    Text,
    Number,
    Choice,
}

/// <summary>Who writes a deal parameter.</summary>
public enum FieldWriter
{
    /// <summary>People with the right to change the deal (the default).</summary>
    People,

    /// <summary>Only the node itself (e.g. the amount paid, from the order's payments); a person's write is refused.</summary>
    System,
}

/// <summary>Who may move a deal out of a stage by hand.</summary>
public enum StageLeaver
{
    /// <summary>The deal's owner or a supervisor (the default).</summary>
    Owner,

    /// <summary>The head of the deal's department (or an admin), never the owner: the stage reviews the owner's work (four-eyes).</summary>
    Supervisor,

    /// <summary>Only the deal's order: its state moves the deal on (a cancelled order loses it); no person moves it.</summary>
    Order,
}

/// <summary>A deal parameter (application area, equipment type, needs, legal details, …).</summary>
public sealed record FieldDefinition
{
    public required string Name { get; init; }

    public string? Label { get; init; }

    /// <summary>The label in other languages by language code.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public FieldType Type { get; init; } = FieldType.Text;

    /// <summary>Allowed values of a <see cref="FieldType.Choice"/> field.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Who writes it; null: people (see <see cref="FieldWriter"/>).</summary>
    public FieldWriter? WrittenBy { get; init; }
}

/// <summary>One step of a process (этап).</summary>
public sealed record StageDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The name in other languages by language code ("ru", "de"); the name itself is the English (neutral) one.</summary>
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();

    /// <summary>Win probability of a deal standing in this stage, 0..1 (the funnel's prior).</summary>
    public double Probability { get; init; }

    /// <summary>Set on terminal stages only; a terminal stage has no tasks-to-leave and no transitions.</summary>
    public StageOutcome? Outcome { get; init; }

    /// <summary>Tasks fanned out when the stage is entered (веер задач).</summary>
    public IReadOnlyList<TaskTemplate> Tasks { get; init; } = [];

    /// <summary>What the stage needs before it may be left (forward).</summary>
    public IReadOnlyList<GateDefinition> Gates { get; init; } = [];

    /// <summary>Where a deal may go from here, in priority order (automatic routing takes the first that applies).</summary>
    public IReadOnlyList<TransitionDefinition> Transitions { get; init; } = [];

    /// <summary>Who may move a deal out of this stage by hand; null: the owner or a supervisor (see <see cref="StageLeaver"/>).</summary>
    public StageLeaver? LeftBy { get; init; }

    /// <summary>
    /// Entering the stage starts a child deal of another published process kind; the stage is not left forward until
    /// that child is won (a lost child blocks it visibly). Null: no sub-process.
    /// </summary>
    public SubProcessDefinition? SubProcess { get; init; }

    public bool IsTerminal => Outcome is not null;
}

/// <summary>
/// A sub-process a stage starts (подпроцесс): a child deal run by the newest published version of <see cref="Kind"/>,
/// for the parent's company, contact and department. Its owner is the parent's owner, or someone holding
/// <see cref="OwnerRole"/> in the parent's department.
/// </summary>
public sealed record SubProcessDefinition
{
    /// <summary>The process kind the child deal runs (e.g. "certification"); must be published, and never lead back to this process.</summary>
    public required string Kind { get; init; }

    /// <summary>Null or "owner": the parent deal's owner owns the child; otherwise a role picked in the parent's department.</summary>
    public string? OwnerRole { get; init; }
}

public sealed record TaskTemplate
{
    /// <summary>Unique within the stage; gates name tasks by it.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The title in other languages by language code ("ru", "de"); the title itself is the English (neutral) one.</summary>
    public IReadOnlyDictionary<string, string> Titles { get; init; } = new Dictionary<string, string>();

    public required ExecutorRule Executor { get; init; }

    /// <summary>Deadline as working hours of the executor's calendar from the moment the task is made.</summary>
    public double DeadlineHours { get; init; } = 8;

    /// <summary>
    /// The task reviews the deal owner's work, so the owner never completes it (four-eyes). Null: a task given to the
    /// head of department is a review, others are not.
    /// </summary>
    public bool? Review { get; init; }

    public bool IsReview => Review ?? Executor?.Kind == ExecutorKind.Supervisor;
}

public enum ExecutorKind
{
    /// <summary>The deal's owner (responsible manager).</summary>
    Owner,

    /// <summary>Someone holding <see cref="ExecutorRule.Role"/> (in the deal's department when there is one).</summary>
    Role,

    /// <summary>The named user <see cref="ExecutorRule.User"/>.</summary>
    User,

    /// <summary>The supervisor (head) of the deal's department.</summary>
    Supervisor,
}

public sealed record ExecutorRule
{
    public ExecutorKind Kind { get; init; } = ExecutorKind.Owner;

    public string? Role { get; init; }

    public string? User { get; init; }
}

public enum GateKind
{
    /// <summary>A document of <see cref="GateDefinition.DocumentKind"/> is attached to the stage.</summary>
    Document,

    /// <summary>The deal parameter <see cref="GateDefinition.Field"/> is filled.</summary>
    Field,

    /// <summary>The stage's tasks named in <see cref="GateDefinition.Tasks"/> are done (all of the stage's tasks when empty).</summary>
    TasksDone,
}

public sealed record GateDefinition
{
    public GateKind Kind { get; init; }

    public string? DocumentKind { get; init; }

    public string? Field { get; init; }

    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>Optional human text shown when the gate is unmet; a default is derived otherwise.</summary>
    public string? Description { get; init; }
}

public sealed record TransitionDefinition
{
    public required string To { get; init; }

    /// <summary>Only allowed when the deal's parameters match (conditional stages, e.g. certification for some equipment types).</summary>
    public ConditionDefinition? When { get; init; }

    /// <summary>A loop back or side exit that needs no gates (e.g. "proposal re-agreed after feedback"). Moves to a Lost stage never need gates.</summary>
    public bool SkipGates { get; init; }

    /// <summary>Automatic routing never takes this transition by itself (a branch a person chooses).</summary>
    public bool ManualOnly { get; init; }
}

public sealed record ConditionDefinition
{
    public required string Field { get; init; }

    /// <summary>The condition holds when the field's value is one of these (case-insensitive).</summary>
    public IReadOnlyList<string> In { get; init; } = [];

    /// <summary>Negates the test: holds when the value is NOT one of <see cref="In"/> (or the field is empty).</summary>
    public bool Not { get; init; }

    public bool Holds(IReadOnlyDictionary<string, string> parameters)
    {
        var inList = parameters.TryGetValue(Field, out var value)
            && !string.IsNullOrWhiteSpace(value)
            && In.Any(v => string.Equals(v, value.Trim(), StringComparison.OrdinalIgnoreCase));
        return Not ? !inList : inList;
    }
}

/// <summary>What of a linked order moves the deal, in the order an order usually goes through them.</summary>
public enum OrderLinkTrigger
{
    /// <summary>A payment was registered on the order (an advance is enough).</summary>
    Paid,

    /// <summary>The order entered execution.</summary>
    Execution,

    /// <summary>Everything was shipped.</summary>
    Shipped,

    /// <summary>The order is shipped and fully paid.</summary>
    Completed,
}

/// <summary>
/// The deal–order link (Заказ клиента from a deal): which stage makes the order from the deal's lines, what the
/// order's payments fill in, and which order states move the deal where. Part of the versioned definition, so a
/// running deal keeps the link its version had.
/// </summary>
public sealed record OrderLinkDefinition
{
    /// <summary>Entering this stage makes a customer order from the deal's lines; none: orders are made by hand with the deal's id.</summary>
    public string? CreateAt { get; init; }

    /// <summary>The warehouse the made order ships from.</summary>
    public string Warehouse { get; init; } = "main";

    /// <summary>Send the made order for approval at once (the ERP side approves it).</summary>
    public bool Submit { get; init; } = true;

    /// <summary>A number field that always holds the amount paid on the order (e.g. the advance a gate waits for).</summary>
    public string? PaidField { get; init; }

    /// <summary>Order state → deal stage; the deal is moved through each reached one in turn.</summary>
    public IReadOnlyList<OrderLinkMove> Moves { get; init; } = [];

    /// <summary>A cancelled or rejected order loses the deal into this stage with <see cref="LostReason"/>.</summary>
    public string? LostStage { get; init; }

    public string LostReason { get; init; } = "order cancelled";

    /// <summary>The approval route of the process's orders (steps, roles, conditions); none: the default route. No steps: no approval.</summary>
    public Orders.ApprovalRoute? Approval { get; init; }
}

public sealed record OrderLinkMove
{
    public OrderLinkTrigger On { get; init; }

    public required string To { get; init; }
}
