using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Import;

/// <summary>
/// A contact entered on a company's page (the new-contact form): checked like an imported one, and its phone and
/// address registered with the identity grains, so a call from that number is known. A phone or address that
/// already belongs to a contact is refused (naming the field): that contact is found by search instead.
/// </summary>
public sealed class ContactCreation(IGrainFactory grains, ContactNormalizer normalizer, ILeadDirectory directory) : IContactCreation
{
    public async Task<(ContactView? Contact, FieldProblem? Problem)> CreateAsync(string? name, string? phone, string? email, string? position,
        CompanyView company, ActorInfo actor, CancellationToken ct = default)
    {
        var cells = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["name"] = name, ["phone"] = phone, ["email"] = email, ["position"] = position, ["department"] = company.Department,
        };
        string? Cell(string[] names) => names.Select(n => cells.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
        var problems = new List<FieldProblem>();
        if (CustomerRecords.ReadContact(Cell, normalizer, directory, problems) is not { } contact)
        {
            return (null, problems.FirstOrDefault() ?? new FieldProblem("name", "The contact is not valid."));
        }

        foreach (var identity in contact.Identities)
        {
            ct.ThrowIfCancellationRequested();
            if (await grains.GetGrain<IContactIdentityGrain>(identity).Resolve() is { } binding)
            {
                return (null, new FieldProblem(FieldOf(identity), $"{Shown(identity)} already belongs to contact {binding.ContactId}."));
            }
        }

        var id = Guid.NewGuid();
        var view = await grains.GetGrain<IContactGrain>(id).Import(new ImportedContact(contact.Name, contact.Phones, contact.Emails, company.Id, company.Name,
            contact.Position, contact.Department ?? company.Department, contact.Responsible ?? actor.User, null, $"entered by {actor.User}"), actor);
        foreach (var identity in contact.Identities)
        {
            await grains.GetGrain<IContactIdentityGrain>(identity).Bind(id);
        }

        return (view, null);
    }

    private static string FieldOf(string identity) => identity.StartsWith("phone:", StringComparison.Ordinal) ? "phone" : "email";

    private static string Shown(string identity) => identity[(identity.IndexOf(':') + 1)..];
}
