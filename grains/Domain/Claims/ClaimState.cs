namespace SalesOrleans.Domain.Claims;

public sealed record ClaimItem(string Sku, string? Name, decimal Quantity);

/// <summary>One entry of the claim's journal: who, when, what.</summary>
public sealed record ClaimActivity(long Seq, DateTimeOffset At, string Actor, string Kind, string Text);

/// <summary>
/// Everything a claim grain persists (its journal included: a claim's life is short). The name is for the long term:
/// stored rows carry no CLR type name.
/// </summary>
public sealed class ClaimState
{
    public Guid Id { get; set; }

    public Guid? OrderId { get; set; }

    public Guid? DealId { get; set; }

    public Guid? CompanyId { get; set; }

    public string Company { get; set; } = "";

    public string Reason { get; set; } = "";

    public string? Description { get; set; }

    public List<ClaimItem> Items { get; set; } = [];

    public string Responsible { get; set; } = "";

    public string? Department { get; set; }

    /// <summary>The manager of the order the claim is about (analytics group by them).</summary>
    public string? Manager { get; set; }

    public ClaimStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset Deadline { get; set; }

    public DateTimeOffset? OverdueAt { get; set; }

    public string? EscalatedTo { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public ClaimResolution? Resolution { get; set; }

    public decimal? Cost { get; set; }

    public string? ResolutionComment { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? ResolvedBy { get; set; }

    public List<ClaimActivity> Journal { get; set; } = [];

    public long Seq { get; set; }
}
