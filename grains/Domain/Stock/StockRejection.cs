namespace SalesOrleans.Domain.Stock;

public enum StockRejectionCode
{
    /// <summary>Malformed or invalid input; <see cref="StockRejection.Field"/> names the field.</summary>
    Invalid,

    NotFound,

    /// <summary>Not enough available stock; <see cref="StockRejection.Available"/> says how much there is.</summary>
    Insufficient,

    /// <summary>Asked to release or ship more than a reservation holds; <see cref="StockRejection.Available"/> is what it holds.</summary>
    ExceedsReserved,

    /// <summary>The command does not fit the current state (reused id, count below what is reserved, …).</summary>
    Conflict,

    Forbidden,
}

/// <summary>A stock command the domain refuses. Thrown before any state is touched, so a refused command changes nothing.</summary>
public sealed class StockRejection(
    StockRejectionCode code,
    string message,
    string? field = null,
    decimal? available = null,
    decimal? requested = null) : Exception(message)
{
    public StockRejectionCode Code { get; } = code;

    public string? Field { get; } = field;

    public decimal? Available { get; } = available;

    public decimal? Requested { get; } = requested;

    public static StockRejection Invalid(string field, string message) => new(StockRejectionCode.Invalid, message, field);
}
