namespace SalesOrleans;

/// <summary>Why a command was refused: one code for deals, leads, contacts, claims, orders and stock.</summary>
public enum RejectionCode
{
    /// <summary>Malformed or invalid input; <see cref="Rejection.Field"/> names the field.</summary>
    Invalid,

    NotFound,

    /// <summary>The move is not one of the stage's (or order status's) transitions; details list the allowed targets.</summary>
    TransitionNotAllowed,

    /// <summary>The gates are not met; details list what is missing.</summary>
    GateUnmet,

    /// <summary>The command does not fit the current state (closed deal, done task, reused id, …).</summary>
    Conflict,

    Forbidden,

    /// <summary>A manual move would cancel the stage's open tasks and was not told to; details list them.</summary>
    OpenTasks,

    /// <summary>Not enough stock available; <see cref="Rejection.Available"/> says how much there is.</summary>
    Insufficient,

    /// <summary>Asked to release or ship more than a reservation holds; <see cref="Rejection.Available"/> is what it holds.</summary>
    ExceedsReserved,
}

/// <summary>
/// A command the domain refuses. Thrown before any state is touched, so a refused command changes nothing. Grains
/// catch it and answer its wire form (<see cref="ToError"/>, a <see cref="CommandError"/>); the web writes that as
/// ProblemDetails in one place (Problems.From).
/// </summary>
public sealed class Rejection(
    RejectionCode code,
    string message,
    string? field = null,
    IReadOnlyList<string>? details = null,
    decimal? available = null,
    decimal? requested = null) : Exception(message)
{
    public RejectionCode Code { get; } = code;

    public string? Field { get; } = field;

    /// <summary>The allowed moves, the missing gates or the open tasks.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];

    /// <summary>Stock: how much is available (or held by the reservation, or reserved of a batch).</summary>
    public decimal? Available { get; } = available;

    /// <summary>Stock: how much was asked for.</summary>
    public decimal? Requested { get; } = requested;

    public static Rejection Invalid(string field, string message) => new(RejectionCode.Invalid, message, field);

    /// <summary>The refusal as it crosses the wire.</summary>
    public CommandError ToError() => new(Code, Message, Field, Details, Available, Requested);
}

/// <summary>
/// Why a command (on a deal, lead, contact, claim, order, stock item or the catalog) was refused; nothing changed.
/// <see cref="Details"/> lists the allowed moves or what is missing; <see cref="Available"/> and
/// <see cref="Requested"/> are the quantities of a stock refusal.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.CommandError")]
public sealed record CommandError(
    [property: Id(0)] RejectionCode Code,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Field,
    [property: Id(3)] IReadOnlyList<string> Details,
    [property: Id(4)] decimal? Available = null,
    [property: Id(5)] decimal? Requested = null);
