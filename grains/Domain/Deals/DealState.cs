namespace SalesOrleans.Domain.Deals;

/// <summary>
/// Everything a deal grain persists, in one record so that state and outbox are written together
/// (docs/architecture.md, "Storage and follow-up rules"). Plain mutable class: the domain mutates it only after all checks pass.
/// The name is for the long term: stored rows carry no CLR type name (see the storage serializer).
/// </summary>
public sealed class DealState
{
    public Guid Id { get; set; }

    public string Title { get; set; } = "";

    public string ProcessKind { get; set; } = "";

    public int ProcessVersion { get; set; }

    public string Company { get; set; } = "";

    public string? Contact { get; set; }

    /// <summary>The company record the deal is for (null on old deals: <see cref="Company"/> is then only text).</summary>
    public Guid? CompanyId { get; set; }

    /// <summary>The contact record the deal is with, when linked.</summary>
    public Guid? ContactId { get; set; }

    public string Owner { get; set; } = "";

    public string Department { get; set; } = "";

    public decimal Amount { get; set; }

    public string Currency { get; set; } = "EUR";

    public List<DealLine> Lines { get; set; } = [];

    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string Stage { get; set; } = "";

    public DateTimeOffset StageEnteredAt { get; set; }

    /// <summary>How many stages the deal has entered; tells apart two visits of the same stage (loops).</summary>
    public int StageVisit { get; set; }

    public DealStatus Status { get; set; }

    public string? LostReason { get; set; }

    /// <summary>When the owner expects the deal to close (their forecast; the history model has its own).</summary>
    public DateOnly? ExpectedCloseDate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? ClosedAt { get; set; }

    public List<DealTask> Tasks { get; set; } = [];

    public List<DealDocument> Documents { get; set; } = [];

    public List<StageVisitRecord> StageHistory { get; set; } = [];

    /// <summary>The deal's environment: competitors, subcontractors, influential people and how they relate.</summary>
    public List<EnvironmentParty> Environment { get; set; } = [];

    public int NextPartyNumber { get; set; } = 1;

    public int NextTaskNumber { get; set; } = 1;

    /// <summary>Sequence number of the last activity; consumers dedupe on (deal id, seq).</summary>
    public long Seq { get; set; }

    /// <summary>Keys of the latest system journal lines (a call's, an order's), so a retried one is not written twice (<see cref="JournalKeys"/>).</summary>
    public List<string> RecentLogKeys { get; set; } = [];

    /// <summary>Activities written but maybe not yet delivered to consumers; replayed on reactivation.</summary>
    public List<DealActivity> Outbox { get; set; } = [];

    /// <summary>Why the automatic order from the deal's lines could not be made; the deal is blocked while set.</summary>
    public string? OrderProblem { get; set; }

    /// <summary>The deal's order as its sync last told (id, status, total, production readiness).</summary>
    public DealOrderInfo? Order { get; set; }

    /// <summary>The deal whose stage started this one as a sub-process (null for a deal started by a person).</summary>
    public Guid? ParentDealId { get; set; }

    public string? ParentTitle { get; set; }

    /// <summary>The parent's stage that waits for this deal.</summary>
    public string? ParentStage { get; set; }

    /// <summary>The child deals this deal's stages started, and what the deal last heard of each.</summary>
    public List<SubProcessLink> SubProcesses { get; set; } = [];

    public bool Exists => Id != Guid.Empty;
}

public enum DealStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>A position of the deal; <see cref="Discount"/> is a percentage off the price (0–100).</summary>
public sealed record DealLine(string Sku, string? Name, decimal Quantity, decimal Price, decimal Discount = 0)
{
    /// <summary>The unit price after the discount, to the cent.</summary>
    public decimal NetPrice => Discount == 0 ? Price : decimal.Round(Price * (100 - Discount) / 100, 2, MidpointRounding.AwayFromZero);

    public decimal Total => Quantity * NetPrice;
}

/// <summary>What the deal knows of its order.</summary>
public sealed record DealOrderInfo(Guid OrderId, string Status, decimal Total, int? ProductionPercent, DateOnly? ProductionExpectedOn);

public enum SubProcessStatus
{
    /// <summary>Started (or reopened) and not closed yet: the parent's stage waits.</summary>
    Running,

