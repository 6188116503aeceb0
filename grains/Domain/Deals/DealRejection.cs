namespace SalesOrleans.Domain.Deals;

public enum RejectionCode
{
    /// <summary>Malformed or invalid input; <see cref="DealRejection.Field"/> names the field.</summary>
    Invalid,

    NotFound,

    /// <summary>The move is not one of the stage's transitions; details list the allowed targets.</summary>
    TransitionNotAllowed,

    /// <summary>The stage's gates are not met; details list what is missing.</summary>
    GateUnmet,

    /// <summary>The command does not fit the deal's current state (closed deal, done task, …).</summary>
    Conflict,

    Forbidden,

    /// <summary>A manual move would cancel the stage's open tasks and was not told to; details list them.</summary>
    OpenTasks,
}

/// <summary>A command the domain refuses. Thrown before any state is touched, so a refused command changes nothing.</summary>
public sealed class DealRejection(RejectionCode code, string message, string? field = null, IReadOnlyList<string>? details = null)
    : Exception(message)
{
    public RejectionCode Code { get; } = code;

    public string? Field { get; } = field;

    public IReadOnlyList<string> Details { get; } = details ?? [];

    public static DealRejection Invalid(string field, string message) => new(RejectionCode.Invalid, message, field);
}
