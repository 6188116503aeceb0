using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// The arbiter of one normalised phone or address: thin shell around <see cref="IdentityArbiter"/>, which decides;
/// the grain writes, tells the contact and makes the pending contact and lead in the order the decision says.
/// Non-reentrant: two claims at the same instant run one after the other, and the first makes the contact and its
/// lead before it answers, so the second finds them.
/// </summary>
// Customers come and go all day: an idle one leaves memory after minutes, not the default quarter hour.
[CollectionAgeLimit(Minutes = 5)]
public sealed class ContactIdentityGrain(
    [PersistentState("identity", StorageNames.GroupCommit)] IPersistentState<IdentityState> state,
    TimeProvider clock) : Grain, IContactIdentityGrain
{
    private IdentityArbiter Arbiter => new(state.State, this.GetPrimaryKeyString());

    public Task<IdentityBinding?> Resolve() => Carry(Arbiter.Resolve(clock.GetUtcNow()));

    public async Task<IdentityBinding> Claim(InquiryInfo inquiry, Guid newContactId, Guid newLeadId) =>
        (await Carry(Arbiter.Claim(inquiry, newContactId, newLeadId, clock.GetUtcNow())))!;

    public async Task<IdentityBinding> Reserve(InquiryInfo inquiry, Guid newContactId, Guid newLeadId) =>
        (await Carry(Arbiter.Reserve(inquiry, newContactId, newLeadId, clock.GetUtcNow())))!;

    public async Task<IdentityBinding> Hand(Guid reservedFor, Guid toContactId) => (await Carry(Arbiter.Hand(reservedFor, toContactId)))!;

    public async Task<IdentityBinding> Bind(Guid contactId) => (await Carry(Arbiter.Bind(contactId, clock.GetUtcNow())))!;

    /// <summary>Carries out a decision: bound first, made second, so a crash in between is finished by the next request.</summary>
    private async Task<IdentityBinding?> Carry(IdentityStep step)
    {
        if (step.Write)
        {
            await state.WriteStateAsync();
        }

        if (step.AddIdentityTo is { } contactId)
        {
            await GrainFactory.GetGrain<IContactGrain>(contactId).AddIdentity(this.GetPrimaryKeyString());
        }

        if (step.Provision && state.State.Pending is { } inquiry)
        {
            await Provisioning.OpenAsync(GrainFactory, inquiry, state.State.ContactId!.Value, state.State.FirstLeadId!.Value);
            Arbiter.Provisioned();
            await state.WriteStateAsync();
        }

        return step.Reply;
    }
}