    /// <summary>The child was won: the parent's stage may be left.</summary>
    Won,

    /// <summary>The child was lost: the parent is blocked until it is reopened and won, or the parent takes another way.</summary>
    Lost,

    /// <summary>The child could not be started (the text says why): blocks like a lost one.</summary>
    Failed,
}

/// <summary>A child deal one of this deal's stages started (its id derived from this deal's id, the stage and the visit).</summary>
public sealed class SubProcessLink
{
    public Guid ChildId { get; set; }

    public string Kind { get; set; } = "";

    public string Stage { get; set; } = "";

    public int StageVisit { get; set; }

    public string Owner { get; set; } = "";

    public string Title { get; set; } = "";

    public SubProcessStatus Status { get; set; }

    /// <summary>The lost reason, or why the child could not be started.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }
}

public enum DealTaskStatus
{
    Open,
    Done,
    Cancelled,
}

public sealed class DealTask
{
    public string Id { get; set; } = "";

    /// <summary>The stage's task template id, or a system id such as "lost-review".</summary>
    public string TemplateId { get; set; } = "";

    public string Stage { get; set; } = "";

    public int StageVisit { get; set; }

    public string Title { get; set; } = "";

    public string Executor { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public DealTaskStatus Status { get; set; }

    public string? Result { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedBy { get; set; }

    /// <summary>When the task was flagged overdue (its executor told).</summary>
    public DateTimeOffset? OverdueAt { get; set; }

    /// <summary>When the supervisor is told if the task is still open.</summary>
    public DateTimeOffset? EscalationDueAt { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public string? EscalatedTo { get; set; }

    /// <summary>Seq of the last activity that changed this task; the projector writes only changed tasks.</summary>
    public long UpdatedSeq { get; set; }

    public bool IsOpen => Status == DealTaskStatus.Open;
}

public sealed class DealDocument
{
    public Guid Id { get; set; }

    public string Kind { get; set; } = "";

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string Stage { get; set; } = "";

    public int StageVisit { get; set; }

    public DateTimeOffset AttachedAt { get; set; }

    public string AttachedBy { get; set; } = "";
}

public enum PartyKind
{
    Competitor,
    Subcontractor,
    Influencer,
    Partner,
}

/// <summary>
/// Someone around the deal (окружение сделки). <see cref="RelatesTo"/> is "customer" or another party's id, with
/// <see cref="Relation"/> saying how (e.g. "advises", "competes with", "owned by").
/// </summary>
public sealed record EnvironmentParty(string Id, PartyKind Kind, string Name, string? Role, string? RelatesTo, string? Relation, int Influence, string? Notes)
{
    public const string Customer = "customer";
}

public sealed record StageVisitRecord(string Stage, int Visit, DateTimeOffset EnteredAt, DateTimeOffset? LeftAt, string By);

public enum ActivityKind
{
    Created,
    StageChanged,
    TaskCreated,
    TaskCompleted,
    TaskReassigned,
    TaskCancelled,
    TaskOverdue,
    TaskEscalated,
    DocumentAttached,
    ParametersChanged,
    Note,
    EnvironmentChanged,
    Won,
    Lost,

    /// <summary>A lost deal was reopened by the head of its department or an admin.</summary>
    Reopened,

    /// <summary>Title, amount, currency, expected close date or owner changed.</summary>
    DetailsChanged,

    /// <summary>The deal's lines were replaced (the amount follows them).</summary>
    LinesChanged,

    /// <summary>The automatic order could not be made (the text says why), or was made after all.</summary>
    OrderProblem,

    /// <summary>The order's state reached the deal (amount following the order's total, production readiness).</summary>
    OrderChanged,

    /// <summary>The deal was linked to a company (and contact) record.</summary>
    CompanyLinked,

    /// <summary>A stage started a child deal (subject: the child's id), or this deal was started as one (subject: the parent's id).</summary>
    SubProcessStarted,

    /// <summary>A child deal was won, lost, reopened or could not be started (subject: the child's id).</summary>
    SubProcessChanged,
}

/// <summary>One entry of the deal's journal (журнал движения) and the event consumers receive.</summary>
public sealed record DealActivity(
    long Seq,
    DateTimeOffset At,
    string Actor,
    ActivityKind Kind,
    string Stage,
    string Text,
    string? TaskId = null,
    string? Subject = null);
