namespace SalesOrleans;

/// <summary>A deal: one opportunity running its process's stage machine (Сделка). Keyed by a Guid.</summary>
[Alias("SalesOrleans.IDealGrain")]
public interface IDealGrain : IGrainWithGuidKey, IFollowUpGrain
{
    [Alias("Create")]
    Task<DealResult> Create(CreateDealCommand command, ActorInfo actor);

    [Alias("Get")]
    Task<DealView?> Get();

    [Alias("Move")]
    Task<DealResult> Move(MoveDealCommand command, ActorInfo actor);

    /// <summary>The head of the department or an admin reopens a lost deal in the stage it was lost from.</summary>
    [Alias("Reopen")]
    Task<DealResult> Reopen(ReopenDealCommand command, ActorInfo actor);

    /// <summary>Title, amount, currency, expected close date or owner, while the deal is open and has no order.</summary>
    [Alias("ChangeDetails")]
    Task<DealResult> ChangeDetails(ChangeDealDetailsCommand command, bool orderExists, ActorInfo actor);

    [Alias("CompleteTask")]
    Task<DealResult> CompleteTask(CompleteTaskCommand command, ActorInfo actor);

    [Alias("ReassignTask")]
    Task<DealResult> ReassignTask(ReassignTaskCommand command, ActorInfo actor);

    [Alias("AttachDocument")]
    Task<DealResult> AttachDocument(AttachDocumentCommand command, ActorInfo actor);

    [Alias("SetParameters")]
    Task<DealResult> SetParameters(SetParametersCommand command, ActorInfo actor);

    [Alias("AddNote")]
    Task<DealResult> AddNote(AddNoteCommand command, ActorInfo actor);

    [Alias("SetParty")]
    Task<DealResult> SetParty(EnvironmentPartyView party, ActorInfo actor);

    [Alias("RemoveParty")]
    Task<DealResult> RemoveParty(string partyId, ActorInfo actor);

    /// <summary>
    /// Asked by an order that names this deal before it is made: the deal refuses (Forbidden/NotFound) unless the
    /// order's creator may change it. Changes nothing.
    /// </summary>
    [Alias("AcceptOrderLink")]
    Task<CommandError?> AcceptOrderLink(Guid orderId, ActorInfo creator);

    /// <summary>Replaces the deal's lines (the amount follows them); refused once the deal has an order.</summary>
    [Alias("SetLines")]
    Task<DealResult> SetLines(SetDealLinesCommand command, bool orderExists, ActorInfo actor);

    /// <summary>
    /// The automatic order could not be made: the deal says why, is blocked, and its owner and the department head get
    /// a task. One-way: the deal's own publication reports it, so the call must not wait for the deal's turn.
    /// </summary>
    [Alias("ReportOrderProblem"), OneWay]
    Task ReportOrderProblem(string problem);

    /// <summary>The order's state as the deal shows it; clears an order problem (the order exists now).</summary>
    [Alias("ApplyOrderState")]
    Task<DealResult> ApplyOrderState(DealOrderStateCommand command);

    /// <summary>Points the deal at its company (and contact) record.</summary>
    [Alias("LinkCompany")]
    Task<DealResult> LinkCompany(LinkCompanyCommand command, ActorInfo actor);

    /// <summary>
    /// A child deal this deal's stage started reports its state (Won, Lost with its reason, Open when reopened): the
    /// stage waiting for it moves on, or is blocked with a task for the owner. Repeats change nothing.
    /// </summary>
    [Alias("ApplySubProcessState")]
    Task<DealResult> ApplySubProcessState(SubProcessStateCommand command);

    /// <summary>
    /// The same, one-way: used where the caller runs inside this deal's own call chain (the deal's publication starting
    /// the child, or the child's creation), so it must not wait for this deal's turn.
    /// </summary>
    [Alias("TellSubProcessState"), OneWay]
    Task TellSubProcessState(SubProcessStateCommand command);
}

/// <summary>A child deal's state as its parent hears it: Open (running, or reopened), Won, Lost (with the reason) or Failed (could not be started).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.SubProcessStateCommand")]
public sealed record SubProcessStateCommand([property: Id(0)] Guid ChildId, [property: Id(1)] string Status, [property: Id(2)] string? Reason);

/// <summary>The deal that started this one as a sub-process, and the stage of it that waits.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.DealParentView")]
public sealed record DealParentView([property: Id(0)] Guid DealId, [property: Id(1)] string Title, [property: Id(2)] string Stage);

