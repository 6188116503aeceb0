using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace SalesOrleans.Web.Api;

/// <summary>
/// A node of the cluster died and its grains are moving (until the membership declares it dead, calls to it fail or
/// time out): a failover, not a bug. Answer 503 with Retry-After so clients and load balancers retry shortly.
/// </summary>
public sealed class ClusterUnavailableHandler(ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsFailover(exception))
        {
            return false;
        }

        logger.LogWarning("A grain call failed during a failover ({Reason}); answered {Path} with 503", exception.Message, http.Request.Path);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A timed-out call may still have run: say so, since only commands with ids are safe to repeat blindly.
        await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cluster failing over",
            detail: $"A node is failing over; the request may not have completed. Try again in {RetryAfterSeconds} s (commands with ids are safe to repeat).")
            .ExecuteAsync(http);
        return true;
    }

    public static bool IsFailover(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // InconsistentStateException: while the membership settles, a grain can briefly have an activation on two
            // nodes; the one that writes second is refused and starts over from storage, so a retry goes through.
            if (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Storage.InconsistentStateException)
            {
                return true;
            }
        }

        return false;
    }
}
