using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Web;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// Issue 13: one setup per feature (silo/Features/&lt;Feature&gt;Setup.cs) owns the feature's registrations and its
/// endpoints, and the node is the list of them (docs/architecture.md, "Hosting: one setup per feature"). Read from the
/// compiled assemblies: every web <c>Map…Endpoints</c> method is mapped from exactly one place, a feature setup (or
/// another web map that includes it), never from the cross-cutting web setup; every feature setup has its Add and Map,
/// and NodeHost calls each once.
/// </summary>
[Trait("Category", "Unit")]
public class FeatureSetupTests
{
    private const string FeaturesNamespace = "SalesOrleans.Silo.Features";
    private static readonly Assembly Web = typeof(WebSetup).Assembly;
    private static readonly Assembly Silo = typeof(NodeHost).Assembly;

    private static List<Type> FeatureSetups() =>
        Silo.GetTypes().Where(t => t.Namespace == FeaturesNamespace && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Setup", StringComparison.Ordinal)).ToList();

    /// <summary>The web front's endpoint maps: public static <c>Map…Endpoints(this IEndpointRouteBuilder)</c>.</summary>
    private static List<MethodInfo> WebEndpointMaps() =>
        Web.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name.EndsWith("Endpoints", StringComparison.Ordinal)
                && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(IEndpointRouteBuilder))
            .ToList();

    /// <summary>Every call in a method body of the web and silo assemblies, as (caller, callee).</summary>
    private static List<(MethodBase Caller, MethodBase Callee)> Calls() =>
        new[] { Web, Silo }.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Cast<MethodBase>().Concat(t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)))
            .SelectMany(caller => TypeReferences.MembersInBody(caller).OfType<MethodBase>().Select(callee => (caller, callee)))
            .ToList();

    private static string Name(MethodBase m) => $"{m.DeclaringType!.Name}.{m.Name}";

    [Fact]
    public void Every_web_endpoint_map_is_mapped_by_exactly_one_feature_setup()
    {
        var maps = WebEndpointMaps();
        Assert.True(maps.Count > 20, $"only {maps.Count} web Map…Endpoints methods found: is the web assembly read at all?");
        var calls = Calls();
        var wrong = new List<string>();
        foreach (var map in maps)
        {
            var callers = calls.Where(c => c.Callee == map).Select(c => c.Caller).ToList();
            var fromFeature = callers.Count(c => c.DeclaringType!.Namespace == FeaturesNamespace && c.Name.StartsWith("Map", StringComparison.Ordinal));
            var fromWebMap = callers.Count(c => maps.Contains(c));
            if (callers.Count != 1 || fromFeature + fromWebMap != 1)
            {
                wrong.Add($"{Name(map)}: called from [{string.Join(", ", callers.Select(Name))}]; map it from exactly one silo/Features/<Feature>Setup.Map…");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Each_feature_setup_has_its_add_and_map_and_the_node_calls_each_once()
    {
        var setups = FeatureSetups();
        Assert.True(setups.Count >= 6, $"only {setups.Count} feature setups in {FeaturesNamespace}");
        var build = typeof(NodeHost).GetMethod(nameof(NodeHost.BuildAsync))!;
        // BuildAsync is async: its body is the state machine's MoveNext.
        var body = build.GetCustomAttribute<System.Runtime.CompilerServices.AsyncStateMachineAttribute>() is { } machine
            ? machine.StateMachineType.GetMethod("MoveNext", BindingFlags.NonPublic | BindingFlags.Instance)!
            : build;
        var calledByNode = TypeReferences.MembersInBody(body).OfType<MethodBase>().ToList();
        var wrong = new List<string>();
        foreach (var setup in setups)
        {
            var methods = setup.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
            var adds = methods.Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.GetParameters() is [{ ParameterType: var s }, { ParameterType: var c }]
                && s == typeof(IServiceCollection) && c == typeof(IConfiguration)).ToList();
            var mapsOf = methods.Where(m => m.Name.StartsWith("Map", StringComparison.Ordinal) && m.GetParameters() is [{ ParameterType: var a }]
                && a == typeof(IEndpointRouteBuilder)).ToList();
            if (adds.Count != 1 || mapsOf.Count != 1)
            {
                wrong.Add($"{setup.Name}: {adds.Count} Add…(IServiceCollection, IConfiguration) and {mapsOf.Count} Map…(IEndpointRouteBuilder), want one of each");
                continue;
            }

            foreach (var method in adds.Concat(mapsOf))
            {
                var times = calledByNode.Count(m => m == method);
                if (times != 1)
                {
                    wrong.Add($"{Name(method)}: NodeHost.BuildAsync calls it {times} times, want once");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
