using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// A deal's task notifications through the real projector into PostgreSQL: new, overdue and escalated each reach
/// their person once, and a replay of every publication (a node that died before its outbox was cleared) adds none.
/// </summary>
[Trait("Category", "Integration")]
public class DealNotificationTests
{
    [Fact]
    public async Task New_overdue_and_escalated_tasks_notify_once_even_when_every_publication_is_replayed()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await using var _ = db;
        await SchemaMigrator.MigrateAsync(db);
        var t0 = DateTimeOffset.UtcNow.AddDays(-10);
        var state = new DealState();
        var publications = new List<DealPublication>();
        void Run(Action<Deal> command)
        {
            // One command per instance, as the grain does: its recorded activities are one publication.
            var deal = new Deal(state, TestProcesses.Manual(), new TestDirectory());
            command(deal);
            publications.Add(new DealPublication(deal.ToView(), [.. deal.Recorded], [.. deal.Recorded.Select(a => a.TaskId).OfType<string>().Distinct()]));
        }

        var id = Guid.NewGuid();
        // The supervisor opens the deal for m1: m1's first task is new to m1.
        Run(d => d.Start(id, new NewDeal("Press line", "Nordwerk GmbH", null, "m1", TestDirectory.Department, 1000m, "EUR", null, null), new Actor("sup", ["supervisor"]), t0));
        Run(d => d.CheckDeadlines(t0.AddHours(3)));
        Run(d => d.CheckDeadlines(t0.AddHours(30)));
        // m1 writes a note: nobody is told.
        Run(d => d.AddNote("Called twice", new Actor("m1", ["manager"]), t0.AddHours(31)));

        await using (var projector = new DealProjector(db, NullLogger<DealProjector>.Instance))
        {
            foreach (var publication in publications.Concat(publications))
            {
                await projector.PublishAsync(publication);
            }
        }

        var queries = new LeadQueries(db);
        var m1 = (await queries.ListNotificationsAsync("m1", false, 100)).OrderBy(n => n.Seq).ToList();
        Assert.Equal(["New task: Call the client — Nordwerk GmbH: Press line", "Overdue: Call the client — Nordwerk GmbH: Press line"], m1.Select(n => n.Text));
        Assert.All(m1, n => Assert.Equal(("deal", id, $"/deal.html?id={id}"), (n.Source, n.SourceId, n.Link)));
        Assert.Equal(["Task", "Overdue"], m1.Select(n => n.Kind));
        var sup = Assert.Single(await queries.ListNotificationsAsync("sup", false, 100));
        Assert.Equal("Escalated: m1 has not done 'Call the client' — Nordwerk GmbH: Press line", sup.Text);

        // Marked read one at a time, by its recipient only.
        var workflow = new WorkflowQueries(db);
        Assert.False(await workflow.MarkReadAsync("m2", "deal", id, m1[0].Seq));
        Assert.True(await workflow.MarkReadAsync("m1", "deal", id, m1[0].Seq));
        Assert.Equal([m1[1].Seq], (await queries.ListNotificationsAsync("m1", true, 100)).Select(n => n.Seq));
    }
}
