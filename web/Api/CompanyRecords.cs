namespace SalesOrleans.Web.Api;

/// <summary>The company (and contact) records a request names, resolved to their names; a 400 naming the field when one does not exist.</summary>
public sealed record CompanyRecords(string? Company, string? Contact, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)
{
    /// <summary>Null when the request names no company record.</summary>
    public static async Task<CompanyRecords?> ResolveAsync(Guid? companyId, Guid? contactId, IGrainFactory grains)
    {
        if (companyId is null)
        {
            return contactId is null ? null : new(null, null, Problems.Invalid("companyId", "A contact record goes with its company: give 'companyId' too."));
        }

        if (companyId == Guid.Empty || await grains.GetGrain<ICompanyGrain>(companyId.Value).Get() is not { } company)
        {
            return new(null, null, Problems.Invalid("companyId", $"Company {companyId} does not exist."));
        }

        string? contactName = null;
        if (contactId is { } id)
        {
            if (await grains.GetGrain<IContactGrain>(id).Get() is not { } contact)
            {
                return new(null, null, Problems.Invalid("contactId", $"Contact {id} does not exist."));
            }

            if (contact.CompanyId is { } of && of != company.Id)
            {
                return new(null, null, Problems.Invalid("contactId", $"Contact {id} works for another company."));
            }

            contactName = contact.Name;
        }

        return new(company.Name, contactName, null);
    }
}
