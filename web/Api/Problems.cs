using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SalesOrleans.Web.Api;

/// <summary>Every refusal as RFC 9457 ProblemDetails.</summary>
public static class Problems
{
    /// <summary>
    /// The one mapping of a refusal (<see cref="Rejection"/> on the wire as <see cref="CommandError"/>) to ProblemDetails:
    /// 400 names the field, 404, 403 and 409 name the field where there is one, 409 lists allowed moves, open tasks or
    /// the stock available, 422 lists missing gates.
    /// </summary>
    public static ProblemHttpResult From(CommandError e) => e.Code switch
    {
        RejectionCode.Invalid => Invalid(e.Field ?? "body", e.Message),
        RejectionCode.NotFound => NotFound(e.Message),
        RejectionCode.TransitionNotAllowed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Transition not allowed",
            detail: e.Message, extensions: new Dictionary<string, object?> { ["allowed"] = e.Details }),
        RejectionCode.GateUnmet => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Gate not met",
            detail: e.Message, extensions: new Dictionary<string, object?> { ["missing"] = e.Details }),
        RejectionCode.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message, extensions: FieldOf(e)),
        RejectionCode.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: e.Message, extensions: FieldOf(e)),
        RejectionCode.OpenTasks => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Open tasks",
            detail: e.Message, extensions: new Dictionary<string, object?> { ["openTasks"] = e.Details }),
        RejectionCode.Insufficient => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Insufficient stock", detail: e.Message,
            extensions: new Dictionary<string, object?> { ["available"] = e.Available, ["requested"] = e.Requested }),
        RejectionCode.ExceedsReserved => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "More than reserved", detail: e.Message,
            extensions: new Dictionary<string, object?> { ["reserved"] = e.Available, ["requested"] = e.Requested }),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Code, null),
    };

    private static Dictionary<string, object?>? FieldOf(CommandError e) => e.Field is null ? null : new() { ["field"] = e.Field };

    /// <summary>A 400 naming the field; the same result type as every other refusal, so handlers declare one problem type.</summary>
    public static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid input",
            Detail = message,
        });

    public static ProblemHttpResult NotFound(string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: message);

    /// <summary>Turns a body that is not JSON, or JSON of the wrong shape, into a 400 naming the offending path.</summary>
    public static async ValueTask<bool> TryWriteBadRequestAsync(HttpContext context, Exception exception)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var json = bad.InnerException as JsonException;
        var field = json?.Path is { Length: > 0 } path ? path.TrimStart('$', '.') : "body";
        var message = json is null ? bad.Message : $"The request body is not valid JSON for this endpoint at '{(field.Length == 0 ? "body" : field)}': {json.Message}";
        var problem = new ValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] })
        {
            Status = bad.StatusCode,
            Title = "Invalid input",
            Detail = message,
        };
        context.Response.StatusCode = bad.StatusCode;
        // Through the problem details service: in the caller's language like every other refusal (ProblemLanguage).
        if (context.RequestServices.GetService<IProblemDetailsService>() is not { } service
            || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
        }

        return true;
    }
}

/// <summary>Hooks <see cref="Problems.TryWriteBadRequestAsync"/> into ASP.NET Core's exception handling.</summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        Problems.TryWriteBadRequestAsync(httpContext, exception);
}
