namespace SalesOrleans.Leads;

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
