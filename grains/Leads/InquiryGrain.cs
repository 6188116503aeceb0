using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

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
