using SalesOrleans.Domain;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class LeadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Supervisor = new("sup", ["supervisor"]);
    private static readonly Actor M1 = new("m1", ["manager"]);
    private static readonly Actor M2 = new("m2", ["manager"]);
    private static readonly Actor Stranger = new("r1", ["manager"]);
    private readonly TestLeadDirectory _directory = new();

    private static InquiryInfo Inquiry(string? department = "d1", string key = "webform:abc12345", string? need = "Two pumps for a mine") =>
        new(key, LeadChannel.WebForm, T0, "Ivan Petrov", "+79161234567", "ivan@example.ru", "Uralmash", need, department, "routed by test");

    private Lead NewLead(string? department = "d1")
    {
        var lead = new Lead(new LeadState(), _directory, _ => new LeadSla(1, 2), "head");
        lead.Open(Guid.NewGuid(), new OpenLeadCommand(Guid.NewGuid(), Inquiry(department), null), T0);
        return lead;
    }

    private static Rejection Refused(Action action) => Assert.Throws<Rejection>(action);

    private static ConvertLeadCommand Conversion(string? legal = "OOO Uralmash, INN 6673000000") =>
        new("test-flow", null, null, "Two pumps", legal, "Ivan Petrov +79161234567", 1000m, "EUR");

    [Fact]
    public void Open_records_the_lead_with_its_sla_and_tells_the_supervisor()
    {
        var lead = NewLead();

        Assert.Equal(LeadStatus.New, lead.State.Status);
        Assert.Equal(T0.AddHours(1), lead.State.AssignDueAt);
        Assert.Equal([LeadActivityKind.Created, LeadActivityKind.Notified], lead.Recorded.Select(a => a.Kind));
        Assert.Equal("sup", lead.Recorded[1].Subject);
        Assert.Contains("routed by test", lead.Recorded[0].Text);
    }

    [Fact]
    public void An_unrouted_or_unknown_department_lands_in_triage_for_the_head_of_sales()
    {
        var lead = NewLead(null);
        var unknown = NewLead("nowhere");

        Assert.Equal(Lead.Triage, lead.State.Department);
        Assert.Equal(Lead.Triage, unknown.State.Department);
        Assert.Equal("head", lead.Recorded.Single(a => a.Kind == LeadActivityKind.Notified).Subject);
    }

    [Fact]
    public void A_supervisor_assigns_with_a_reason_and_the_assignee_is_told_and_gets_a_first_contact_deadline()
    {
        var lead = NewLead();

        lead.Assign("m2", "knows the customer", Supervisor, T0.AddMinutes(5));

        Assert.Equal((LeadStatus.Assigned, "m2"), (lead.State.Status, lead.State.Assignee));
        Assert.Equal("assigned by sup: knows the customer", lead.State.AssignmentReason);
        Assert.Equal(T0.AddMinutes(5).AddHours(2), lead.State.FirstContactDueAt);
        Assert.Equal("m2", lead.Recorded.Last(a => a.Kind == LeadActivityKind.Notified).Subject);
    }

    [Fact]
    public void Managers_take_leads_of_their_own_department_only_and_only_unassigned_ones()
    {
        var lead = NewLead();
        var seq = lead.State.Seq;

        Assert.Equal(RejectionCode.Forbidden, Refused(() => lead.Assign("m1", null, M1, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => lead.Take(Stranger, T0)).Code);
        Assert.Equal(seq, lead.State.Seq);

        lead.Take(M1, T0.AddMinutes(1));
        Assert.Equal(("m1", "taken by m1 from the d1 queue"), (lead.State.Assignee, lead.State.AssignmentReason));
        Assert.Equal(RejectionCode.Conflict, Refused(() => lead.Take(M2, T0.AddMinutes(2))).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => NewLead(null).Take(M1, T0)).Code);
    }

    [Fact]
    public void A_converted_lead_forwards_a_keyed_note_to_its_deal_only_when_it_did_not_note_that_key_itself()
    {
        var lead = NewLead();
        lead.Take(M1, T0.AddMinutes(1));
        Assert.Null(lead.ForwardedNoteTarget("call:a"));
        lead.Note("Call a from +79161234567: no_answer", "system", T0.AddMinutes(2), "call:a");
        lead.StartQualifying("Rückruf vereinbart", M1, T0.AddMinutes(30));
        var dealId = Guid.NewGuid();
        lead.MarkConverted(dealId, "test-flow", M1, T0.AddHours(1));

        // Noted before the conversion: that note stays the only one. A call it never noted goes to the deal.
        Assert.Null(lead.ForwardedNoteTarget("call:a"));
        Assert.Equal(dealId, lead.ForwardedNoteTarget("call:b"));
    }

    [Fact]
    public void Assigning_a_triage_lead_moves_it_to_the_assignees_department()
    {
        var lead = NewLead(null);
        lead.Assign("r3", null, new Actor("head", ["supervisor"]), T0.AddMinutes(1));
        Assert.Equal(("race", "assigned by head"), (lead.State.Department, lead.State.AssignmentReason));
    }

    [Fact]
    public void First_contact_starts_qualification_and_conversion_needs_needs_legal_details_and_contacts()
    {
        var lead = NewLead();
        lead.Take(M1, T0.AddMinutes(1));
        Assert.Equal(RejectionCode.Forbidden, Refused(() => lead.StartQualifying(null, M2, T0)).Code);
        lead.StartQualifying("Called, they want a quote", M1, T0.AddMinutes(30));
        Assert.Equal((LeadStatus.Qualifying, T0.AddMinutes(30)), (lead.State.Status, lead.State.FirstContactAt));

        Assert.Equal("legalDetails", Refused(() => lead.CheckConversion(Conversion(legal: " "), M1)).Field);
        Assert.Equal("needs", Refused(() => lead.CheckConversion(Conversion() with { Needs = null }, M1)).Field);
        Assert.Equal("contacts", Refused(() => lead.CheckConversion(Conversion() with { Contacts = "" }, M1)).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(() => lead.CheckConversion(Conversion(), M2)).Code);
        lead.CheckConversion(Conversion(), M1);

        var dealId = Guid.NewGuid();
        lead.MarkConverted(dealId, "test-flow", M1, T0.AddHours(1));
        Assert.Equal((LeadStatus.Converted, dealId), (lead.State.Status, lead.State.DealId));
        Assert.Equal(RejectionCode.Conflict, Refused(() => lead.Disqualify("spam", M1, T0.AddHours(2))).Code);
    }

    [Fact]
    public void A_lead_needs_an_assignee_before_it_converts_and_a_reason_to_be_disqualified()
    {
        var lead = NewLead();
        Assert.Equal(RejectionCode.Conflict, Refused(() => lead.CheckConversion(Conversion(), Supervisor)).Code);
        Assert.Equal("reason", Refused(() => lead.Disqualify(" ", Supervisor, T0)).Field);

        lead.Disqualify("Student homework, not a buyer", Supervisor, T0.AddMinutes(3));
        Assert.Equal((LeadStatus.Disqualified, "Student homework, not a buyer"), (lead.State.Status, lead.State.DisqualifyReason));
    }

    [Fact]
    public void A_further_inquiry_joins_once_and_tells_the_assignee()
    {
        var lead = NewLead();
        lead.Take(M2, T0);
        var before = lead.State.Seq;

        lead.AddInquiry(Inquiry(key: "call:777", need: "Called again"), T0.AddHours(1));
        lead.AddInquiry(Inquiry(key: "call:777", need: "Called again"), T0.AddHours(1));
        lead.AddInquiry(Inquiry(), T0.AddHours(1));

        Assert.Equal(2, lead.State.Inquiries.Count);
        Assert.Equal(before + 2, lead.State.Seq);
        Assert.Equal("m2", lead.State.Outbox.Last().Subject);
    }

    [Fact]
    public void A_lead_opened_by_number_alone_takes_the_name_and_company_a_later_inquiry_brings_and_keeps_them()
    {
        var lead = new Lead(new LeadState(), _directory, _ => new LeadSla(1, 2), "head");
        lead.Open(Guid.NewGuid(), new OpenLeadCommand(Guid.NewGuid(),
            new InquiryInfo("call:busy-1", LeadChannel.Phone, T0, null, "+79161234567", null, null, null, "d1", "test"), null), T0);
        Assert.Null(lead.State.Name);

        lead.AddInquiry(new InquiryInfo("call:2", LeadChannel.Phone, T0, "  ", "+79161234567", null, null, null, "d1", "test"), T0.AddMinutes(1));
        Assert.Null(lead.State.Name);
        lead.AddInquiry(new InquiryInfo("call:3", LeadChannel.Phone, T0, " Ольга Ким ", "+79161234567", null, "ООО «Ромашка»", null, "d1", "test"), T0.AddMinutes(2));
        lead.AddInquiry(new InquiryInfo("mail:4", LeadChannel.Email, T0, "Jürgen Groß", null, "jg@example.de", "Groß GmbH", null, "d1", "test"), T0.AddMinutes(3));

        Assert.Equal(("Ольга Ким", "ООО «Ромашка»", 4), (lead.State.Name, lead.State.Company, lead.State.Inquiries.Count));
    }

    [Fact]
    public void Sla_breaches_escalate_to_the_supervisor_once_each()
    {
        var lead = NewLead();
        Assert.Equal(T0.AddHours(1), lead.NextWakeAt);

        lead.CheckSla(T0.AddMinutes(59));
        Assert.Empty(lead.SlaBreaches);
        lead.CheckSla(T0.AddHours(1));
        lead.CheckSla(T0.AddHours(1.5));
        Assert.Equal(["assign"], lead.SlaBreaches);
        Assert.Single(lead.State.Outbox, a => a.Kind == LeadActivityKind.SlaBreached);
        Assert.Equal("sup", lead.State.Outbox.Last().Subject);

        lead.Take(M1, T0.AddHours(2));
        Assert.Equal(T0.AddHours(4), lead.NextWakeAt);
        lead.CheckSla(T0.AddHours(4));
        Assert.Equal(["assign", "first-contact"], lead.SlaBreaches);
        Assert.Null(lead.NextWakeAt);
    }

    [Fact]
    public void Sla_hours_count_in_working_calendars()
    {
        // Monday 17:30 in Berlin, one working hour to assign: due Tuesday 09:30.
        _directory.Calendars["sup"] = new WorkingCalendar("Europe/Berlin");
        var monday = new DateTimeOffset(2026, 11, 23, 16, 30, 0, TimeSpan.Zero);
        var lead = new Lead(new LeadState(), _directory, _ => new LeadSla(1, 2), "head");
        lead.Open(Guid.NewGuid(), new OpenLeadCommand(Guid.NewGuid(), Inquiry(), null), monday);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.Zero), lead.State.AssignDueAt!.Value.ToUniversalTime());
    }

    [Fact]
    public void Assigning_the_same_person_again_changes_nothing()
    {
        var lead = NewLead();
        lead.Assign("m1", null, Supervisor, T0);
        var seq = lead.State.Seq;
        lead.Assign("m1", "again", Supervisor, T0.AddMinutes(1));
        Assert.Equal(seq, lead.State.Seq);
        Assert.Equal("assignee", Refused(() => lead.Assign("ghost", null, Supervisor, T0)).Field);
    }

    [Fact]
    public void A_hand_over_moves_only_a_lead_not_yet_contacted_and_keeps_its_history()
    {
        var lead = NewLead();
        lead.Take(M1, T0);
        Assert.False(lead.HandOver("m2", "m1", "wrong holder", T0.AddMinutes(1)));
        Assert.True(lead.HandOver("m1", "m2", "m1 is absent; round robin", T0.AddMinutes(2)));
        Assert.Equal(("m2", "m1 is absent; round robin"), (lead.State.Assignee, lead.State.AssignmentReason));
        Assert.Contains("Reassigned from m1 to m2", lead.Recorded.Last(a => a.Kind == LeadActivityKind.Assigned).Text);

        lead.StartQualifying(null, M2, T0.AddMinutes(3));
        Assert.False(lead.HandOver("m2", "m1", "m2 is absent", T0.AddMinutes(4)));
        Assert.Equal("m2", lead.State.Assignee);
    }

    [Fact]
    public void A_hand_assignment_across_departments_moves_the_lead_with_its_assignee()
    {
        var lead = NewLead();
        lead.Assign("c1", "knows the plant", Supervisor, T0);
        Assert.Equal("cap", lead.State.Department);
    }
}
