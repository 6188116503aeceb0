using SalesOrleans.Domain.Leads;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Import;

/// <summary>
/// Migration import of the customer base from CSV or XLSX: companies (name, INN and/or external id, group, region,
/// segment, department) and contacts (name, phones, e-mails, company, position). Row by row like the catalog
/// import: a bad row is reported with its column and changes nothing, the others still go in. Ids are derived
/// from the external id or INN (contacts: external id, else their first phone or address), and filled cells only
/// overwrite different values, so running the same file again changes nothing. Contacts register their phones and
/// addresses with the same identity grains calls and mail resolve, so an imported customer who calls is known.
/// </summary>
public sealed class CustomerImport(IGrainFactory grains, ContactNormalizer normalizer, ILeadDirectory directory, LeadQueries queries) : ICustomerImport
{
    /// <summary>Companies: name, inn, externalId, parent (the group's external id or INN), region, segment, department.</summary>
    public async Task<ImportReport> ImportCompaniesAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        var rows = TableReader.Read(file, fileName).Take(CatalogImport.MaxRows).ToList();
        var records = new List<(TableRow Row, CompanyRecord Company)>();
        var inFile = new Dictionary<string, (TableRow Row, CompanyRecord Company)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var problems = new List<FieldProblem>();
            if (CustomerRecords.ReadCompany(row.Get, directory, problems) is not { } company)
            {
                rejected.AddRange(problems.Select(p => new ImportProblem(row.Row, p.Field, p.Message)));
            }
            else if (CustomerRecords.KeysOf(company).FirstOrDefault(inFile.ContainsKey) is { } taken)
            {
                rejected.Add(new ImportProblem(row.Row, taken.StartsWith("ext:", StringComparison.Ordinal) ? "externalId" : "inn",
                    $"The same company as row {inFile[taken].Row.Row}."));
            }
            else
            {
                records.Add((row, company));
                foreach (var key in CustomerRecords.KeysOf(company))
                {
                    inFile[key] = (row, company);
                }
            }
        }

        // Groups before their divisions, whatever the file's order. The company grain writes the read model before
        // it answers, so a group imported a moment ago is found there.
        var failed = new HashSet<string>(StringComparer.Ordinal);
        int applied = 0, unchanged = 0;
        foreach (var (row, company) in records.OrderBy(r => Depth(r.Company, inFile)).ThenBy(r => r.Row.Row))
        {
            ct.ThrowIfCancellationRequested();
            Guid? parentId = null;
            if (company.Parent is { } parent)
            {
                if (CustomerRecords.KeysFor(parent).FirstOrDefault(inFile.ContainsKey) is { } groupKey && failed.Contains(inFile[groupKey].Company.Key))
                {
                    Reject(row.Row, "parent", $"The group '{parent}' (row {inFile[groupKey].Row.Row}) was not imported.");
                    continue;
                }

                if (Depth(company, inFile) < 0)
                {
                    Reject(row.Row, "parent", $"The chain of groups above this company goes round in a circle at '{parent}'.");
                    continue;
                }

                var (group, problem) = await FindCompanyAsync(parent, ct);
                if (group is null)
                {
                    Reject(row.Row, "parent", problem!);
                    continue;
                }

                parentId = group.Id;
            }

            var (id, conflict) = await CompanyIdFor(company, ct);
            if (conflict is not null)
            {
                Reject(row.Row, "inn", conflict);
                continue;
            }

            var grain = grains.GetGrain<ICompanyGrain>(id);
            var seqBefore = (await grain.Get())?.Seq ?? 0;
            var view = await grain.Import(new ImportedCompany(company.Name, company.Inn, company.ExternalId, parentId, company.Region, company.Segment, company.Department));
            if (parentId is { } groupId)
            {
                await grains.GetGrain<ICompanyGrain>(groupId).AddDivision(id);
            }

            if (view.Seq > seqBefore)
            {
                applied++;
            }
            else
            {
                unchanged++;
            }

            void Reject(int at, string field, string message)
            {
                rejected.Add(new ImportProblem(at, field, message));
                failed.Add(company.Key);
            }
        }

        return new ImportReport("companies", rows.Count, applied, unchanged, [.. rejected.OrderBy(p => p.Row)]);
    }

    /// <summary>Contacts: name, phones, emails, company (its external id or INN), position, department, responsible, externalId.</summary>
    public async Task<ImportReport> ImportContactsAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        int rows = 0, applied = 0, unchanged = 0;
        foreach (var row in TableReader.Read(file, fileName).Take(CatalogImport.MaxRows))
        {
            ct.ThrowIfCancellationRequested();
            rows++;
            var problems = new List<FieldProblem>();
            if (CustomerRecords.ReadContact(row.Get, normalizer, directory, problems) is not { } contact)
            {
                rejected.AddRange(problems.Select(p => new ImportProblem(row.Row, p.Field, p.Message)));
                continue;
            }

            CompanyMatch? company = null;
            if (contact.Company is { } reference)
            {
                (company, var problem) = await FindCompanyAsync(reference, ct);
                if (company is null)
                {
                    rejected.Add(new ImportProblem(row.Row, "company", problem!));
                    continue;
                }
            }

            // A phone or address already known (a caller who became a lead, an earlier import) names the contact to update.
            var owners = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var identity in contact.Identities)
            {
                if (await grains.GetGrain<IContactIdentityGrain>(identity).Resolve() is { } binding)
                {
                    owners[identity] = binding.ContactId;
                }
            }

            var target = owners.Count > 0 ? owners.Values.First() : CustomerRecords.ContactId(contact.Key);
            if (owners.FirstOrDefault(o => o.Value != target) is { Key: not null } other)
            {
                rejected.Add(new ImportProblem(row.Row, FieldOf(other.Key), $"{Shown(other.Key)} belongs to another contact than {Shown(owners.First().Key)}."));
                continue;
            }

            var grain = grains.GetGrain<IContactGrain>(target);
            var before = await grain.Get();
            if (before?.ExternalId is { } knownAs && contact.ExternalId is { } importedAs && knownAs != importedAs)
            {
                // Two people sharing an office phone must not become one contact.
                var shared = owners.First().Key;
                rejected.Add(new ImportProblem(row.Row, FieldOf(shared), $"{Shown(shared)} belongs to the contact imported as '{knownAs}', not '{importedAs}'."));
                continue;
            }

            var view = await grain.Import(new ImportedContact(contact.Name, contact.Phones, contact.Emails, company?.Id, company?.Name, contact.Position,
                contact.Department ?? company?.Department, contact.Responsible, contact.ExternalId, $"import {fileName} row {row.Row}"), actor);
            foreach (var identity in contact.Identities.Where(i => !owners.ContainsKey(i)))
            {
                var bound = await grains.GetGrain<IContactIdentityGrain>(identity).Bind(target);
                if (bound.ContactId != target)
                {
                    // Claimed by a call in the same instant: that contact keeps it.
                    rejected.Add(new ImportProblem(row.Row, FieldOf(identity), $"{Shown(identity)} was just taken by another contact."));
                }
            }

            if (view.Seq > (before?.Seq ?? 0))
            {
                applied++;
            }
            else
            {
                unchanged++;
            }
        }

        return new ImportReport("contacts", rows, applied, unchanged, rejected);
    }

    /// <summary>The company a reference names: the one with that external id, else the only one with that INN.</summary>
    private async Task<(CompanyMatch? Company, string? Problem)> FindCompanyAsync(string reference, CancellationToken ct)
    {
        var matches = await queries.FindCompaniesAsync([reference], ct);
        if (matches.FirstOrDefault(m => m.ExternalId == reference) is { } byExternalId)
        {
            return (byExternalId, null);
        }

        var byInn = matches.Where(m => m.Inn == reference).ToList();
        return byInn.Count switch
        {
            1 => (byInn[0], null),
            0 => (null, $"No company with external id or INN '{reference}': import the companies first."),
            // Branches share their company's INN.
            _ => (null, $"Several companies have INN '{reference}' ({string.Join(", ", byInn.Select(m => m.Name))}): name one by its external id."),
        };
    }

    /// <summary>
    /// The company a row updates: the one with its external id; else one with its INN that has no other external
    /// id (made by hand or imported by INN before); else a new one with an id derived from the row's key.
    /// </summary>
    private async Task<(Guid Id, string? Conflict)> CompanyIdFor(CompanyRecord company, CancellationToken ct)
    {
        var matches = await queries.FindCompaniesAsync([.. new[] { company.ExternalId, company.Inn }.OfType<string>()], ct);
        if (company.ExternalId is not null && matches.FirstOrDefault(m => m.ExternalId == company.ExternalId) is { } same)
        {
            return (same.Id, null);
        }

        var byInn = matches.Where(m => company.Inn is not null && m.Inn == company.Inn && (m.ExternalId is null || company.ExternalId is null)).ToList();
        return byInn.Count switch
        {
            0 => (CustomerRecords.CompanyId(company.Key), null),
            1 => (byInn[0].Id, null),
            _ => (Guid.Empty, $"Several companies have INN '{company.Inn}' ({string.Join(", ", byInn.Select(m => m.Name))}): give the row an external id."),
        };
    }

    /// <summary>How many groups above the company are in the file; -1 when the chain loops.</summary>
    private static int Depth(CompanyRecord company, Dictionary<string, (TableRow Row, CompanyRecord Company)> inFile)
    {
        var depth = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal) { company.Key };
        var current = company;
        while (current.Parent is { } parent && CustomerRecords.KeysFor(parent).FirstOrDefault(inFile.ContainsKey) is { } key)
        {
            if (!seen.Add(inFile[key].Company.Key))
            {
                return -1;
            }

            current = inFile[key].Company;
            depth++;
        }

        return depth;
    }

    private static string FieldOf(string identity) => identity.StartsWith("phone:", StringComparison.Ordinal) ? "phone" : "email";

    private static string Shown(string identity) => identity[(identity.IndexOf(':') + 1)..];
}
