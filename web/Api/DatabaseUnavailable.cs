using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SalesOrleans.Web.Api;

/// <summary>
/// PostgreSQL unreachable (stopped, restarting, network gone, out of connections) is an outage, not a bug: answer
/// 503 with Retry-After at once, so clients and load balancers back off and try again; the node itself reconnects
/// when the database is back (the connection pool drops broken connections, grains reload their state).
/// </summary>
public sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception))
        {
            return false;
        }

        logger.LogWarning("PostgreSQL is unavailable ({Reason}); answered {Path} with 503", Innermost(exception).Message, http.Request.Path);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unavailable",
            detail: $"The database cannot be reached; nothing was changed by this request. Try again in {RetryAfterSeconds} s.").ExecuteAsync(http);
        return true;
    }

    /// <summary>True when the exception, or anything it wraps (grain calls and storage providers wrap), says the database is gone.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
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
            }
        }

        return false;
    }

    /// <summary>Connection exceptions (class 08), shutdown and start-up (57P01-57P03), too many connections.</summary>
    private static bool IsOutage(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