/// <summary>A child deal one of this deal's stages started: Running, Won, Lost or Failed (the reason says why).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.DealSubProcessView")]
public sealed record DealSubProcessView(
    [property: Id(0)] Guid DealId,
    [property: Id(1)] string ProcessKind,
    [property: Id(2)] string Stage,
    [property: Id(3)] string Title,
    [property: Id(4)] string Owner,
    [property: Id(5)] string Status,
    [property: Id(6)] string? Reason,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] DateTimeOffset? ClosedAt);

/// <summary>A competitor, subcontractor, influential person or partner around the deal; an empty id adds one.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.EnvironmentPartyView")]
public sealed record EnvironmentPartyView(
    [property: Id(0)] string? Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Role,
    [property: Id(4)] string? RelatesTo,
    [property: Id(5)] string? Relation,
    [property: Id(6)] int Influence,
    [property: Id(7)] string? Notes);

/// <summary>Who issues a command: the user and their roles (the domain decides what they may do).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ActorInfo")]
public sealed record ActorInfo([property: Id(0)] string User, [property: Id(1)] IReadOnlyList<string> Roles);

[GenerateSerializer, Immutable, Alias("SalesOrleans.DealLineView")]
public sealed record DealLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string? Name,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] decimal Price,
    [property: Id(4)] decimal Discount = 0);

[GenerateSerializer, Immutable, Alias("SalesOrleans.CreateDealCommand")]
public sealed record CreateDealCommand(
    [property: Id(0)] string ProcessKind,
    [property: Id(1)] string Title,
    [property: Id(2)] string Company,
    [property: Id(3)] string? Contact,
    [property: Id(4)] string Owner,
    [property: Id(5)] string Department,
    [property: Id(6)] decimal? Amount,
    [property: Id(7)] string? Currency,
    [property: Id(8)] IReadOnlyList<DealLineView>? Lines,
    [property: Id(9)] IReadOnlyDictionary<string, string>? Parameters,
    [property: Id(40)] Guid? CompanyId = null,
    [property: Id(41)] Guid? ContactId = null,
    [property: Id(42)] DealParentView? Parent = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.MoveDealCommand")]
public sealed record MoveDealCommand(
    [property: Id(0)] string ToStage,
    [property: Id(1)] string? LostReason = null,
    [property: Id(2)] string? Comment = null,
    [property: Id(3)] bool CancelOpenTasks = false);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReopenDealCommand")]
public sealed record ReopenDealCommand([property: Id(0)] string? Comment);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ChangeDealDetailsCommand")]
public sealed record ChangeDealDetailsCommand(
    [property: Id(0)] string? Title,
    [property: Id(1)] decimal? Amount,
    [property: Id(2)] string? Currency,
    [property: Id(3)] DateOnly? ExpectedCloseDate,
    [property: Id(4)] string? Owner);

[GenerateSerializer, Immutable, Alias("SalesOrleans.CompleteTaskCommand")]
public sealed record CompleteTaskCommand([property: Id(0)] string TaskId, [property: Id(1)] string? Result);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReassignTaskCommand")]
public sealed record ReassignTaskCommand([property: Id(0)] string TaskId, [property: Id(1)] string Executor, [property: Id(2)] string? Reason);

[GenerateSerializer, Immutable, Alias("SalesOrleans.AttachDocumentCommand")]
public sealed record AttachDocumentCommand(
    [property: Id(0)] Guid DocumentId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string FileName,
    [property: Id(3)] string ContentType,
    [property: Id(4)] long Size);

[GenerateSerializer, Immutable, Alias("SalesOrleans.SetParametersCommand")]
public sealed record SetParametersCommand([property: Id(0)] IReadOnlyDictionary<string, string?> Values);

/// <param name="Key">The system's own notes only (a call's, an order's, an inquiry's): derived from their cause, so a retried note is written once.</param>
[GenerateSerializer, Immutable, Alias("SalesOrleans.AddNoteCommand")]
public sealed record AddNoteCommand([property: Id(0)] string Text, [property: Id(1)] string? Key = null);

/// <summary>Either the deal after the command or the reason it was refused.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.DealResult")]
public sealed record DealResult([property: Id(0)] DealView? Deal, [property: Id(1)] CommandError? Error)
{
    public bool Ok => Error is null;
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.DealTaskView")]
public sealed record DealTaskView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Stage,
    [property: Id(2)] string Title,
    [property: Id(3)] string Executor,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset Deadline,
    [property: Id(7)] DateTimeOffset? OverdueAt,
    [property: Id(8)] DateTimeOffset? EscalatedAt,
    [property: Id(9)] string? EscalatedTo,
    [property: Id(10)] DateTimeOffset? CompletedAt,
    [property: Id(11)] string? CompletedBy,
    [property: Id(12)] string? Result,
    [property: Id(13)] long UpdatedSeq,
    [property: Id(14)] string? TemplateId = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.DealDocumentView")]
public sealed record DealDocumentView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string FileName,
    [property: Id(3)] string ContentType,
    [property: Id(4)] long Size,
    [property: Id(5)] string Stage,
    [property: Id(6)] DateTimeOffset AttachedAt,
    [property: Id(7)] string AttachedBy);

[GenerateSerializer, Immutable, Alias("SalesOrleans.StuckOnView")]
public sealed record StuckOnView(
    [property: Id(0)] string User,
    [property: Id(1)] DateTimeOffset Since,
    [property: Id(2)] string? TaskId,
    [property: Id(3)] string? TaskTitle);

[GenerateSerializer, Immutable, Alias("SalesOrleans.DealView")]
public sealed record DealView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string ProcessKind,
    [property: Id(3)] int ProcessVersion,
    [property: Id(4)] string Company,
    [property: Id(5)] string? Contact,
    [property: Id(6)] string Owner,
    [property: Id(7)] string Department,
    [property: Id(8)] decimal Amount,
    [property: Id(9)] string Currency,
    [property: Id(10)] IReadOnlyList<DealLineView> Lines,
    [property: Id(11)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(12)] string Stage,
    [property: Id(13)] string StageName,
    [property: Id(14)] DateTimeOffset StageEnteredAt,
    [property: Id(15)] double Probability,
    [property: Id(16)] string Status,
    [property: Id(17)] string? LostReason,
    [property: Id(18)] IReadOnlyList<DealTaskView> Tasks,
    [property: Id(19)] IReadOnlyList<DealDocumentView> Documents,
    [property: Id(20)] StuckOnView? StuckOn,
    [property: Id(21)] IReadOnlyList<string> AllowedMoves,
    [property: Id(22)] IReadOnlyList<string> MissingToLeave,
    [property: Id(23)] long Seq,
    [property: Id(24)] DateTimeOffset CreatedAt,
    [property: Id(25)] DateTimeOffset? ClosedAt,
    [property: Id(26)] IReadOnlyList<EnvironmentPartyView> Environment,
    [property: Id(27)] WinEstimate? Win = null,
    [property: Id(28)] IReadOnlyList<DealTaskView>? CancelledTasks = null,
    [property: Id(29)] DateOnly? ExpectedCloseDate = null,
    [property: Id(30)] DealOrderInfoView? Order = null,
    [property: Id(40)] Guid? CompanyId = null,
    [property: Id(41)] Guid? ContactId = null,
    [property: Id(42)] DealParentView? Parent = null,
    [property: Id(43)] IReadOnlyList<DealSubProcessView>? SubProcesses = null);

