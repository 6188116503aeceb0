namespace SalesOrleans;

/// <summary>
/// A claim (Претензия / Reklamation): a customer's complaint about a shipped order or about the customer relationship,
/// with its reason, items, responsible person, deadline on the responsible's working calendar, escalation when overdue
/// and a resolution. Keyed by a Guid.
/// </summary>
[Alias("SalesOrleans.IClaimGrain")]
public interface IClaimGrain : IGrainWithGuidKey
{
    /// <summary>Opens the claim (a repeat with the same content answers the claim as it is).</summary>
    [Alias("Open")]
    Task<ClaimResult> Open(OpenClaimCommand command, ActorInfo actor);

    [Alias("Get")]
    Task<ClaimView?> Get();

    /// <summary>Hands the claim to another responsible person; the deadline stays.</summary>
    [Alias("Assign")]
    Task<ClaimResult> Assign(string responsible, string? comment, ActorInfo actor);

    /// <summary>Escalates to the head of the responsible's department by hand (the deadline does the same by itself).</summary>
    [Alias("Escalate")]
    Task<ClaimResult> Escalate(string? comment, ActorInfo actor);

    [Alias("Resolve")]
    Task<ClaimResult> Resolve(ResolveClaimCommand command, ActorInfo actor);

    [Alias("AddNote")]
    Task<ClaimResult> AddNote(string text, ActorInfo actor);
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.ClaimItemView")]
public sealed record ClaimItemView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string? Name,
    [property: Id(2)] decimal Quantity);

[GenerateSerializer, Immutable, Alias("SalesOrleans.OpenClaimCommand")]
public sealed record OpenClaimCommand(
    [property: Id(0)] Guid? OrderId,
    [property: Id(1)] Guid? CompanyId,
    [property: Id(2)] string? Company,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? Description,
    [property: Id(5)] IReadOnlyList<ClaimItemView>? Items,
    [property: Id(6)] string? Responsible,
    [property: Id(7)] double? DeadlineHours);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ResolveClaimCommand")]
public sealed record ResolveClaimCommand(
    [property: Id(0)] string Resolution,
    [property: Id(1)] decimal? Cost,
    [property: Id(2)] string? Comment);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ClaimActivityView")]
public sealed record ClaimActivityView(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Text);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ClaimView")]
public sealed record ClaimView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid? OrderId,
    [property: Id(2)] Guid? DealId,
    [property: Id(3)] Guid? CompanyId,
    [property: Id(4)] string Company,
    [property: Id(5)] string Reason,
    [property: Id(6)] string? Description,
    [property: Id(7)] IReadOnlyList<ClaimItemView> Items,
    [property: Id(8)] string Responsible,
    [property: Id(9)] string? Department,
    [property: Id(10)] string Status,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] string CreatedBy,
    [property: Id(13)] DateTimeOffset Deadline,
    [property: Id(14)] DateTimeOffset? OverdueAt,
    [property: Id(15)] string? EscalatedTo,
    [property: Id(16)] DateTimeOffset? EscalatedAt,
    [property: Id(17)] string? Resolution,
    [property: Id(18)] decimal? Cost,
    [property: Id(19)] string? ResolutionComment,
    [property: Id(20)] DateTimeOffset? ResolvedAt,
    [property: Id(21)] string? ResolvedBy,
    [property: Id(22)] string? Manager,
    [property: Id(23)] IReadOnlyList<ClaimActivityView> Journal,
    [property: Id(24)] long Seq);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ClaimResult")]
public sealed record ClaimResult([property: Id(0)] ClaimView? Claim, [property: Id(1)] CommandError? Error)
{
    public bool Ok => Error is null;
}

/// <summary>Links a deal to its company (and contact) record; the names are kept for display and old data.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.LinkCompanyCommand")]
public sealed record LinkCompanyCommand(
    [property: Id(0)] Guid CompanyId,
    [property: Id(1)] string CompanyName,
    [property: Id(2)] Guid? ContactId,
    [property: Id(3)] string? ContactName);
