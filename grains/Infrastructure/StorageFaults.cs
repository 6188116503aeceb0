using System.Net.Sockets;
using Npgsql;
using Orleans.Serialization;

namespace SalesOrleans.Infrastructure;

/// <summary>What counts as the database being unavailable, wherever it is asked (grain boundary, HTTP handler).</summary>
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
                case PostgresException pg when IsOutage(pg.SqlState):
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException npgsql when npgsql.IsTransient:
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

/// <summary>
/// At every grain call this node serves: a database outage leaves the grain as <see cref="StorageUnavailableException"/>,
/// which every node can deserialize, so a caller on another node sees an outage (503) and not an unknown-type failure (500).
/// </summary>
public sealed class StorageUnavailableFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && StorageFaults.IsDatabaseUnavailable(ex))
        {
            var cause = StorageFaults.Innermost(ex);
            throw new StorageUnavailableException($"The database is unavailable: {cause.Message}") { Cause = cause.GetType().FullName };
        }
    }
}
