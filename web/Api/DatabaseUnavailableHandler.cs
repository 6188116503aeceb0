using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;

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

    /// <summary>True when the exception, or anything it wraps, says the database is gone (see StorageFaults: also the serializable
    /// StorageUnavailableException grains throw, and a driver exception that crossed nodes only as a codec failure).</summary>
    public static bool IsDatabaseUnavailable(Exception exception) => StorageFaults.IsDatabaseUnavailable(exception);

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
