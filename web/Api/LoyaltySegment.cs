using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>The loyalty export segment: contacts whose company has the asked status (companies matched by name, as contacts carry it).</summary>
public static class LoyaltySegment
{
    public static async Task<HashSet<string>> CompaniesAsync(CustomerQueries customers, string loyalty, CancellationToken ct) =>
        (await customers.LoyaltyAsync(ct)).Where(c => string.Equals(c.Loyalty, loyalty, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static async IAsyncEnumerable<SegmentContact> Filter(IAsyncEnumerable<SegmentContact> contacts, HashSet<string>? companies)
    {
        await foreach (var c in contacts)
        {
            if (companies is null || (c.Company is { } company && companies.Contains(company.Trim())))
            {
                yield return c;
            }
        }
    }
}
