using MiniExcelLibs.Attributes;
using SalesOrleans.Domain.Leads;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>A row of a MailChimp contact import: its column names are MailChimp's, the segment goes into Tags.</summary>
public sealed record MailchimpRow(
    [property: ExcelColumnName("Email Address")] string EmailAddress,
    [property: ExcelColumnName("First Name")] string? FirstName,
    [property: ExcelColumnName("Last Name")] string? LastName,
    [property: ExcelColumnName("Company")] string? Company,
    [property: ExcelColumnName("Phone Number")] string? PhoneNumber,
    [property: ExcelColumnName("Tags")] string Tags);

/// <summary>A row of a phone-marketing list: whom to call, every number, and the segment to talk about.</summary>
public sealed record PhoneListRow(
    [property: ExcelColumnName("Company")] string? Company,
    [property: ExcelColumnName("Contact")] string? Contact,
    [property: ExcelColumnName("Phones")] string Phones,
    [property: ExcelColumnName("Email")] string? Email,
    [property: ExcelColumnName("Department")] string? Department,
    [property: ExcelColumnName("Equipment Type")] string? EquipmentType,
    [property: ExcelColumnName("Region")] string? Region,
    [property: ExcelColumnName("Source")] string? Source,
    [property: ExcelColumnName("Status")] string? Status,
    [property: ExcelColumnName("Responsible")] string? Responsible);

/// <summary>Maps segment contacts to the file layouts marketing imports, one row at a time (the stream stays a stream).</summary>
public static class SegmentExport
{
    public static async IAsyncEnumerable<MailchimpRow> Mailchimp(IAsyncEnumerable<SegmentContact> contacts)
    {
        await foreach (var c in contacts)
        {
            var (first, last) = PersonName.Split(c.Name);
            // MailChimp takes one address per row: the contact's first (the one it was registered with).
            yield return new MailchimpRow(c.Emails[0], first, last, c.Company, c.Phones.Count > 0 ? c.Phones[0] : null, Tags(c));
        }
    }

    public static async IAsyncEnumerable<PhoneListRow> PhoneList(IAsyncEnumerable<SegmentContact> contacts)
    {
        await foreach (var c in contacts)
        {
            yield return new PhoneListRow(c.Company, c.Name, string.Join(", ", c.Phones), c.Emails.Count > 0 ? c.Emails[0] : null, c.Department,
                c.EquipmentType, c.Region, c.Source, c.DealStatus ?? c.LeadStatus, c.Responsible);
        }
    }

    /// <summary>MailChimp's Tags column is comma separated: each segment value becomes one tag (commas inside a value become spaces).</summary>
    public static string Tags(SegmentContact c) =>
        string.Join(",", new[] { c.Department, c.EquipmentType, c.Source, c.Region, c.LeadStatus, c.DealStatus, c.Kind }
            .Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Replace(',', ' ').Trim()).Distinct(StringComparer.OrdinalIgnoreCase));
}
