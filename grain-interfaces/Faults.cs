using System.Data.Common;
using System.Net.Sockets;
using Orleans.Serialization;

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

/// <summary>
/// What counts as the database being unavailable, wherever it is asked (grain boundary, HTTP handler). Here, beside the
/// exception it answers for, so web asks it without the grains assembly; it sees the driver only as ADO.NET's
/// <see cref="DbException"/> (Npgsql's exceptions are ones: a server error carries its SQLSTATE, a client-side one
/// says whether it is transient), so this assembly needs no Npgsql.
/// </summary>
public static class StorageFaults
{
    /// <summary>True when the exception, or anything it wraps (grain calls and storage providers wrap), says the database is gone.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageUnavailableException:
                    return true;
                // A server error (Npgsql's PostgresException): an outage only by its SQLSTATE.
                case DbException { SqlState: { } sqlState }:
                    return IsOutage(sqlState);
                case DbException { IsTransient: true }:
                    return true;
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsDatabaseUnavailable):
                    return true;
                // Raised on a node without this filter (or before it): the driver's exception crossed the wire only as a
                // fallback or a codec failure naming its type. Npgsql exceptions that reach a caller are outages here:
                // statement errors are bugs we catch as PostgresException on the node itself.
                case UnavailableExceptionFallbackException fallback when fallback.ExceptionType?.StartsWith("Npgsql.", StringComparison.Ordinal) == true:
                    return true;
                case CodecNotFoundException codec when codec.Message.Contains("Npgsql.", StringComparison.Ordinal):
                    return true;
                case SerializerException serializer when serializer.Message.Contains("Npgsql.", StringComparison.Ordinal):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Connection exceptions (class 08), shutdown and start-up (57P01-57P03), too many connections.</summary>
    public static bool IsOutage(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";

    public static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
