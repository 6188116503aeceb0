using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// The arbiter of one normalised phone or address (DESIGN rule 3). Non-reentrant: two claims at the same instant
/// run one after the other, and the first makes the contact and its lead before it answers, so the second finds them.
/// </summary>
// Customers come and go all day: an idle one leaves memory after minutes, not the default quarter hour.
[CollectionAgeLimit(Minutes = 5)]
public sealed class ContactIdentityGrain(
    [PersistentState("identity", StorageNames.GroupCommit)] IPersistentState<IdentityState> state) : Grain, IContactIdentityGrain
{
    // How long another inquiry's reservation holds others off; past it the holder is taken for crashed and whoever
    // meets the reservation makes its contact.
    private static readonly TimeSpan ReservationLease = TimeSpan.FromSeconds(10);

    public async Task<IdentityBinding?> Resolve()
    {
        if (state.State.ContactId is null)
        {
            return null;
        }

        if (HeldByOther(null))
        {
            return Binding(createdNow: false) with { Reserved = true };
        }

        await Provision();
        return Binding(createdNow: false);
    }

    /// <summary>A reservation of another inquiry (not the one making <paramref name="leadId"/>) still being worked on.</summary>
    private bool HeldByOther(Guid? leadId) =>
        state.State.Pending is not null && state.State.ReservedAt is { } at && state.State.FirstLeadId != leadId
        && DateTimeOffset.UtcNow - at < ReservationLease;

    public async Task<IdentityBinding> Claim(InquiryInfo inquiry, Guid newContactId, Guid newLeadId)
    {
        if (state.State.ContactId is not null)
        {
            if (HeldByOther(newLeadId))
            {
                return Binding(createdNow: false) with { Reserved = true };
            }

            await Provision();
            // A replay of the winning claim still learns that it made the lead.
            return Binding(createdNow: state.State.FirstLeadId == newLeadId);
        }

        // Bound first, provisioned second: a crash in between is finished by the next call.
        state.State.ContactId = newContactId;
        state.State.FirstLeadId = newLeadId;
        state.State.Pending = inquiry;
        await state.WriteStateAsync();
        await Provision();
        return Binding(createdNow: true);
    }

    public async Task<IdentityBinding> Reserve(InquiryInfo inquiry, Guid newContactId, Guid newLeadId)
    {
        if (state.State.ContactId is not null)
        {
            if (HeldByOther(newLeadId))
            {
                return Binding(createdNow: false) with { Reserved = true };
            }

            // Someone else's contact (made now if a crashed reservation left it): whoever meets it joins it.
            if (state.State.ContactId != newContactId)
            {
                await Provision();
            }

            return Binding(createdNow: state.State.FirstLeadId == newLeadId);
        }

        state.State.ContactId = newContactId;
        state.State.FirstLeadId = newLeadId;
        state.State.Pending = inquiry;
        state.State.ReservedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        return Binding(createdNow: true);
    }

    public async Task<IdentityBinding> Hand(Guid reservedFor, Guid toContactId)
    {
        if (state.State.ContactId == reservedFor && state.State.Pending is not null)
        {
            state.State.ContactId = toContactId;
            state.State.FirstLeadId = null;
            state.State.Pending = null;
            state.State.ReservedAt = null;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IContactGrain>(toContactId).AddIdentity(this.GetPrimaryKeyString());
            return Binding(createdNow: false);
        }

        await Provision();
        return Binding(createdNow: false);
    }

    public async Task<IdentityBinding> Bind(Guid contactId)
    {
        if (state.State.ContactId is null)
        {
            state.State.ContactId = contactId;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IContactGrain>(contactId).AddIdentity(this.GetPrimaryKeyString());
            return Binding(createdNow: true);
        }

        if (HeldByOther(null))
        {
            return Binding(createdNow: false) with { Reserved = true };
        }

        await Provision();
        return Binding(createdNow: false);
    }

    private async Task Provision()
    {
        if (state.State.Pending is not { } inquiry)
        {
            return;
        }

        var contactId = state.State.ContactId!.Value;
        var leadId = state.State.FirstLeadId!.Value;
        await Provisioning.OpenAsync(GrainFactory, inquiry, contactId, leadId);

        state.State.Pending = null;
        state.State.ReservedAt = null;
        await state.WriteStateAsync();
    }

    private IdentityBinding Binding(bool createdNow) =>
        new(this.GetPrimaryKeyString(), state.State.ContactId!.Value, state.State.FirstLeadId, createdNow);
}

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
/// One inquiry by its external key: processed once (replays answer the stored outcome). Finds a known contact by
/// any of the inquiry's identities; otherwise claims them, which makes the contact and the lead. With several
/// identities it reserves them all first, in one order shared by every inquiry, so two inquiries at the same instant
/// that share any one of them (phone and address, address only) meet there and make one contact: the later joins.
/// </summary>
public sealed class InquiryGrain(
    [PersistentState("inquiry", StorageNames.GroupCommit)] IPersistentState<InquiryGrainState> state,
    ILogger<InquiryGrain> logger) : Grain, IInquiryGrain
{
    public Task<InquiryOutcome?> GetOutcome() => Task.FromResult(state.State.Outcome);

    public async Task<InquiryOutcome> AttachTo(InquiryInfo inquiry, Guid contactId)
    {
        if (state.State.Outcome is { } done)
        {
            return done;
        }

        var outcome = await JoinHistory(inquiry, contactId);
        state.State.Inquiry = inquiry;
        state.State.Outcome = outcome;
        await state.WriteStateAsync();
        DeactivateOnIdle();
        return outcome;
    }

    public async Task<InquiryOutcome> Submit(InquiryInfo inquiry)
    {
        if (state.State.Outcome is { } done)
        {
            return done;
        }

        var identities = new List<string>();
        if (inquiry.Phone is not null)
        {
            identities.Add(ContactNormalizer.PhoneIdentity(inquiry.Phone));
        }

        if (inquiry.Email is not null)
        {
            identities.Add(ContactNormalizer.EmailIdentity(inquiry.Email));
        }

        // Ids derived from the key, so a replay after a crash claims with the same ones without a write of its own.
        var contactId = Provisioning.IdFor("contact", inquiry.Key);
        var leadId = Provisioning.IdFor("lead", inquiry.Key);
        InquiryOutcome outcome;
        if (identities.Count == 0)
        {
            // A manual entry with a name only: nothing to dedupe on.
            await Provisioning.OpenAsync(GrainFactory, inquiry, contactId, leadId);
            outcome = new InquiryOutcome(inquiry.Key, InquiryOutcomeKind.NewLead, contactId, leadId, null, null);
        }
        else
        {
            IdentityBinding? known = null;
            foreach (var identity in identities)
            {
                known = await UntilFree(() => GrainFactory.GetGrain<IContactIdentityGrain>(identity).Resolve());
                if (known is not null)
                {
                    break;
                }
            }

            var binding = known ?? await ClaimAll(inquiry, identities, contactId, leadId);
            // The other identities join the same contact (an address given along with a known phone).
            foreach (var other in identities.Where(i => i != binding.Identity))
            {
                var bound = await UntilFree(() => GrainFactory.GetGrain<IContactIdentityGrain>(other).Bind(binding.ContactId));
                if (bound.ContactId != binding.ContactId)
                {
                    logger.LogInformation("Inquiry {Key}: {Identity} belongs to contact {Other}, not {Contact}", inquiry.Key, other, bound.ContactId, binding.ContactId);
                }
            }

            outcome = binding.CreatedNow
                ? new InquiryOutcome(inquiry.Key, InquiryOutcomeKind.NewLead, binding.ContactId, binding.FirstLeadId, null, null)
                : await JoinHistory(inquiry, binding.ContactId);
        }

        state.State.Inquiry = inquiry;
        state.State.Outcome = outcome;
        await state.WriteStateAsync();
        // One inquiry, answered once: only a retry asks again, and storage answers it as well as memory.
        DeactivateOnIdle();
        return outcome;
    }

    /// <summary>
    /// Reserves every identity for the new contact, in ordinal order, then makes it through the first. An identity
    /// found taken (another inquiry got there first) means that customer: the reservations made so far are handed to it.
    /// </summary>
    private async Task<IdentityBinding> ClaimAll(InquiryInfo inquiry, List<string> identities, Guid contactId, Guid leadId)
    {
        if (identities.Count == 1)
        {
            return await UntilFree(() => GrainFactory.GetGrain<IContactIdentityGrain>(identities[0]).Claim(inquiry, contactId, leadId));
        }

        // Reservations are taken in one order by every inquiry, so waiting for another's while holding some of ours
        // cannot go round in a circle.
        var ordered = identities.Order(StringComparer.Ordinal).ToList();
        var reserved = new List<string>();
        foreach (var identity in ordered)
        {
            var binding = await UntilFree(() => GrainFactory.GetGrain<IContactIdentityGrain>(identity).Reserve(inquiry, contactId, leadId));
            if (binding.ContactId != contactId)
            {
                foreach (var mine in reserved)
                {
                    await GrainFactory.GetGrain<IContactIdentityGrain>(mine).Hand(contactId, binding.ContactId);
                }

                return binding;
            }

            reserved.Add(identity);
        }

        var made = await GrainFactory.GetGrain<IContactIdentityGrain>(ordered[0]).Claim(inquiry, contactId, leadId);
        // The other reservations are made now: their claim clears the pending inquiry (making again is a no-op).
        foreach (var other in ordered.Skip(1))
        {
            await GrainFactory.GetGrain<IContactIdentityGrain>(other).Claim(inquiry, contactId, leadId);
        }

        return made;
    }

    /// <summary>Asks again while another inquiry's reservation holds the identity (it ends within its lease).</summary>
    private static async Task<T> UntilFree<T>(Func<Task<T>> ask)
    {
        var wait = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var binding = await ask();
            if (binding is not IdentityBinding { Reserved: true })
            {
                return binding;
            }

            await Task.Delay(wait);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>A known contact: the inquiry joins their history and their open lead, or else their open deal's journal.</summary>
    private async Task<InquiryOutcome> JoinHistory(InquiryInfo inquiry, Guid contactId)
    {
        var contact = await GrainFactory.GetGrain<IContactGrain>(contactId).RecordInquiry(inquiry, null)
            ?? throw new InvalidOperationException($"Contact {contactId} is bound but does not exist.");
        string? notified = null;
        if (contact.OpenLeadId is { } leadId)
        {
            var lead = await GrainFactory.GetGrain<ILeadGrain>(leadId).AddInquiry(inquiry);
            notified = lead.Lead?.Assignee;
        }
        else
        {
            notified = contact.Responsible;
            if (contact.OpenDealId is { } dealId)
            {
                // A note has a limit the need may not fit with its frame: the need is shortened (a long mail's whole text is a document).
                var need = inquiry.Need?.Trim();
                need = need is { Length: > 3000 } ? need[..3000] + "…" : need;
                await GrainFactory.GetGrain<IDealGrain>(dealId).AddNote(
                    new AddNoteCommand($"Inquiry {inquiry.Key} from {contact.Name ?? inquiry.Phone ?? inquiry.Email}{(string.IsNullOrWhiteSpace(need) ? "" : $": {need}")}", "inquiry:" + inquiry.Key),
                    new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
            }
        }

        return new InquiryOutcome(inquiry.Key, InquiryOutcomeKind.JoinedHistory, contactId, contact.OpenLeadId, contact.OpenDealId, notified);
    }
}

public sealed class InquiryGrainState
{
    public InquiryInfo? Inquiry { get; set; }

    public InquiryOutcome? Outcome { get; set; }
}

/// <summary>Making a new contact with its lead, the same way for identity grains and name-only inquiries.</summary>
internal static class Provisioning
{
    /// <summary>A stable id per (kind, inquiry key): MD5 here is a name-based id, not security.</summary>
    public static Guid IdFor(string kind, string key) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}|{key}")));

    /// <summary>
    /// Opens the lead first — it comes back assigned when its queue had someone — then registers the contact with
    /// the lead's department and assignee, so neither needs a second write. Both steps are idempotent.
    /// </summary>
    public static async Task OpenAsync(IGrainFactory grains, InquiryInfo inquiry, Guid contactId, Guid leadId)
    {
        var opened = await grains.GetGrain<ILeadGrain>(leadId).Open(new OpenLeadCommand(contactId, inquiry, null));
        if (!opened.Ok)
        {
            throw new InvalidOperationException($"Lead {leadId} for inquiry {inquiry.Key} was refused: {opened.Error!.Message}");
        }

        await grains.GetGrain<IContactGrain>(contactId).Register(inquiry, leadId, opened.Lead!.Department, opened.Lead.Assignee);
    }
}
