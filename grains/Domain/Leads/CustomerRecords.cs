using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Leads;

/// <summary>What is wrong with one field of an imported row.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>A customer company (counterparty) as a migration file describes it, checked. <see cref="Key"/> recognises it on the next import.</summary>
public sealed record CompanyRecord(
    string Key,
    string Name,
    string? Inn,
    string? ExternalId,
    string? Parent,
    string? Region,
    string? Segment,
    string? Department);

/// <summary>A contact person as a migration file describes it, checked: phones in E.164, addresses lower-cased.</summary>
public sealed record ContactRecord(
    string Key,
    string Name,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Emails,
    string? Company,
    string? Position,
    string? Department,
    string? Responsible,
    string? ExternalId)
{
    /// <summary>The identity grain keys of the contact's phones and addresses, phones first.</summary>
    public IReadOnlyList<string> Identities =>
        [.. Phones.Select(ContactNormalizer.PhoneIdentity), .. Emails.Select(ContactNormalizer.EmailIdentity)];
}

/// <summary>
/// Reading customers and contacts from migration rows (CSV/XLSX columns, lower-case names). Every field is checked
/// and each problem names its column, so the import report says which cell to fix. Pure.
/// </summary>
public static partial class CustomerRecords
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 100;

    /// <summary>Several phones or addresses in one cell are separated by ';' or ','.</summary>
    private static readonly char[] ListSeparators = [';', ','];

    /// <summary>The company's id, derived from its key: importing the same company again finds it.</summary>
    public static Guid CompanyId(string key) => NameBasedId("import-company", key);

    /// <summary>The contact's id when no known phone or address already names one.</summary>
    public static Guid ContactId(string key) => NameBasedId("import-contact", key);

    /// <summary>The keys a company is found by in one file: its external id and its tax number.</summary>
    public static IReadOnlyList<string> KeysOf(CompanyRecord company) =>
        [.. new[] { company.ExternalId is null ? null : $"ext:{company.ExternalId}", company.Inn is null ? null : $"inn:{company.Inn}" }.OfType<string>()];

    /// <summary>A reference to a company (its external id, or its tax number): the keys to try, external id first.</summary>
    public static IReadOnlyList<string> KeysFor(string reference) => [$"ext:{reference.Trim()}", $"inn:{reference.Trim()}"];

    public static CompanyRecord? ReadCompany(Func<string[], string?> cell, ILeadDirectory directory, List<FieldProblem> problems)
    {
        var before = problems.Count;
        var name = Text(cell, "name", MaxNameLength, problems, required: true, "name", "company");
        var inn = cell(["inn", "taxid"]);
        if (inn is not null && !InnPattern().IsMatch(inn))
        {
            problems.Add(new FieldProblem("inn", $"'inn' must be 10 or 12 digits, not '{inn}'."));
        }

        var externalId = Text(cell, "externalId", MaxTextLength, problems, required: false, "externalid", "id");
        if (externalId is null && inn is null)
        {
            problems.Add(new FieldProblem("externalId", "'externalId' or 'inn' is required: it recognises the company when the file is imported again."));
        }

        var parent = Text(cell, "parent", MaxTextLength, problems, required: false, "parent", "group");
        if (parent is not null && (parent == externalId || parent == inn))
        {
            problems.Add(new FieldProblem("parent", "A company cannot be its own group."));
        }

        var region = Text(cell, "region", MaxTextLength, problems, required: false, "region");
        var segment = Text(cell, "segment", MaxTextLength, problems, required: false, "segment");
        var department = Department(cell, directory, problems);
        return problems.Count > before
            ? null
            : new CompanyRecord(externalId is not null ? $"ext:{externalId}" : $"inn:{inn}", name!, inn, externalId, parent, region, segment, department);
    }

    public static ContactRecord? ReadContact(Func<string[], string?> cell, ContactNormalizer normalizer, ILeadDirectory directory, List<FieldProblem> problems)
    {
        var before = problems.Count;
        var name = Text(cell, "name", MaxNameLength, problems, required: true, "name", "contact");
        var phones = new List<string>();
        foreach (var raw in Split(cell(["phones", "phone", "mobile"])))
        {
            if (normalizer.NormalizePhone(raw) is { } e164)
            {
                phones.Add(e164);
            }
            else
            {
                problems.Add(new FieldProblem("phone", $"'{raw}' is not a phone number."));
            }
        }

        var emails = new List<string>();
        foreach (var raw in Split(cell(["emails", "email", "e-mail"])))
        {
            if (ContactNormalizer.NormalizeEmail(raw) is { } address)
            {
                emails.Add(address);
            }
            else
            {
                problems.Add(new FieldProblem("email", $"'{raw}' is not an e-mail address."));
            }
        }

        var externalId = Text(cell, "externalId", MaxTextLength, problems, required: false, "externalid", "id");
        if (externalId is null && phones.Count == 0 && emails.Count == 0 && problems.Count == before)
        {
            problems.Add(new FieldProblem("phone", "A phone, an e-mail or an 'externalId' is required: without one the contact is neither recognised on a call nor on the next import."));
        }

        var company = Text(cell, "company", MaxTextLength, problems, required: false, "company", "companyid");
        var position = Text(cell, "position", MaxNameLength, problems, required: false, "position", "title");
        var department = Department(cell, directory, problems);
        var responsible = cell(["responsible", "manager"]);
        if (responsible is not null && !directory.UserExists(responsible))
        {
            problems.Add(new FieldProblem("responsible", $"Unknown user '{responsible}'."));
        }

        if (problems.Count > before)
        {
            return null;
        }

        phones = [.. phones.Distinct()];
        emails = [.. emails.Distinct()];
        var key = externalId is not null
            ? $"ext:{externalId}"
            : phones.Count > 0 ? ContactNormalizer.PhoneIdentity(phones[0]) : ContactNormalizer.EmailIdentity(emails[0]);
        return new ContactRecord(key, name!, phones, emails, company, position, department ?? (responsible is null ? null : directory.DepartmentOf(responsible)),
            responsible, externalId);
    }

    private static string? Department(Func<string[], string?> cell, ILeadDirectory directory, List<FieldProblem> problems)
    {
        var department = cell(["department"]);
        if (department is not null && !directory.DepartmentExists(department))
        {
            problems.Add(new FieldProblem("department", $"Unknown department '{department}'."));
            return null;
        }

        return department;
    }

    private static string? Text(Func<string[], string?> cell, string field, int maxLength, List<FieldProblem> problems, bool required, params string[] columns)
    {
        var value = cell(columns);
        if (value is null)
        {
            if (required)
            {
                problems.Add(new FieldProblem(field, $"'{field}' is required."));
            }

            return null;
        }

        if (value.Length > maxLength)
        {
            problems.Add(new FieldProblem(field, $"'{field}' is longer than {maxLength} characters."));
            return null;
        }

        return value;
    }

    private static IEnumerable<string> Split(string? cell) =>
        (cell ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // MD5 here is a name-based id, not security (as for inquiries and imported orders).
    private static Guid NameBasedId(string kind, string key) => new(MD5.HashData(Encoding.UTF8.GetBytes($"{kind}|{key}")));

    [GeneratedRegex(@"^(\d{10}|\d{12})$")]
    private static partial Regex InnPattern();
}
