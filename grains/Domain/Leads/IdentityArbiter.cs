namespace SalesOrleans.Domain.Leads;

/// <summary>What an identity grain persists: which contact a normalised phone or address belongs to.</summary>
public sealed class IdentityState
{
    public Guid? ContactId { get; set; }

    /// <summary>The lead made with the contact when this identity was first seen (null when bound to an existing contact).</summary>
    public Guid? FirstLeadId { get; set; }

    /// <summary>The inquiry the contact and lead are still to be made from; null once they exist.</summary>
    public InquiryInfo? Pending { get; set; }

    /// <summary>When an inquiry with several identities reserved this one (Reserve), until it made the contact or handed it on.</summary>
    public DateTimeOffset? ReservedAt { get; set; }
}

/// <summary>
/// What the identity grain does for one request, in this order: write the state if <see cref="Write"/>, tell the
/// contact <see cref="AddIdentityTo"/> that this identity is theirs, make the pending contact and lead if
/// <see cref="Provision"/> (then <see cref="IdentityArbiter.Provisioned"/> and write again), then answer
/// <see cref="Reply"/> (null: the identity is unknown).
/// </summary>
public sealed record IdentityStep(IdentityBinding? Reply, bool Write = false, Guid? AddIdentityTo = null, bool Provision = false);

/// <summary>
/// The rules of one identity (docs/lead-path.md, "one contact per identity"): the first inquiry to claim an unknown
/// identity makes its contact and lead, every later one finds them. "Bound first, made second": the binding is written
/// before the contact and lead are made, with the inquiry they are made from kept as pending, so whoever meets the
/// identity next finishes what a crash cut short. An inquiry with several identities reserves them all first (in
/// one order shared by every inquiry) and makes the contact through the first; a reservation holds others off for
/// <see cref="ReservationLease"/>, past which its holder is taken for crashed. Pure: the grain brings the time.
/// </summary>
public sealed class IdentityArbiter(IdentityState state, string identity)
{
    /// <summary>How long another inquiry's reservation holds others off; past it whoever meets it makes its contact.</summary>
    public static readonly TimeSpan ReservationLease = TimeSpan.FromSeconds(10);

    /// <summary>The contact this identity belongs to, or null while no one has claimed it.</summary>
    public IdentityStep Resolve(DateTimeOffset now)
    {
        if (state.ContactId is null)
        {
            return new IdentityStep(null);
        }

        return HeldByOther(null, now) ? Held() : Made(createdNow: false);
    }

    /// <summary>Binds an unbound identity to a new contact and lead made from the inquiry; a bound one answers its binding.</summary>
    public IdentityStep Claim(InquiryInfo inquiry, Guid newContactId, Guid newLeadId, DateTimeOffset now)
    {
        if (state.ContactId is not null)
        {
            // A replay of the winning claim still learns that it made the lead.
            return HeldByOther(newLeadId, now) ? Held() : Made(createdNow: state.FirstLeadId == newLeadId);
        }

        state.ContactId = newContactId;
        state.FirstLeadId = newLeadId;
        state.Pending = inquiry;
        return Made(createdNow: true) with { Write = true };
    }

    /// <summary>
    /// Binds an unbound identity to a contact and lead still to be made (by a later <see cref="Claim"/>), holding
    /// others off for the lease; a bound one answers its binding.
    /// </summary>
    public IdentityStep Reserve(InquiryInfo inquiry, Guid newContactId, Guid newLeadId, DateTimeOffset now)
    {
        if (state.ContactId is not null)
        {
            if (HeldByOther(newLeadId, now))
            {
                return Held();
            }

            // Someone else's contact (made now if a crashed reservation left it): whoever meets it joins it. Our own
            // reservation is made by our claim.
            return new IdentityStep(Binding(createdNow: state.FirstLeadId == newLeadId), Provision: state.ContactId != newContactId && state.Pending is not null);
        }

        state.ContactId = newContactId;
        state.FirstLeadId = newLeadId;
        state.Pending = inquiry;
        state.ReservedAt = now;
        return new IdentityStep(Binding(createdNow: true), Write: true);
    }

    /// <summary>Hands a reservation of <paramref name="reservedFor"/> not yet made over to an existing contact; a made one stays.</summary>
    public IdentityStep Hand(Guid reservedFor, Guid toContactId)
    {
        if (state.ContactId == reservedFor && state.Pending is not null)
        {
            state.ContactId = toContactId;
            state.FirstLeadId = null;
            state.Pending = null;
            state.ReservedAt = null;
            return new IdentityStep(Binding(createdNow: false), Write: true, AddIdentityTo: toContactId);
        }

        return Made(createdNow: false);
    }

    /// <summary>Adds this identity to an existing contact (a second phone, a caller's address); a bound one keeps its contact.</summary>
    public IdentityStep Bind(Guid contactId, DateTimeOffset now)
    {
        if (state.ContactId is null)
        {
            state.ContactId = contactId;
            return new IdentityStep(Binding(createdNow: true), Write: true, AddIdentityTo: contactId);
        }

        return HeldByOther(null, now) ? Held() : Made(createdNow: false);
    }

    /// <summary>The pending contact and lead have been made: nothing is owed any more.</summary>
    public void Provisioned()
    {
        state.Pending = null;
        state.ReservedAt = null;
    }

    /// <summary>A reservation of another inquiry (not the one making <paramref name="leadId"/>) still being worked on.</summary>
    private bool HeldByOther(Guid? leadId, DateTimeOffset now) =>
        state.Pending is not null && state.ReservedAt is { } at && state.FirstLeadId != leadId && now - at < ReservationLease;

    /// <summary>The binding as it stands, with whatever is still pending made first.</summary>
    private IdentityStep Made(bool createdNow) => new(Binding(createdNow), Provision: state.Pending is not null);

    private IdentityStep Held() => new(Binding(createdNow: false) with { Reserved = true });

    private IdentityBinding Binding(bool createdNow) => new(identity, state.ContactId!.Value, state.FirstLeadId, createdNow);
}
