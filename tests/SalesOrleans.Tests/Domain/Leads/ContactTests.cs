using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class ContactTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor System = new("system", ["system"]);

    private static Contact NewContact(string? responsible = "m1")
    {
        var contact = new Contact(new ContactState(), new TestLeadDirectory(), "head");
        var inquiry = new InquiryInfo("webform:first", LeadChannel.WebForm, T0, "Ivan", "+79161234567", "ivan@example.ru", "Uralmash", "Pumps", "d1", "test");
        contact.Register(Guid.NewGuid(), inquiry, Guid.NewGuid(), "d1", responsible, T0);
        return contact;
    }

    [Fact]
    public void Registering_keeps_both_identities_and_the_responsible_manager()
    {
        var contact = NewContact();
        Assert.Equal(["phone:+79161234567", "email:ivan@example.ru"], contact.State.Identities);
        Assert.Equal(("m1", "d1", ContactKind.Potential), (contact.State.Responsible, contact.State.Department, contact.State.Kind));
    }

    [Fact]
    public void A_known_contact_without_an_open_lead_tells_its_owner_once_per_inquiry()
    {
        var contact = NewContact();
        contact.LeadClosed(contact.State.OpenLeadId!.Value, Guid.NewGuid(), "m2", T0.AddDays(1));
        var inquiry = new InquiryInfo("call:9", LeadChannel.Phone, T0, null, "+79161234567", null, null, null, null, "test");

        Assert.True(contact.RecordInquiry(inquiry, T0.AddDays(2)));
        Assert.False(contact.RecordInquiry(inquiry, T0.AddDays(2)));

        Assert.Equal((ContactKind.Customer, "m2", 2), (contact.State.Kind, contact.State.Responsible, contact.State.Inquiries));
        Assert.Equal("m2", contact.Recorded.Last(a => a.Kind == "Notified").Subject);
    }

    [Fact]
    public void A_contact_known_only_by_number_takes_the_name_a_later_inquiry_brings_and_keeps_it()
    {
        var contact = new Contact(new ContactState(), new TestLeadDirectory(), "head");
        contact.Register(Guid.NewGuid(), new InquiryInfo("call:busy-1", LeadChannel.Phone, T0, null, "+79161234567", null, null, null, "d1", "test"),
            Guid.NewGuid(), "d1", "m1", T0);

        contact.RecordInquiry(new InquiryInfo("call:2", LeadChannel.Phone, T0, "Ольга Ким", "+79161234567", null, null, null, "d1", "test"), T0.AddMinutes(1));
        contact.RecordInquiry(new InquiryInfo("call:3", LeadChannel.Phone, T0, "O. Kim", "+79161234567", null, null, null, "d1", "test"), T0.AddMinutes(2));

        Assert.Equal(("Ольга Ким", 3), (contact.State.Name, contact.State.Inquiries));
    }

    [Fact]
    public void A_task_goes_to_the_owner_by_default_and_only_its_executor_or_a_supervisor_moves_it()
    {
        var contact = NewContact();
        var task = contact.AddTask(new NewContactTask("Call back", null, "call-back", 1), System, T0);
        Assert.Equal(("m1", T0.AddHours(1)), (task.Executor, task.Deadline));

        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => contact.ReassignTask(task.Id, "m2", null, new Actor("m2", ["manager"]), T0)).Code);
        Assert.Equal("executor", Assert.Throws<Rejection>(() => contact.ReassignTask(task.Id, "ghost", null, System, T0)).Field);
        contact.ReassignTask(task.Id, "m2", "m1 is absent", new Actor("m1", ["manager"]), T0.AddMinutes(5));

        Assert.Equal("m2", task.Executor);
        Assert.Equal("m2", contact.Recorded.Last(a => a.Kind == "Notified").Subject);
        contact.CompleteTask(task.Id, "Reached him", new Actor("m2", ["manager"]), T0.AddMinutes(30));
        Assert.Equal(RejectionCode.Conflict, Assert.Throws<Rejection>(() => contact.ReassignTask(task.Id, "m1", null, System, T0)).Code);
    }

    [Fact]
    public void A_task_given_with_an_id_is_made_once_however_often_it_is_asked_for()
    {
        var contact = NewContact();
        var first = contact.AddTask(new NewContactTask("Call back", null, "call-back", 1, "CB-1"), System, T0);
        var recorded = contact.Recorded.Count;
        // The retry of a settling whose first attempt made the task but never learnt it did.
        var again = contact.AddTask(new NewContactTask("Call back", null, "call-back", 1, "CB-1"), System, T0.AddMinutes(1));

        Assert.Same(first, again);
        Assert.Single(contact.State.Tasks);
        Assert.Equal(recorded, contact.Recorded.Count);
        // Tasks without an id are numbered as before and never collide with it.
        Assert.Equal("C1", contact.AddTask(new NewContactTask("Send the offer", null, "task", 1), System, T0).Id);
    }

    [Fact]
    public void Overdue_tasks_are_flagged_then_escalated_once_each()
    {
        var contact = NewContact();
        var task = contact.AddTask(new NewContactTask("Call back", null, "call-back", 1), System, T0);
        Assert.Equal(T0.AddHours(1), contact.NextWakeAt);

        contact.CheckDeadlines(T0.AddHours(1), 2);
        contact.CheckDeadlines(T0.AddHours(2), 2);
        Assert.Equal((T0.AddHours(1), (DateTimeOffset?)T0.AddHours(3), (string?)null), (task.OverdueAt, task.EscalationDueAt, task.EscalatedTo));
        contact.CheckDeadlines(T0.AddHours(3), 2);
        contact.CheckDeadlines(T0.AddHours(4), 2);

        Assert.Equal("sup", task.EscalatedTo);
        Assert.Single(contact.State.Outbox, a => a.Kind == "TaskOverdue");
        Assert.Single(contact.State.Outbox, a => a.Kind == "TaskEscalated");
        Assert.Null(contact.NextWakeAt);
    }

    [Fact]
    public void Without_anyone_responsible_a_task_needs_a_named_executor_or_goes_to_the_supervisor()
    {
        var contact = NewContact(responsible: null);
        Assert.Equal("sup", contact.AddTask(new NewContactTask("Call back", null, "call-back", 1), System, T0).Executor);
    }

    private static ImportedContact Imported(string? responsible = "m1", params string[] phones) =>
        new("Anna Petrova", phones.Length == 0 ? ["+79161234567"] : phones, ["anna@uralmash.ru"], Guid.Parse("00000000-0000-0000-0000-0000000000c1"), "Uralmash",
            "chief buyer", "d1", responsible, "P-1", "import contacts.csv row 2");

    [Fact]
    public void An_imported_contact_is_a_customer_reachable_at_its_phones_and_addresses_with_no_lead()
    {
        var contact = new Contact(new ContactState(), new TestLeadDirectory(), "head");
        var id = Guid.NewGuid();

        Assert.True(contact.Import(id, Imported(), "admin", T0));

        var s = contact.State;
        Assert.Equal((id, ContactKind.Customer, "Uralmash", "chief buyer", "P-1", "m1", "d1"), (s.Id, s.Kind, s.Company, s.Position, s.ExternalId, s.Responsible, s.Department));
        Assert.Equal(["phone:+79161234567", "email:anna@uralmash.ru"], s.Identities);
        Assert.Null(s.OpenLeadId);
        Assert.Equal("Imported", Assert.Single(contact.Recorded).Kind);
    }

    [Fact]
    public void Importing_the_same_contact_again_records_nothing_and_a_changed_row_records_what_changed()
    {
        var state = new ContactState();
        new Contact(state, new TestLeadDirectory(), "head").Import(Guid.NewGuid(), Imported(), "admin", T0);
        var seq = state.Seq;

        var again = new Contact(state, new TestLeadDirectory(), "head");
        Assert.False(again.Import(state.Id, Imported(), "admin", T0.AddDays(1)));
        Assert.Equal(seq, state.Seq);
        Assert.Empty(again.Recorded);

        var changed = new Contact(state, new TestLeadDirectory(), "head");
        Assert.True(changed.Import(state.Id, Imported("m2", "+79161234567", "+74951112233"), "admin", T0.AddDays(2)));
        Assert.Equal("m2", state.Responsible);
        Assert.Contains("phone:+74951112233", state.Identities);
        Assert.Contains("responsible m2", Assert.Single(changed.Recorded).Text);
    }

    [Fact]
    public void Importing_a_contact_a_caller_already_made_fills_it_in_and_makes_it_a_customer()
    {
        var contact = NewContact(responsible: "m2");
        var leadId = contact.State.OpenLeadId;

        Assert.True(contact.Import(contact.State.Id, Imported(responsible: null), "admin", T0.AddDays(1)));

        Assert.Equal(("Anna Petrova", ContactKind.Customer, "m2", leadId), (contact.State.Name, contact.State.Kind, contact.State.Responsible, contact.State.OpenLeadId));
        Assert.Contains("now a customer", contact.Recorded.Last().Text);
    }
}

