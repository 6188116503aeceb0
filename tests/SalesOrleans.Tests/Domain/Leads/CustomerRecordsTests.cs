using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class CustomerRecordsTests
{
    private static readonly ContactNormalizer Normalizer = new("RU");
    private static readonly TestLeadDirectory Directory = new();

    /// <summary>A row as the table reader gives it: lower-case column names, the first present non-empty cell.</summary>
    private static Func<string[], string?> Row(params (string Column, string Value)[] cells)
    {
        var map = cells.ToDictionary(c => c.Column, c => c.Value);
        return columns => columns.Select(c => map.GetValueOrDefault(c)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
    }

    private static (CompanyRecord? Company, List<FieldProblem> Problems) Company(params (string, string)[] cells)
    {
        var problems = new List<FieldProblem>();
        return (CustomerRecords.ReadCompany(Row(cells), Directory, problems), problems);
    }

    private static (ContactRecord? Contact, List<FieldProblem> Problems) Contact(params (string, string)[] cells)
    {
        var problems = new List<FieldProblem>();
        return (CustomerRecords.ReadContact(Row(cells), Normalizer, Directory, problems), problems);
    }

    [Fact]
    public void A_company_is_keyed_by_its_external_id_else_by_its_inn()
    {
        var (byId, _) = Company(("name", "Uralmash Group"), ("externalid", "C-1"), ("inn", "6673000001"), ("region", "Sverdlovsk"), ("segment", "key account"), ("department", "d1"));
        var (byInn, _) = Company(("name", "Uralmash Pumps"), ("inn", "667300000212"), ("parent", "C-1"));

        Assert.Equal(new CompanyRecord("ext:C-1", "Uralmash Group", "6673000001", "C-1", null, "Sverdlovsk", "key account", "d1"), byId);
        Assert.Equal(("inn:667300000212", "C-1"), (byInn!.Key, byInn.Parent));
        Assert.Equal(CustomerRecords.CompanyId("ext:C-1"), CustomerRecords.CompanyId("ext:C-1"));
        Assert.NotEqual(CustomerRecords.CompanyId("ext:C-1"), CustomerRecords.CompanyId("inn:6673000001"));
    }

    [Fact]
    public void A_company_is_found_in_a_file_by_its_external_id_or_its_inn()
    {
        var (company, _) = Company(("name", "Uralmash Group"), ("externalid", "C-1"), ("inn", "6673000001"));

        Assert.Equal(["ext:C-1", "inn:6673000001"], CustomerRecords.KeysOf(company!));
        Assert.Equal(["ext:6673000001", "inn:6673000001"], CustomerRecords.KeysFor(" 6673000001 "));
    }

    [Fact]
    public void Every_bad_company_field_is_named()
    {
        var (company, problems) = Company(("inn", "12345"), ("parent", "12345"), ("department", "moon"), ("region", new string('r', 101)));

        Assert.Null(company);
        Assert.Equal(["name", "inn", "parent", "region", "department"], problems.Select(p => p.Field));
        Assert.Contains("10 or 12 digits", problems[1].Message);
    }

    [Fact]
    public void A_company_without_external_id_or_inn_could_not_be_found_again()
    {
        var (_, problems) = Company(("name", "Nameless LLC"));

        Assert.Equal("externalId", Assert.Single(problems).Field);
    }

    [Fact]
    public void A_contact_normalises_every_phone_and_address_and_is_keyed_by_its_first_phone()
    {
        var (contact, problems) = Contact(("name", "Anna Petrova"), ("phones", "8 (916) 123-45-67; +7 495 111-22-33"), ("email", " Anna.Petrova@Uralmash.RU "),
            ("company", "C-1"), ("position", "chief buyer"), ("responsible", "m2"));

        Assert.Empty(problems);
        Assert.Equal(["+79161234567", "+74951112233"], contact!.Phones);
        Assert.Equal(["anna.petrova@uralmash.ru"], contact.Emails);
        Assert.Equal(["phone:+79161234567", "phone:+74951112233", "email:anna.petrova@uralmash.ru"], contact.Identities);
        Assert.Equal(("phone:+79161234567", "C-1", "chief buyer", "m2", "d1"), (contact.Key, contact.Company, contact.Position, contact.Responsible, contact.Department));
    }

    [Fact]
    public void A_contact_with_an_external_id_is_keyed_by_it_and_the_same_number_written_twice_counts_once()
    {
        var (contact, _) = Contact(("name", "Oleg"), ("externalid", "P-7"), ("phone", "79161234567, +7 916 123 45 67"));

        Assert.Equal("ext:P-7", contact!.Key);
        Assert.Equal(["+79161234567"], contact.Phones);
    }

    [Fact]
    public void Every_bad_contact_field_is_named()
    {
        var (contact, problems) = Contact(("phone", "12"), ("email", "not-an-address"), ("department", "moon"), ("responsible", "nobody"));

        Assert.Null(contact);
        Assert.Equal(["name", "phone", "email", "department", "responsible"], problems.Select(p => p.Field));
        Assert.Contains("'12' is not a phone number", problems[1].Message);
    }

    [Fact]
    public void A_contact_needs_something_to_be_recognised_by()
    {
        var (contact, problems) = Contact(("name", "Ghost"), ("company", "C-1"));

        Assert.Null(contact);
        Assert.Equal("phone", Assert.Single(problems).Field);
    }
}
