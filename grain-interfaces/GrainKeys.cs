namespace SalesOrleans;

/// <summary>The key of the <see cref="ICallGrain"/> of one PBX call: <c>"call:&lt;PBX call id&gt;"</c>.</summary>
public static class CallKeys
{
    public const string Prefix = "call:";

    public static string Of(string callId) => Prefix + callId;
}

/// <summary>The key of a department's <see cref="ILeadQueueGrain"/>: <c>"queue:&lt;department&gt;"</c>.</summary>
public static class LeadQueueKeys
{
    public const string Prefix = "queue:";

    public static string Of(string department) => Prefix + department;
}