/// <summary>
/// The deal's side of its order (filled from the order's sync): why the automatic order failed (the deal is blocked
/// until it is fixed), the order's total and status, the difference to the deal's amount, and production readiness.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.DealOrderInfoView")]
public sealed record DealOrderInfoView(
    [property: Id(0)] string? OrderProblem,
    [property: Id(1)] Guid? OrderId,
    [property: Id(2)] string? OrderStatus,
    [property: Id(3)] decimal? OrderTotal,
    [property: Id(4)] decimal? Difference,
    [property: Id(5)] int? ProductionPercent,
    [property: Id(6)] DateOnly? ProductionExpectedOn);

/// <summary>The deal's lines as a whole (replaces them); allowed while the deal is open and has no order.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.SetDealLinesCommand")]
public sealed record SetDealLinesCommand([property: Id(0)] IReadOnlyList<DealLineView> Lines);

/// <summary>What the deal's order tells the deal (its sync): the deal's amount follows the order's total.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.DealOrderStateCommand")]
public sealed record DealOrderStateCommand(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string Status,
    [property: Id(2)] decimal Total,
    [property: Id(3)] int? ProductionPercent,
    [property: Id(4)] DateOnly? ProductionExpectedOn);

/// <summary>
/// A deal's win probability as shown on its card and the board: the history model's score ("model") or, while the
/// process has too little history or the deal has entered a stage since the last refresh, its stage's ("stage").
/// The grain knows only the stage; the API fills this from the read model.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.WinEstimate")]
public sealed record WinEstimate(
    [property: Id(0)] double Probability,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset? ScoredAt,
    [property: Id(3)] DateOnly? ExpectedClose);
