using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>Calls through a real Kamailio driven by real SIPp callers and callees, into the node's webhook.</summary>
[Trait("Category", "Sip")]
public class SipTelephonyTests
{
    private static string NewCaller() => $"7916{Random.Shared.Next(0, 10_000_000):D7}";

    private static Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class => Poll.Until(probe, what, seconds);

    [Fact]
    public async Task Answered_busy_unanswered_and_cancelled_calls_from_known_and_unknown_callers()
    {
        var settings = new Dictionary<string, string?>(LeadNodeFixture.Settings())
        {
            ["Telephony:Dids:+74950000001"] = "industrial",
            ["Telephony:Dids:+74950000002"] = "industrial",
            ["Telephony:Dids:+74950000003"] = "industrial",
        };
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration.AddInMemoryCollection(settings));
        await using var sip = await SipLab.StartAsync(node.Address, LeadNodeFixture.PbxKey);
        var queries = node.Services.GetRequiredService<LeadQueries>();
        var (anna, boris, clara) = (NewCaller(), NewCaller(), NewCaller());

        // Anna calls twice and is answered both times, then finds the line busy; Boris is never answered; Clara gives up.
        await sip.CallAsync("uac-answer", (anna, "74950000001", "Anna Lebedeva"), (anna, "74950000001", "Anna Lebedeva"));
        await sip.CallAsync("uac-fail", (anna, "74950000002", "Anna Lebedeva"), (boris, "74950000003", "Boris Kim"));
        await sip.CallAsync("uac-cancel", (clara, "74950000003", "Clara Berg"));

        IReadOnlyList<CallLogItem> seen = [];
        var calls = await sip.Explained(() => Until(async () =>
        {
            seen = await queries.ListCallsAsync(null, 50);
            return seen.Count == 5 && seen.All(c => c.Settled) ? seen : null;
        }, "five settled calls"), () => string.Join("\n", seen.Select(c => $"{c.Caller} → {c.Called}: {c.Outcome}, settled {c.Settled}, events {string.Join(",", c.Events)}")));
        Assert.Equal(["answered", "answered", "busy", "cancelled", "no_answer"], calls.Select(c => c.Outcome).Order());
        Assert.All(calls, c => Assert.Equal("industrial", c.Department));
        Assert.All(calls.Where(c => c.Outcome == "answered"), c => Assert.InRange(c.DurationMs!.Value, 900, 5000));
        Assert.Equal(["incoming", "ringing", "answered", "hangup"], calls.First(c => c.Outcome == "answered").Events);

        var leads = await queries.ListLeadsAsync(new LeadFilter());
        Assert.Equal(3, leads.Count);
        var annaLead = leads.Single(l => l.Phone == "+" + anna);
        Assert.Equal(("Anna Lebedeva", "Phone", 3), (annaLead.Name, annaLead.Channel, annaLead.Inquiries));
        Assert.Single(leads, l => l.Phone == "+" + boris);
        Assert.Single(leads, l => l.Phone == "+" + clara);

        // Every missed call left a call-back task with the person responsible for the caller.
        var tasks = await Until(async () =>
        {
            var all = await queries.ListContactTasksAsync(null, "Open", null, 50);
            return all.Count(t => t.Kind == "call-back") == 3 ? all : null;
        }, "three call-back tasks");
        Assert.Equal(annaLead.Assignee, tasks.Single(t => t.ContactId == annaLead.ContactId).Executor);
        Assert.Contains("missed call (busy)", tasks.Single(t => t.ContactId == annaLead.ContactId).Title);
    }
}
