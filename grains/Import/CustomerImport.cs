using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Import;

/// <summary>
/// Migration import of the customer base from CSV or XLSX: companies (name, INN and/or external id, group, region,
/// segment, department) and contacts (name, phones, e-mails, company, position). Row by row like the catalogue
/// import: a bad row is reported with its column and changes nothing, the others still go in. Ids are derived
/// from the external id or INN (contacts: external id, else their first phone or address), and filled cells only
/// overwrite different values, so running the same file again changes nothing. Contacts register their phones and
/// addresses with the same identity grains calls and mail resolve, so an imported customer who calls is known.
/// </summary>
public sealed class CustomerImport(IGrainFactory grains, ContactNormalizer normalizer, ILeadDirectory directory)
{
    /// <summary>Companies: name, inn, externalId, parent (the group's external id or INN), region, segment, department.</summary>
    public async Task<ImportReport> ImportCompaniesAsync(Stream file, string fileName, ActorInfo actor, CancellationToken ct = default)
    {
        var rejected = new List<ImportProblem>();
        var rows = TableReader.Read(file, fileName).Take(CatalogImport.MaxRows).ToList();
        var records = new List<(TableRow Row, CompanyRecord Company)>();
        var firstRowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var problems = new List<FieldProblem>();
            if (CustomerRecords.ReadCompany(row.Get, directory, problems) is not { } company)
            {
                rejected.AddRange(problems.Select(p => new ImportProblem(row.Row, p.Field, p.Message)));
            }
            else if (!firstRowOf.TryAdd(company.Key, row.Row))
            {
                rejected.Add(new ImportProblem(row.Row, company.ExternalId is null ? "inn" : "externalId", $"The same company as row {firstRowOf[company.Key]}."));
            }
            else
            {
                records.Add((row, company));
            }
        }

        // Groups before their divisions, whatever the file's order.
        var inFile = records.ToDictionary(r => r.Company.Key, StringComparer.Ordinal);
        var done = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        int applied = 0, unchanged = 0;
        foreach (var (row, company) in records.OrderBy(r => Depth(r.Company, inFile)).ThenBy(r => r.Row.Row))
        {
            ct.ThrowIfCancellationRequested();
            Guid? parentId = null;
            if (company.Parent is { } parent)
            {
                var keys = CustomerRecords.CompanyKeysFor(parent);
                if (keys.FirstOrDefault(failed.Contains) is { } failedKey)
                {
                    rejected.Add(new ImportProblem(row.Row, "parent", $"The group '{parent}' (row {inFile[failedKey].Row.Row}) was not imported."));
                    failed.Add(company.Key);
                    continue;
                }

                if (Depth(company, inFile) < 0)
                {
                    rejected.Add(new ImportProblem(row.Row, "parent", $"The chain of groups above this company goes round in a circle at '{parent}'."));
                    failed.Add(company.Key);
                    continue;
                }

                parentId = await FindCompanyAsync(parent, done);
                if (parentId is null)
                {
                    rejected.Add(new ImportProblem(row.Row, "parent", $"No company with external id or INN '{parent}' in this file or imported before."));
                    failed.Add(company.Key);
                    continue;
                }
            }

            var id = CustomerRecords.CompanyId(company.Key);
            var grain = grains.GetGrain<ICompanyGrain>(id);
            var seqBefore = (await grain.Get())?.Seq ?? 0;
            var view = await grain.Import(new ImportedCompany(company.Name, company.Inn, company.ExternalId, parentId, company.Region, company.Segment, company.Department));
            if (parentId is { } group)
            {
                await grains.GetGrain<ICompanyGrain>(group).AddDivision(id);
            }

            done[company.Key] = id;
            if (view.Seq > seqBefore)
            {
                applied++;
            }
            else
            {
                unchanged++;
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

            CompanyView? company = null;
            if (contact.Company is { } reference)
            {
                company = await FindCompanyAsync(reference, null) is { } companyId ? await grains.GetGrain<ICompanyGrain>(companyId).Get() : null;
                if (company is null)
                {
                    rejected.Add(new ImportProblem(row.Row, "company", $"No company with external id or INN '{reference}': import the companies first."));
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

    /// <summary>The company a reference (external id, else INN) names: one imported in this run, or one that exists.</summary>
    private async Task<Guid?> FindCompanyAsync(string reference, Dictionary<string, Guid>? thisRun)
    {
        foreach (var key in CustomerRecords.CompanyKeysFor(reference))
        {
            if (thisRun is not null && thisRun.TryGetValue(key, out var id))
            {
                return id;
            }

            var candidate = CustomerRecords.CompanyId(key);
            if (await grains.GetGrain<ICompanyGrain>(candidate).Get() is not null)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>How many groups above the company are in the file; -1 when the chain loops.</summary>
    private static int Depth(CompanyRecord company, Dictionary<string, (TableRow Row, CompanyRecord Company)> inFile)
    {
        var depth = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal) { company.Key };
        var current = company;
        while (current.Parent is { } parent && CustomerRecords.CompanyKeysFor(parent).FirstOrDefault(inFile.ContainsKey) is { } key)
        {
            if (!seen.Add(key))
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
