namespace SalesOrleans;

/// <summary>
/// The database (or a connection to it) failed transiently: an outage, not a bug. Grains throw this instead of the
/// driver's exceptions (StorageUnavailableFilter converts them at every grain call), because Npgsql's exception types have
/// no Orleans codec and would reach a caller on another node only as "Could not find a codec for type
/// Npgsql.NpgsqlException". The API answers it with 503 and Retry-After.
/// </summary>
[GenerateSerializer, Alias("SalesOrleans.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message) : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception? inner) : base(message, inner)
    {
    }

    /// <summary>The driver's exception type the outage was first seen as (for logs; the exception itself stays on its node).</summary>
    [Id(0)]
    public string? Cause { get; init; }
}

/// <summary>
/// A grain that owes work after acknowledging a command (settling a call, stock actions, publishing movements) and
/// says so in its stored state (IWorkDue, kept in grain_state.work_due). FollowUpSweeper wakes such a grain once its
/// row has been quiet, wherever its node went, by grain id alone.
/// </summary>
[Alias("SalesOrleans.IFollowUpGrain")]
public interface IFollowUpGrain : IGrain
{
    /// <summary>Runs what the stored state says is owed, now (keeping the grain active would not), and clears the stored mark once done.</summary>
    [Alias("Resume")]
    Task Resume();
}
