using MimeKit;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

// Ports of the lead intake web calls (issue 13); grains implement them (InquiryIntake, MailInquiries). Here, not in
// grain-interfaces, because their signatures need domain types (the routing input, a MIME message).

/// <summary>An inquiry as a channel received it, before normalisation and routing.</summary>
public sealed record RawInquiry(
    string Key,
    LeadChannel Channel,
    string? Name,
    string? Phone,
    string? Email,
    string? Company,
    string? Need,
    RoutingInput Routing,
    string? Department = null,
    string? SubmittedBy = null,
    bool NameAloneIsEnough = false,
    string? Region = null,
    string? EquipmentType = null);

/// <summary>Every channel's way in: checks and normalises an inquiry, then hands it to its inquiry grain (grains: InquiryIntake).</summary>
public interface IInquiryIntake
{
    /// <summary>Checks and normalises; throws a <see cref="Rejection"/> naming the field. Changes nothing.</summary>
    InquiryInfo Prepare(RawInquiry raw);

    Task<InquiryOutcome> SubmitAsync(InquiryInfo inquiry);
}

/// <summary>What a person adds when making a lead of a quarantined mail: the contact data the mail lacked, a department.</summary>
public sealed record MailLeadDetails(string? Name, string? Phone, string? Email, string? Company, string? Department);

/// <summary>A person's decision on a quarantined mail: a lead of it, or its files to a known contact (grains: MailInquiries).</summary>
public interface IMailInquiries
{
    Task<InquiryOutcome> MakeLeadAsync(MimeMessage message, string fallbackKey, string? mailbox, MailLeadDetails details, string person);

    Task<InquiryOutcome> AttachAsync(MimeMessage message, string fallbackKey, string? mailbox, ContactView contact, string person);
}