[Trait("Category", "Unit")]
public class NotificationTemplatesTests
{
    [Theory]
    [InlineData("New lead in training from Petra.", NotificationKind.NewLead, "[SalesOrleans] New lead")]
    [InlineData("New unrouted lead from +7916: choose a department and a manager.", NotificationKind.NewLead, "[SalesOrleans] New lead")]
    [InlineData("Lead assigned to you: Petra — Excel", NotificationKind.Assigned, "[SalesOrleans] Lead assigned to you")]
    [InlineData("Lead from Petra is still unassigned (due 2026-11-23 10:00:00Z).", NotificationKind.Overdue, "[SalesOrleans] Overdue: escalated to you")]
    [InlineData("k.weber has not contacted Petra yet (due 2026-11-23 10:00:00Z).", NotificationKind.Overdue, "[SalesOrleans] Overdue: escalated to you")]
    [InlineData("Petra (a known customer) got in touch again: call:1", NotificationKind.KnownCustomer, "[SalesOrleans] A known customer got in touch")]
    public void Each_notification_gets_its_template(string text, NotificationKind kind, string subject)
    {
        Assert.Equal(kind, NotificationTemplates.Classify(text));
        var (s, body) = NotificationTemplates.Render("Eva Keller", text, "lead", Guid.Empty, "http://node.example/");
        Assert.Equal(subject, s);
        Assert.Contains(text, body);
        Assert.Contains("http://node.example/leads.html?id=00000000-0000-0000-0000-000000000000", body);
    }

    [Fact]
    public void A_known_customers_notification_shows_what_they_wrote_and_links_the_deal_page()
    {
        var deal = Guid.NewGuid();
        var text = "Petra Hoffmann (a known customer) got in touch again about deal " + deal + NotificationTemplates.Wrote("Re: Angebot\nWir hätten gern\r\n eine Variante mit 400 Litern.");

        var (subject, body) = NotificationTemplates.Render("Eva Keller", text, "contact", Guid.NewGuid(), "https://crm.example.de/");

        Assert.Equal("[SalesOrleans] A known customer got in touch", subject);
        Assert.Contains("\"Re: Angebot Wir hätten gern eine Variante mit 400 Litern.\"", body);
        Assert.Contains($"Open: https://crm.example.de/deal.html?id={deal}", body);
        Assert.DoesNotContain("/api/", body);
        Assert.EndsWith("…\"", NotificationTemplates.Wrote(new string('x', 500)));
    }
}
