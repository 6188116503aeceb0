using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;
using SalesOrleans.Leads;
using SalesOrleans.Processes;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>One in-process silo with in-memory storage for the lead grains (identity, inquiry, lead, contact, queue, call) and the deal grain they convert into.</summary>
public sealed class LeadClusterFixture : SiloFixture
{
    public const string Did = "+74952233211";

    public static readonly RecordingLeadSink Sink = new();

    public static readonly RecordingSink Deals = new();

    /// <summary>The silo's user directory (tests make look-ups fail through it).</summary>
    public static readonly TestLeadDirectory Directory = new();

    protected override void Configure(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Store, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
        silo.AddMemoryGrainStorage(StorageNames.GroupCommit, o => o.GrainStorageSerializer = new JsonGrainStateSerializer());
        silo.UseInMemoryReminderService();
        var directory = Directory;
        silo.Services.AddSingleton<IProcessCatalog>(new InMemoryProcessCatalog(TestProcesses.Manual()));
        silo.Services.AddSingleton<IDealDirectory>(directory);
        silo.Services.AddSingleton<ILeadDirectory>(directory);
        silo.Services.AddSingleton<IDealEventSink>(Deals);
        silo.Services.AddSingleton<ILeadEventSink>(Sink);
        silo.Services.Configure<LeadOptions>(o =>
        {
            o.HeadOfSales = "head";
            o.RespectShifts = false;
            o.DefaultSla = new SlaOptions { AssignHours = 100, FirstContactHours = 100 };
            // Observable in seconds: one second to assign.
            o.Sla["empty"] = new SlaOptions { AssignHours = 1.0 / 3600, FirstContactHours = 100 };
            o.CallSettleDelay = TimeSpan.FromMilliseconds(300);
            // A call's end is given up on two seconds after its last event (when a sweep wakes it; tests call Resume).
            o.CallEndLimit = TimeSpan.FromSeconds(2);
            o.TaskEscalationGraceHours = 1.0 / 3600;
        });
        silo.Services.AddSingleton(new ContactNormalizer("RU"));
        silo.Services.AddSingleton(sp => new LeadRouter([new RoutingRule(RoutingRuleKind.CalledNumber, Did, "d1")], sp.GetRequiredService<ContactNormalizer>()));
        silo.Services.AddSingleton<InquiryIntake>();
    }
}

[CollectionDefinition(Name)]
public sealed class LeadClusterCollection : ICollectionFixture<LeadClusterFixture>
{
    public const string Name = "lead cluster";
}
