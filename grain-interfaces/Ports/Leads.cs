namespace SalesOrleans.Leads;

// Ports of the lead services web calls in process (issue 13): web names these, the grains assembly implements them
// (AbsenceHandover). Only wire types in their signatures, so they live beside the grain interfaces.

/// <summary>What a presence change did: the manager, leads moved to colleagues, deal tasks moved, the queue after it.</summary>
public sealed record HandoverReport(string User, bool Absent, int LeadsMoved, IReadOnlyList<string> TasksMoved, QueueView Queue);

/// <summary>Presence changes of a department's managers, with the handover of their leads and tasks (grains: AbsenceHandover).</summary>
public interface IAbsenceHandover
{
    Task<HandoverReport> SetPresenceAsync(string department, string user, bool absent, ActorInfo actor, CancellationToken ct = default);
}

/// <summary>Configuration section "Telephony": the webhook's key and the DID → department map.</summary>
public sealed class TelephonyOptions
{
    public const string Section = "Telephony";

    /// <summary>The X-Api-Key the PBX sends; when empty the webhook refuses everything.</summary>
    public string? ApiKey { get; set; }

    public Dictionary<string, string> Dids { get; set; } = [];
}
