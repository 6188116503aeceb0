using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// The identity grain's lease through the grains, on the fixture's clock: an inquiry whose holder crashed after
/// reserving a number is not waited for beyond the lease, and the contact and lead it reserved are made once.
/// </summary>
[Trait("Category", "Grain")]
[Collection(LeadClusterCollection.Name)]
public class IdentityLeaseTests(LeadClusterFixture fixture)
{
    private static readonly ContactNormalizer Normalizer = new("RU");

    [Fact]
    public async Task An_inquiry_meeting_a_reservation_whose_holder_crashed_makes_that_contact_once_the_lease_runs_out()
    {
        var phone = Normalizer.NormalizePhone($"8 (916) {Random.Shared.Next(0, 10_000_000):D7}")!;
        var identity = fixture.Grains.GetGrain<IContactIdentityGrain>(ContactNormalizer.PhoneIdentity(phone));
        // A mail with the number and an address reserved the number for its new contact, then its node died.
        var crashed = new InquiryInfo($"mail:<{Guid.NewGuid():N}@mueller-pumpen.de>", LeadChannel.Email, DateTimeOffset.UtcNow, "Jürgen Groß", phone,
            $"j.gross.{Guid.NewGuid():N}@mueller-pumpen.de", "Müller Pumpen GmbH", "Angebot: 2 Kreiselpumpen", "d1", "test");
        var (contactId, leadId) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.True((await identity.Reserve(crashed, contactId, leadId)).CreatedNow);

        // The same customer calls: the call's inquiry meets the reservation and asks again while it holds.
        var call = new InquiryInfo($"call:{Guid.NewGuid():N}", LeadChannel.Phone, DateTimeOffset.UtcNow, "Юрген Гросс", phone, null, null, null, "d1", "test");
        var submitted = fixture.Grains.GetGrain<IInquiryGrain>(call.Key).Submit(call);
        // Time is the subject: within the lease nothing is made, however long the caller waits in real time.
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.False(submitted.IsCompleted);
        Assert.Null(await fixture.Grains.GetGrain<ILeadGrain>(leadId).Get());

        fixture.Clock.Advance(IdentityArbiter.ReservationLease);
        var outcome = await submitted.WaitAsync(TimeSpan.FromSeconds(30));

        // The reserved contact and lead are made from the crashed mail, and the call joins them.
        Assert.Equal((InquiryOutcomeKind.JoinedHistory, contactId, (Guid?)leadId), (outcome.Kind, outcome.ContactId, outcome.LeadId));
        var lead = (await fixture.Grains.GetGrain<ILeadGrain>(leadId).Get())!;
        Assert.Equal(("Jürgen Groß", crashed.Key), (lead.Name, lead.InquiryKey));
        Assert.Equal([crashed.Key, call.Key], lead.Inquiries.Select(i => i.Key));
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(contactId).Get())!;
        Assert.Equal((2, (Guid?)leadId), (contact.Inquiries, contact.OpenLeadId));

        // Whoever asks now finds the made contact at once: nothing is pending, nothing held.
        var found = await identity.Resolve();
        Assert.Equal((contactId, (Guid?)leadId, false), (found!.ContactId, found.FirstLeadId, found.Reserved));
    }
}
