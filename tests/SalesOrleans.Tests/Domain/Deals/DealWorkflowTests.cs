using SalesOrleans.Domain.Deals;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Reopening a lost deal and whom a deal's activities notify.</summary>
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

        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<DealRejection>(() => deal.Reopen(Owner, null, T0.AddHours(1))).Code);
        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<DealRejection>(() => deal.Reopen(OtherManager, null, T0.AddHours(1))).Code);
        Assert.Equal(DealStatus.Lost, deal.State.Status);

        deal.Reopen(Admin, null, T0.AddHours(1));
        Assert.Equal(RejectionCode.Conflict, Assert.Throws<DealRejection>(() => deal.Reopen(Admin, null, T0.AddHours(2))).Code);
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
}
