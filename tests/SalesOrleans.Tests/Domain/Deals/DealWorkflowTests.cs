using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Reopening a lost deal and whom a deal's activities notify.</summary>
[Trait("Category", "Unit")]
public class DealWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Owner = new("m1", ["manager"]);
    private static readonly Actor OtherManager = new("m2", ["manager"]);
    private static readonly Actor Supervisor = new("sup", ["supervisor"]);
    private static readonly Actor Admin = new("root", ["admin"]);

    private static Deal LostDeal()
    {
        var deal = new Deal(new DealState(), TestProcesses.Manual(), new TestDirectory());
        deal.Start(Guid.NewGuid(), new NewDeal("Press line", "Nordwerk GmbH", "Hans", "m1", TestDirectory.Department, 1000m, "eur", null, null), Owner, T0);
        deal.Move("lost", Owner, "price", "Too expensive", T0.AddMinutes(3), cancelOpenTasks: true);
        return deal;
    }

    [Fact]
    public void The_head_of_the_department_reopens_a_lost_deal_in_the_stage_it_was_lost_from()
    {
        var deal = LostDeal();

        deal.Reopen(Supervisor, "The customer called back", T0.AddHours(1));

        Assert.Equal((DealStatus.Open, "qualify", (string?)null, (DateTimeOffset?)null), (deal.State.Status, deal.State.Stage, deal.State.LostReason, deal.State.ClosedAt));
        var reopened = Assert.Single(deal.Recorded, a => a.Kind == ActivityKind.Reopened);
        Assert.Equal("sup", reopened.Actor);
        Assert.Contains("was lost: price", reopened.Text);
        Assert.Contains("The customer called back", reopened.Text);
        // The review is answered by reopening; the stage's work starts again.
        Assert.Equal(DealTaskStatus.Done, deal.State.Tasks.Single(t => t.TemplateId == Deal.LostReviewTaskId).Status);
        Assert.Single(deal.CurrentVisitTasks(), t => t.IsOpen && t.TemplateId == "call");
        Assert.Contains("proposal", deal.AllowedTransitions());
    }

    [Fact]
    public void Only_the_head_of_the_department_or_an_admin_reopens_and_only_a_lost_deal()
    {
        var deal = LostDeal();

        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => deal.Reopen(Owner, null, T0.AddHours(1))).Code);
        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => deal.Reopen(OtherManager, null, T0.AddHours(1))).Code);
        Assert.Equal(DealStatus.Lost, deal.State.Status);

        deal.Reopen(Admin, null, T0.AddHours(1));
        Assert.Equal(RejectionCode.Conflict, Assert.Throws<Rejection>(() => deal.Reopen(Admin, null, T0.AddHours(2))).Code);
    }

    [Fact]
    public void New_overdue_and_escalated_tasks_notify_their_people_but_nobody_is_told_what_they_did_themselves()
    {
        static DealActivity A(ActivityKind kind, string actor, string? subject) => new(7, T0, actor, kind, "qualify", "text", "T1", subject);

        Assert.Equal(new DealNotification("m1", "New task: Call the client — Nordwerk GmbH: Press line"),
            DealNotifications.For(A(ActivityKind.TaskCreated, "sup", "m1"), "Call the client", "m1", "Press line", "Nordwerk GmbH"));
        Assert.Null(DealNotifications.For(A(ActivityKind.TaskCreated, "m1", "m1"), "Call the client", "m1", "Press line", "Nordwerk GmbH"));
        Assert.Equal("m2", DealNotifications.For(A(ActivityKind.TaskReassigned, "m1", "m2"), "Call the client", "m2", "Press line", "Nordwerk GmbH")!.Recipient);
        Assert.Equal(new DealNotification("m1", "Overdue: Call the client — Nordwerk GmbH: Press line"),
            DealNotifications.For(A(ActivityKind.TaskOverdue, "system", "m1"), "Call the client", "m1", "Press line", "Nordwerk GmbH"));
        Assert.Equal(new DealNotification("sup", "Escalated: m1 has not done 'Call the client' — Nordwerk GmbH: Press line"),
            DealNotifications.For(A(ActivityKind.TaskEscalated, "system", "sup"), "Call the client", "m1", "Press line", "Nordwerk GmbH"));
        Assert.Null(DealNotifications.For(A(ActivityKind.Note, "m2", null), null, null, "Press line", "Nordwerk GmbH"));

        // The mail's kind and link follow from the words and the source.
        Assert.Equal(SalesOrleans.Domain.Leads.NotificationKind.Task, SalesOrleans.Domain.Leads.NotificationTemplates.Classify("New task: Call the client — Nordwerk GmbH: Press line"));
        var id = Guid.NewGuid();
        Assert.Equal($"/deal.html?id={id}", SalesOrleans.Domain.Leads.NotificationTemplates.PagePath("Overdue: x", "deal", id));
    }

    [Fact]
    public void Details_change_while_open_and_without_an_order_and_the_owners_tasks_follow_the_new_owner()
    {
        var deal = new Deal(new DealState(), TestProcesses.Manual(), new TestDirectory());
        deal.Start(Guid.NewGuid(), new NewDeal("Press line", "Nordwerk GmbH", "Hans", "m1", TestDirectory.Department, 1000m, "eur", null, null), Owner, T0);

        deal.ChangeDetails(new DealDetailsChange(" Two press lines ", 2500m, "usd", new DateOnly(2027, 3, 31), "m2"), orderExists: false, Owner, T0.AddHours(1));

        var s = deal.State;
        Assert.Equal(("Two press lines", 2500m, "USD", new DateOnly(2027, 3, 31), "m2"), (s.Title, s.Amount, s.Currency, s.ExpectedCloseDate, s.Owner));
        Assert.Equal("m2", deal.CurrentVisitTasks().Single(t => t.TemplateId == "call").Executor);
        var changed = Assert.Single(deal.Recorded, a => a.Kind == ActivityKind.DetailsChanged);
        Assert.Equal("Details: title 'Press line' → 'Two press lines', amount 1000 → 2500, currency EUR → USD, expected close none → 2027-03-31, owner m1 → m2", changed.Text);
        Assert.Contains(deal.Recorded, a => a.Kind == ActivityKind.TaskReassigned && a.Subject == "m2");

        // The same values again change nothing; null leaves a value as it is.
        var count = deal.Recorded.Count;
        deal.ChangeDetails(new DealDetailsChange("Two press lines", null, null, null, null), false, Owner, T0.AddHours(2));
        Assert.Equal(count, deal.Recorded.Count);
    }

    [Fact]
    public void Details_are_refused_with_an_order_a_bad_value_or_a_stranger()
    {
        var deal = new Deal(new DealState(), TestProcesses.Manual(), new TestDirectory());
        deal.Start(Guid.NewGuid(), new NewDeal("Press line", "Nordwerk GmbH", "Hans", "m1", TestDirectory.Department, 1000m, "eur", null, null), Owner, T0);
        Rejection Refused(DealDetailsChange change, bool order = false, Actor? actor = null) =>
            Assert.Throws<Rejection>(() => deal.ChangeDetails(change, order, actor ?? Owner, T0.AddHours(1)));

        Assert.Equal(RejectionCode.Conflict, Refused(new(null, 5m, null, null, null), order: true).Code);
        Assert.Equal("amount", Refused(new(null, -5m, null, null, null)).Field);
        Assert.Equal("currency", Refused(new(null, null, "euro", null, null)).Field);
        Assert.Equal("title", Refused(new(" ", null, null, null, null)).Field);
        Assert.Equal("expectedCloseDate", Refused(new(null, null, null, new DateOnly(2020, 1, 1), null)).Field);
        Assert.Equal("owner", Refused(new(null, null, null, null, "nobody")).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(new("x", null, null, null, null), actor: new Actor("u-other-1", ["manager"])).Code);
        Assert.Equal(("Press line", 1000m, "m1"), (deal.State.Title, deal.State.Amount, deal.State.Owner));
    }
}
