using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Leads;

/// <summary>Whoever answers a call of a lead nobody has keeps the customer.</summary>
[Trait("Category", "Unit")]
public class LeadAnswerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly TestLeadDirectory _directory = new();

    private Lead NewLead(string? department = "d1")
    {
        var lead = new Lead(new LeadState(), _directory, _ => new LeadSla(1, 2), "head");
        lead.Open(Guid.NewGuid(), new OpenLeadCommand(Guid.NewGuid(),
            new InquiryInfo("call:c1", LeadChannel.Phone, T0, "Ivan Petrov", "+79161234567", null, null, null, department, "routed by test"), null), T0);
        return lead;
    }

    [Fact]
    public void Answering_assigns_an_unassigned_lead_to_the_one_who_answered_and_tells_them()
    {
        var lead = NewLead();

        Assert.True(lead.AssignToAnswerer("m1", "c1", T0.AddSeconds(20)));

        Assert.Equal(("m1", LeadStatus.Assigned), (lead.State.Assignee, lead.State.Status));
        Assert.Equal("answered the call c1", lead.State.AssignmentReason);
        Assert.Contains(lead.Recorded, a => a.Kind == LeadActivityKind.Assigned && a.Actor == "m1");
        Assert.Contains(lead.Recorded, a => a.Kind == LeadActivityKind.Notified && a.Subject == "m1");
    }

    [Fact]
    public void A_lead_someone_has_or_an_answer_by_nobody_known_changes_nothing()
    {
        var lead = NewLead();
        lead.AssignToAnswerer("m1", "c1", T0.AddSeconds(20));

        Assert.False(lead.AssignToAnswerer("m2", "c2", T0.AddMinutes(5)));
        Assert.Equal("m1", lead.State.Assignee);
        Assert.False(NewLead().AssignToAnswerer("nobody-at-this-extension", "c3", T0));
        Assert.False(NewLead().AssignToAnswerer("", "c4", T0));
    }
}
