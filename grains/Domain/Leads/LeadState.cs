namespace SalesOrleans.Domain.Leads;

/// <summary>
/// Everything a lead grain persists, state and outbox in one record (docs/architecture.md, "Storage and follow-up rules"). Mutated only by
/// <see cref="Lead"/> after all its checks pass. Stored without CLR type names (see the storage serializer).
/// </summary>
public sealed class LeadState
{
    public Guid Id { get; set; }

    public LeadChannel Channel { get; set; }

    public LeadStatus Status { get; set; }

    public Guid ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public string? Name { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? Company { get; set; }

    public string? Need { get; set; }

    /// <summary>Segment fields from the first inquiry (marketing exports): the region the sender named, the equipment type asked about.</summary>
    public string? Region { get; set; }

    public string? EquipmentType { get; set; }

    public string InquiryKey { get; set; } = "";

    /// <summary>The department whose queue holds the lead; <see cref="Lead.Triage"/> until the head of sales routes it.</summary>
    public string Department { get; set; } = Lead.Triage;

    public string? Assignee { get; set; }

    public string? AssignmentReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AssignedAt { get; set; }

    public DateTimeOffset? FirstContactAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? DisqualifyReason { get; set; }

    public Guid? DealId { get; set; }

    public string? ProcessKind { get; set; }

    public DateTimeOffset? AssignDueAt { get; set; }

    public DateTimeOffset? FirstContactDueAt { get; set; }

    public DateTimeOffset? AssignBreachedAt { get; set; }

    public DateTimeOffset? FirstContactBreachedAt { get; set; }

    /// <summary>Every inquiry that reached the lead, the first one included (bounded, see <see cref="Lead.MaxInquiries"/>).</summary>
    public List<LeadInquiry> Inquiries { get; set; } = [];

    public long Seq { get; set; }

    /// <summary>Keys of the latest system journal lines (a call's), so a retried one is not written twice (<see cref="JournalKeys"/>).</summary>
    public List<string> RecentLogKeys { get; set; } = [];

    public List<LeadActivity> Outbox { get; set; } = [];

    public bool Exists => Id != Guid.Empty;

    public bool IsOpen => Status is LeadStatus.New or LeadStatus.Assigned or LeadStatus.Qualifying;
}

public sealed record LeadInquiry(string Key, LeadChannel Channel, DateTimeOffset At, string? Need);

public enum LeadActivityKind
{
    Created,
    Assigned,
    Unassigned,
    QualifyingStarted,
    Converted,
    Disqualified,
    InquiryJoined,
    SlaBreached,

    /// <summary>An in-app notification for <see cref="LeadActivity.Subject"/> (the board shows them; e-mail later).</summary>
    Notified,
    Note,
}

/// <summary>One entry of the lead's journal and the event consumers receive; consumers dedupe on (lead id, seq).</summary>
public sealed record LeadActivity(long Seq, DateTimeOffset At, string Actor, LeadActivityKind Kind, string Text, string? Subject = null);

/// <summary>Service levels of a department: hours (in the responsible person's working calendar) to assign and to first contact.</summary>
public sealed record LeadSla(double AssignHours, double FirstContactHours)
{
    public static LeadSla Default { get; } = new(2, 4);
}
