using Microsoft.AspNetCore.Http.HttpResults;

namespace SalesOrleans.Web.Api;

/// <summary>
/// For shared helpers that still answer a plain <see cref="IResult"/> (an order command, a table import): the reply as
/// the typed union a named handler declares. Works unchanged once those helpers answer a typed union themselves.
/// </summary>
internal static class TypedReplies
{
    public static Results<Ok<T>, ProblemHttpResult> OkOrProblem<T>(IResult result) => result switch
    {
        Ok<T> ok => ok,
        ProblemHttpResult problem => problem,
        INestedHttpResult nested => OkOrProblem<T>(nested.Result),
        _ => throw new InvalidOperationException($"Expected Ok<{typeof(T).Name}> or a problem, got {result.GetType().Name}."),
    };
}
