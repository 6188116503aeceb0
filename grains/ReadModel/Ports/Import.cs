using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Import;

/// <summary>
/// A contact entered on a company's page, checked like an imported one (grains: ContactCreation). The port web calls
/// (issue 13); here, not in grain-interfaces, because it answers the domain's field problem.
/// </summary>
public interface IContactCreation
{
    Task<(ContactView? Contact, FieldProblem? Problem)> CreateAsync(string? name, string? phone, string? email, string? position,
        CompanyView company, ActorInfo actor, CancellationToken ct = default);
}
