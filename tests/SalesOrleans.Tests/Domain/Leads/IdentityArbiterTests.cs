using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

/// <summary>
/// The rules of one identity without a cluster: what the grain writes, whom it tells, whether it makes the pending
/// contact and lead, and what it answers, for each request on an unknown, reserved, pending and made identity.
/// </summary>
[Trait("Category", "Unit")]
public class IdentityArbiterTests
{
    private const string Phone = "phone:+79161234567";
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 30, 0, TimeSpan.FromHours(3));
    private static readonly Guid ContactA = Guid.Parse("0a0a0a0a-0000-0000-0000-000000000001");
    private static readonly Guid LeadA = Guid.Parse("0a0a0a0a-0000-0000-0000-000000000002");
    private static readonly Guid ContactB = Guid.Parse("0b0b0b0b-0000-0000-0000-000000000001");
    private static readonly Guid LeadB = Guid.Parse("0b0b0b0b-0000-0000-0000-000000000002");

    private static InquiryInfo Call(string key, string name) =>
        new(key, LeadChannel.Phone, T0, name, "+79161234567", null, null, null, "industrial", "called number");

    private static InquiryInfo Mail(string key) =>
        new(key, LeadChannel.Email, T0, "Jürgen Groß", "+79161234567", "j.gross@müller-pumpen.de", "Müller Pumpen GmbH", "Angebot für 2 Pumpen", "export", "keyword");

    [Fact]
    public void An_unknown_identity_answers_nothing_and_its_first_claim_binds_it_before_the_contact_and_lead_are_made()
    {
        var state = new IdentityState();
        var arbiter = new IdentityArbiter(state, Phone);

        Assert.Equal(new IdentityStep(null), arbiter.Resolve(T0));

        var inquiry = Call("call:1701", "Дарья Миронова");
        var claim = arbiter.Claim(inquiry, ContactA, LeadA, T0);
        // Bound first (written), made second (provision), then answered as the one that made it.
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: true), Write: true, Provision: true), claim);
        Assert.Equal((ContactA, LeadA, inquiry), (state.ContactId!.Value, state.FirstLeadId!.Value, state.Pending));
        Assert.Null(state.ReservedAt);

        // A crash before the making: whoever meets the identity next makes them (a claim has no lease).
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false), Provision: true), arbiter.Resolve(T0.AddMilliseconds(1)));

        arbiter.Provisioned();
        Assert.Null(state.Pending);
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false)), arbiter.Resolve(T0.AddDays(30)));
        // A replay of the winning claim still learns that it made the lead; another inquiry's claim finds the contact.
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: true)), arbiter.Claim(inquiry, ContactA, LeadA, T0.AddMinutes(1)));
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false)), arbiter.Claim(Mail("mail:<a@b>"), ContactB, LeadB, T0.AddMinutes(1)));
        Assert.Equal((ContactA, LeadA), (state.ContactId!.Value, state.FirstLeadId!.Value));
    }

    [Fact]
    public void A_reservation_holds_other_inquiries_off_for_the_lease_and_past_it_whoever_meets_it_makes_its_contact()
    {
        var state = new IdentityState();
        var arbiter = new IdentityArbiter(state, Phone);
        var reserving = Mail("mail:<7f3e@mueller-pumpen.de>");

        var reserve = arbiter.Reserve(reserving, ContactA, LeadA, T0);
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: true), Write: true), reserve);
        Assert.Equal(T0, state.ReservedAt);

        // Within the lease every other request is told to ask again, and nothing is made or written.
        var held = new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false, Reserved: true));
        var justInside = T0 + IdentityArbiter.ReservationLease - TimeSpan.FromMilliseconds(1);
        Assert.Equal(held, arbiter.Resolve(justInside));
        Assert.Equal(held, arbiter.Claim(Call("call:1702", "Дарья"), ContactB, LeadB, justInside));
        Assert.Equal(held, arbiter.Reserve(Call("call:1702", "Дарья"), ContactB, LeadB, justInside));
        Assert.Equal(held, arbiter.Bind(ContactB, justInside));

        // The holder itself is not held off: its replayed reservation changes nothing, its claim makes the contact.
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: true)), arbiter.Reserve(reserving, ContactA, LeadA, justInside));
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: true), Provision: true), arbiter.Claim(reserving, ContactA, LeadA, justInside));

        // Past the lease the holder is taken for crashed: the next inquiry makes the reserved contact and joins it.
        var past = T0 + IdentityArbiter.ReservationLease;
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false), Provision: true), arbiter.Resolve(past));
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false), Provision: true),
            arbiter.Reserve(Call("call:1702", "Дарья"), ContactB, LeadB, past));
        Assert.Equal((ContactA, LeadA, reserving), (state.ContactId!.Value, state.FirstLeadId!.Value, state.Pending));

        arbiter.Provisioned();
        Assert.Equal((null, (DateTimeOffset?)null), (state.Pending, state.ReservedAt));
        // Made: no one is held off any more, however soon after the reservation they ask.
        Assert.Equal(new IdentityStep(new IdentityBinding(Phone, ContactA, LeadA, CreatedNow: false)), arbiter.Bind(ContactB, T0));
    }

    [Fact]
    public void A_reservation_not_yet_made_is_handed_to_the_contact_its_inquiry_found_and_that_contact_is_told()
    {
        var state = new IdentityState();
        var arbiter = new IdentityArbiter(state, "email:j.gross@müller-pumpen.de");
        arbiter.Reserve(Mail("mail:<1@m>"), ContactA, LeadA, T0);

        var hand = arbiter.Hand(reservedFor: ContactA, toContactId: ContactB);
        Assert.Equal(new IdentityStep(new IdentityBinding("email:j.gross@müller-pumpen.de", ContactB, null, CreatedNow: false), Write: true, AddIdentityTo: ContactB), hand);
        Assert.Equal((ContactB, (Guid?)null, (InquiryInfo?)null, (DateTimeOffset?)null), (state.ContactId!.Value, state.FirstLeadId, state.Pending, state.ReservedAt));

        // A repeated hand-over, or one for a reservation that is not this one's, changes nothing and tells no one.
        var again = new IdentityStep(new IdentityBinding("email:j.gross@müller-pumpen.de", ContactB, null, CreatedNow: false));
        Assert.Equal(again, arbiter.Hand(reservedFor: ContactA, toContactId: ContactB));
        Assert.Equal(again, arbiter.Hand(reservedFor: ContactB, toContactId: ContactA));
    }

    [Fact]
    public void Bind_adds_an_unbound_identity_to_an_existing_contact_and_a_bound_one_keeps_its_contact()
    {
        var state = new IdentityState();
        var arbiter = new IdentityArbiter(state, "phone:+4940123456");

        var bind = arbiter.Bind(ContactA, T0);
        Assert.Equal(new IdentityStep(new IdentityBinding("phone:+4940123456", ContactA, null, CreatedNow: true), Write: true, AddIdentityTo: ContactA), bind);

        Assert.Equal(new IdentityStep(new IdentityBinding("phone:+4940123456", ContactA, null, CreatedNow: false)), arbiter.Bind(ContactB, T0.AddHours(2)));
        Assert.Equal(ContactA, state.ContactId);
    }
}
