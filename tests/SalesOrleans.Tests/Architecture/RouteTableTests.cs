using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Metadata;
using SalesOrleans.Tests.Security;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// Issue 13: every /api endpoint is a line of a route table pointing at a named handler (no lambda, not even one that
/// only forwards), and that handler declares at least one 2xx response type, so the OpenAPI document lists it. Read
/// from the running node's own route table, so a route added later is held to it without touching this test.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed class RouteTableTests(SecurityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Every_api_endpoint_is_a_named_handler_declaring_a_success_response()
    {
        var checkedRoutes = ApiRoutes();
        var wrong = checkedRoutes.SelectMany(r => r.Problems).Order().ToList();

        output.WriteLine($"{checkedRoutes.Count} /api endpoints checked");
        Assert.True(checkedRoutes.Count > 50, $"Only {checkedRoutes.Count} /api endpoints were checked: is the route table read at all?");
        Assert.True(wrong.Count == 0, "Not a route table of named, typed handlers:\n" + string.Join("\n", wrong));
    }

    private sealed record ApiRoute(string Name, string Owner, IReadOnlyList<string> Problems);

    private List<ApiRoute> ApiRoutes() =>
        fixture.Routes().Where(r => r.Template.StartsWith("/api/", StringComparison.Ordinal)).Select(route =>
        {
            var name = $"{route.Method} {route.Template}";
            if (route.Endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
            {
                return new ApiRoute(name, "?", [$"{name}: no handler method in its metadata"]);
            }

            var owner = OwnerOf(handler);
            var problems = new List<string>();
            if (IsCompilerGenerated(handler))
            {
                problems.Add($"{name}: a lambda ({owner.Name}.{handler.Name}): name the handler");
            }

            if (!route.Endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode is >= 200 and < 300))
            {
                problems.Add($"{name}: {owner.Name}.{handler.Name} declares no 2xx response type (return TypedResults; for text or files, .Produces(...) on the route)");
            }

            return new ApiRoute(name, owner.Name, problems);
        }).ToList();

    /// <summary>The class a handler is written in: a lambda's method sits on a compiler-generated class nested in it.</summary>
    private static Type OwnerOf(MethodInfo handler)
    {
        var type = handler.DeclaringType!;
        while (type.IsNested && IsCompilerGenerated(type))
        {
            type = type.DeclaringType!;
        }

        return type;
    }

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.Name.Contains('<') || member.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;
}
