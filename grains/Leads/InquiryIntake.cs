using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

/// <summary>
/// Every channel's way in: normalises the contact data, picks the department (explicit, else the routing rules,
/// else triage) and hands the inquiry to its inquiry grain, which dedupes by key and by identity.
/// </summary>
public sealed class InquiryIntake(IGrainFactory grains, ContactNormalizer normalizer, LeadRouter router, ILeadDirectory directory, TimeProvider clock) : IInquiryIntake
{
    public const int MaxNameLength = 200;
    public const int MaxNeedLength = 4000;
    public const int MaxSegmentLength = 100;

    public ContactNormalizer Normalizer => normalizer;

    /// <summary>Checks and normalises; throws a <see cref="Rejection"/> naming the field. Changes nothing.</summary>
    public InquiryInfo Prepare(RawInquiry raw)
    {
        if (string.IsNullOrWhiteSpace(raw.Key) || raw.Key.Length > 300)
        {
            throw Rejection.Invalid("key", "The inquiry key is required (at most 300 characters).");
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(raw.Phone))
        {
            phone = normalizer.NormalizePhone(raw.Phone) ?? throw Rejection.Invalid("phone", $"'{Shorten(raw.Phone)}' is not a phone number.");
        }

        string? email = null;
        if (!string.IsNullOrWhiteSpace(raw.Email))
        {
            email = ContactNormalizer.NormalizeEmail(raw.Email) ?? throw Rejection.Invalid("email", $"'{Shorten(raw.Email)}' is not an e-mail address.");
        }

        if (phone is null && email is null && !(raw.NameAloneIsEnough && !string.IsNullOrWhiteSpace(raw.Name)))
        {
            throw Rejection.Invalid("phone", "A phone number or an e-mail address is required.");
        }

        Limit("name", raw.Name, MaxNameLength);
        Limit("company", raw.Company, MaxNameLength);
        Limit("need", raw.Need, MaxNeedLength);
        Limit("region", raw.Region, MaxSegmentLength);
        Limit("equipmentType", raw.EquipmentType, MaxSegmentLength);

        string? department;
        string reason;
        if (!string.IsNullOrWhiteSpace(raw.Department))
        {
            department = raw.Department.Trim();
            if (!directory.DepartmentExists(department))
            {
                throw Rejection.Invalid("department", $"Unknown department '{department}'.");
            }

            reason = $"department chosen by {raw.SubmittedBy ?? "the sender"}";
        }
        else
        {
            (department, reason) = router.Route(raw.Routing with { Text = raw.Routing.Text ?? raw.Need });
        }

        return new InquiryInfo(raw.Key.Trim(), raw.Channel, clock.GetUtcNow(), Clean(raw.Name), phone, email, Clean(raw.Company), Clean(raw.Need),
            department, reason, raw.SubmittedBy, Clean(raw.Region), Clean(raw.EquipmentType));
    }

    public Task<InquiryOutcome> SubmitAsync(InquiryInfo inquiry) => grains.GetGrain<IInquiryGrain>(inquiry.Key).Submit(inquiry);

    private static void Limit(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {max} characters.");
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
