using System.Reflection;
using SalesOrleans.Deals;
using SalesOrleans.Leads;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Web;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// The project graph as it is (docs/architecture.md draws it), read from the compiled assemblies: what each project
/// references, what the domain namespace may use, and which grain classes the web front may name. A change that breaks
/// a rule fails here; a change that removes a dependency never does (the rules are upper bounds).
/// </summary>
[Trait("Category", "Unit")]
public class DependencyRulesTests
{
    private static readonly Assembly GrainInterfaces = typeof(IDealGrain).Assembly;
    private static readonly Assembly Domain = typeof(SalesOrleans.Domain.Deals.Deal).Assembly;
    private static readonly Assembly ReadModel = typeof(SalesOrleans.ReadModel.DealQueries).Assembly;
    private static readonly Assembly Grains = typeof(DealGrain).Assembly;
    private static readonly Assembly Web = typeof(WebSetup).Assembly;
    private static readonly Assembly Silo = typeof(NodeHost).Assembly;

    private static IEnumerable<string> OursReferencedBy(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("SalesOrleans.", StringComparison.Ordinal)).Order();

    private static string Describe(IEnumerable<Type> types) => string.Join("\n", types.Select(t => t.FullName).Order());

    [Fact]
    public void Projects_reference_only_the_layers_below_them()
    {
        // grain-interfaces ← domain ← grains ← web ← silo (the host); tests and benchmarks sit on the silo.
        Assert.Empty(OursReferencedBy(GrainInterfaces));
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces" }, OursReferencedBy(Domain).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain" }, OursReferencedBy(ReadModel).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel" }, OursReferencedBy(Grains).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel", "SalesOrleans.Grains" }, OursReferencedBy(Web).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel", "SalesOrleans.Grains", "SalesOrleans.Web" }, OursReferencedBy(Silo).ToHashSet());
    }

    [Fact]
    public void Grain_interfaces_need_only_orleans_abstractions_no_runtime_storage_or_web()
    {
        var forbidden = GrainInterfaces.GetReferencedAssemblies().Select(r => r.Name!)
            .Where(n => n is "Orleans.Core" or "Orleans.Runtime" or "Npgsql" || n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void The_domain_namespace_uses_no_orleans_storage_hosting_or_web_types()
    {
        // Pure domain logic (grains/Domain) runs in a unit test without a silo: no grain base, no IPersistentState,
        // no [GenerateSerializer], no Npgsql, no DI, logging or options, no ASP.NET Core.
        string[] forbidden = ["Orleans", "Microsoft.Orleans", "Npgsql", "Microsoft.Extensions", "Microsoft.AspNetCore"];
        var offending = TypeReferences.InNamespace(Domain, "SalesOrleans.Domain")
            .SelectMany(t => TypeReferences.UsedBy(t).Select(used => (t, used)))
            .Where(x => forbidden.Any(f => x.used.Assembly.GetName().Name!.StartsWith(f, StringComparison.Ordinal)))
            .Select(x => $"{x.t.FullName} uses {x.used.FullName}")
            .Distinct().Order().ToList();

        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public void The_domain_namespace_uses_of_ours_only_itself_and_the_wire_types_of_grain_interfaces()
    {
        var used = TypeReferences.InNamespace(Domain, "SalesOrleans.Domain").SelectMany(TypeReferences.UsedBy).ToHashSet();

        // Not the grains, read model, infrastructure or services around it: the domain assembly cannot reference them,
        // and every type of the domain namespace lives in the domain assembly (none creeps back into grains).
        Assert.DoesNotContain(used, t => t.Assembly != Domain && t.Namespace is { } n && n.StartsWith("SalesOrleans.", StringComparison.Ordinal)
            && t.Assembly != GrainInterfaces);
        var strays = new[] { Grains, Web, Silo }.SelectMany(a => TypeReferences.InNamespace(a, "SalesOrleans.Domain")).ToList();
        Assert.True(strays.Count == 0, Describe(strays));

        // Commands, views and enums of grain-interfaces are shared vocabulary; a grain interface is not.
        var grainInterfaces = used.Where(t => t.Assembly == GrainInterfaces && typeof(IAddressable).IsAssignableFrom(t)).ToList();
        Assert.True(grainInterfaces.Count == 0, Describe(grainInterfaces));
    }

    [Fact]
    public void Web_reaches_grains_through_their_interfaces_and_names_no_grain_class_but_two_key_helpers()
    {
        // Today web builds two grain keys with the grain classes' static KeyOf (issue 13 moves them to grain-interfaces);
        // no other grain class may be named, and none of these two may become more than that.
        var known = new HashSet<Type> { typeof(CallGrain), typeof(LeadQueueGrain) };
        var grainClasses = Web.GetTypes().SelectMany(TypeReferences.UsedBy)
            .Where(t => t.Assembly == Grains && typeof(Grain).IsAssignableFrom(t)).ToHashSet();

        Assert.True(grainClasses.IsSubsetOf(known), Describe(grainClasses.Except(known)));
    }
}
