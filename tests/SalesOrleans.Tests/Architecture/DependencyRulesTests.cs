using System.Reflection;
using System.Runtime.CompilerServices;
using SalesOrleans.Deals;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Web;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// The project graph as it is (docs/architecture.md draws it), read from the compiled assemblies: what each project
/// references, which namespaces each assembly holds, what the domain may use, and that the web front stays off the
/// grains assembly (it calls grains through grain interfaces and ports). A change that breaks a rule fails here; a
/// change that removes a dependency never does (the graph rules are upper bounds).
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

    /// <summary>Bottom to top: each project may reference only projects before it, so the graph has no cycle.</summary>
    private static readonly Assembly[] Layers = [GrainInterfaces, Domain, ReadModel, Grains, Web, Silo];

    private static IEnumerable<string> OursReferencedBy(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("SalesOrleans.", StringComparison.Ordinal)).Order();

    private static string Describe(IEnumerable<Type> types) => string.Join("\n", types.Select(t => t.FullName).Order());

    private static string NameOf(Assembly assembly) => assembly.GetName().Name!;

    /// <summary>The types a compiler wrote for us (closures, state machines, regex and Orleans code) are not ours to place.</summary>
    private static bool IsOurs(Type t) =>
        !t.IsDefined(typeof(CompilerGeneratedAttribute), false) && t.Namespace is { } n && n.StartsWith("SalesOrleans", StringComparison.Ordinal)
        && !t.FullName!.Contains('<');

    [Fact]
    public void Projects_reference_only_the_layers_below_them()
    {
        // grain-interfaces ← domain ← read model ← grains, and ← web beside grains (web reaches grains only through
        // grain interfaces and the ports below it); the silo (the host) on both; tests and benchmarks sit on the silo.
        Assert.Empty(OursReferencedBy(GrainInterfaces));
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces" }, OursReferencedBy(Domain).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain" }, OursReferencedBy(ReadModel).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel" }, OursReferencedBy(Grains).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel" }, OursReferencedBy(Web).ToHashSet());
        Assert.Subset(new HashSet<string> { "SalesOrleans.GrainInterfaces", "SalesOrleans.Domain", "SalesOrleans.ReadModel", "SalesOrleans.Grains", "SalesOrleans.Web" }, OursReferencedBy(Silo).ToHashSet());
    }

    [Fact]
    public void The_project_graph_has_no_cycle()
    {
        // Stronger than the lists above in one way: it also holds for a project added later between the layers.
        for (var i = 0; i < Layers.Length; i++)
        {
            var above = Layers[i..].Select(NameOf).ToHashSet();
            var upward = OursReferencedBy(Layers[i]).Where(above.Contains).ToList();
            Assert.True(upward.Count == 0, $"{NameOf(Layers[i])} references {string.Join(", ", upward)} (its own layer or above)");
        }
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
    public void The_domain_assembly_references_no_orleans_storage_hosting_or_web()
    {
        var forbidden = Domain.GetReferencedAssemblies().Select(r => r.Name!)
            .Where(n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Npgsql", StringComparison.Ordinal)
                || n.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) || n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void The_read_model_needs_npgsql_but_no_orleans_or_web()
    {
        // Queries and stores are plain classes over NpgsqlDataSource: grains, web and the silo call them, and a test
        // calls them without a silo. Grain-interfaces' wire types are fine; Orleans itself (even its abstractions) is not.
        var forbidden = ReadModel.GetReferencedAssemblies().Select(r => r.Name!)
            .Where(n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(forbidden);

        var grainInterfaces = ReadModel.GetTypes().SelectMany(TypeReferences.UsedBy)
            .Where(t => t.Assembly == GrainInterfaces && typeof(IAddressable).IsAssignableFrom(t)).ToHashSet();
        Assert.True(grainInterfaces.Count == 0, Describe(grainInterfaces));
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

        // Not the grains, read model, infrastructure or services around it (the domain assembly cannot reference them).
        var outside = used.Where(t => t.Assembly != Domain && t.Assembly != GrainInterfaces && t.Namespace is { } n
            && n.StartsWith("SalesOrleans", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, Describe(outside));

        // Commands, views and enums of grain-interfaces are shared vocabulary; a grain interface is not.
        var grainInterfaces = used.Where(t => t.Assembly == GrainInterfaces && typeof(IAddressable).IsAssignableFrom(t)).ToList();
        Assert.True(grainInterfaces.Count == 0, Describe(grainInterfaces));
    }

    [Fact]
    public void Each_assembly_holds_its_own_namespaces()
    {
        // The domain assembly is exactly the namespace SalesOrleans.Domain.*, and that namespace lives nowhere else.
        var notDomain = Domain.GetTypes().Where(IsOurs).Where(t => !t.Namespace!.StartsWith("SalesOrleans.Domain", StringComparison.Ordinal)).ToList();
        Assert.True(notDomain.Count == 0, Describe(notDomain));
        var strays = new[] { GrainInterfaces, ReadModel, Grains, Web, Silo }.SelectMany(a => TypeReferences.InNamespace(a, "SalesOrleans.Domain")).ToList();
        Assert.True(strays.Count == 0, Describe(strays));

        // The read model assembly: SalesOrleans.ReadModel, plus contracts kept in their feature's namespace (so their
        // callers did not change): the two ports grains declare and it implements, and the ports web calls that grains
        // implement whose signatures need domain or read-model types (grain-interfaces cannot see those), with their
        // request and reply records and the options both sides read.
        string[] readModelPorts = ["SalesOrleans.Processes.IProcessCatalog", "SalesOrleans.Processes.ProcessSummary",
            "SalesOrleans.Processes.ProcessCatalogExtensions", "SalesOrleans.Managers.IWorkloadSource",
            "SalesOrleans.Analytics.IAnalyticsService", "SalesOrleans.Analytics.Bcg", "SalesOrleans.Analytics.Forecast",
            "SalesOrleans.Analytics.ProbabilityRefresh",
            "SalesOrleans.Deals.IDealDocuments", "SalesOrleans.Deals.IDealMailService", "SalesOrleans.Deals.DealMailDraft",
            "SalesOrleans.Deals.DealMailRequest",
            "SalesOrleans.Import.IContactCreation",
            "SalesOrleans.Leads.IInquiryIntake", "SalesOrleans.Leads.RawInquiry", "SalesOrleans.Leads.IMailInquiries",
            "SalesOrleans.Leads.MailLeadDetails", "SalesOrleans.Leads.LeadOptions", "SalesOrleans.Leads.SlaOptions",
            "SalesOrleans.Leads.RoutingRuleOptions",
            "SalesOrleans.Stock.IStockCatalog", "SalesOrleans.Stock.ICatalogService", "SalesOrleans.Stock.CatalogResult`1",
            "SalesOrleans.Stock.IStockService", "SalesOrleans.Stock.StockOverview"];
        var notReadModel = ReadModel.GetTypes().Where(IsOurs)
            .Where(t => t.Namespace != "SalesOrleans.ReadModel" && !readModelPorts.Contains(t.FullName)).ToList();
        Assert.True(notReadModel.Count == 0, Describe(notReadModel));

        // SalesOrleans.ReadModel in the grains assembly: only the projection adapters of grains/Projection, which
        // implement the grains' event sinks (IDealEventSink, ...) and so cannot live in the read model assembly.
        string[] projection = ["DealProjector", "LeadProjector", "OrderProjector", "StockProjector", "ClaimProjector",
            "AnalyticsProjection", "BatchingWriter`1", "Batcher`2", "StockRowsInCommit"];
        var readModelInGrains = TypeReferences.InNamespace(Grains, "SalesOrleans.ReadModel").Where(IsOurs)
            .Where(t => !t.IsNested && !projection.Contains(t.Name)).ToList();
        Assert.True(readModelInGrains.Count == 0, Describe(readModelInGrains));
    }

    [Fact]
    public void Web_names_no_grain_class()
    {
        // Web reaches grains through IGrainFactory and the interfaces; grain keys come from grain-interfaces
        // (CallKeys, LeadQueueKeys, StockKeys).
        var grainClasses = Web.GetTypes().SelectMany(TypeReferences.UsedBy)
            .Where(t => t.Assembly == Grains && typeof(Grain).IsAssignableFrom(t)).ToHashSet();

        Assert.True(grainClasses.Count == 0, Describe(grainClasses));
    }

    [Fact]
    public void Web_does_not_reference_the_grains_assembly()
    {
        // Web calls grains through grain interfaces (IGrainFactory) and through ports (IInquiryIntake, IStockService, …)
        // that grains implement and the silo registers: the ports and their records sit in grain-interfaces, or in the
        // read model assembly when their signatures need domain or read-model types. Queries and stores come from the
        // read model, rules and validation from the domain.
        Assert.DoesNotContain(NameOf(Grains), OursReferencedBy(Web));

        var used = Web.GetTypes().SelectMany(TypeReferences.UsedBy).Where(t => t.Assembly == Grains).Select(t => t.FullName).ToHashSet();
        Assert.True(used.Count == 0, string.Join("\n", used.Order()));
    }
}
