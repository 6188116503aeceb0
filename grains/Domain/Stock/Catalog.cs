using System.Globalization;
using System.Text.RegularExpressions;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Stock;

/// <summary>How a SKU is replenished when stock is short: not at all, by a production order (made to order), by a supplier order; or a service, never stocked.</summary>
public enum SkuKind
{
    Stocked,
    Manufactured,
    Purchased,

    /// <summary>A service (training, installation, certification): rendered, never stocked, reserved or purchased.</summary>
    Service,
}

/// <summary>
/// A product (Sku). <see cref="LeadTimeDays"/>: days from a production or supplier order to the receipt.
/// <see cref="Ean"/>: the EAN-13 printed on the goods, for scanning.
/// </summary>
public sealed record SkuDefinition(
    string Code,
    string Name,
    string Unit,
    decimal Price,
    string Currency,
    SkuKind Kind,
    int LeadTimeDays,
    string? Ean = null,
    string? Supplier = null);

public sealed record WarehouseDefinition(string Id, string Name, string? Address = null);

/// <summary>Validation and normalisation of catalog entries (upper-case SKU codes, lower-case warehouse ids).</summary>
public static partial class Catalog
{
    public const int MaxLeadTimeDays = 3650;

    /// <summary>Normalises a SKU code as typed or scanned; the result may still be invalid (see <see cref="IsValidSkuCode"/>).</summary>
    public static string NormalizeSkuCode(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static string NormalizeWarehouseId(string? id) => (id ?? "").Trim().ToLowerInvariant();

    public static bool IsValidSkuCode(string code) => SkuCodePattern().IsMatch(code);

    public static bool IsValidWarehouseId(string id) => WarehouseIdPattern().IsMatch(id);

    public static SkuDefinition ValidateSku(SkuDefinition draft)
    {
        var code = NormalizeSkuCode(draft.Code);
        if (code.Length == 0)
        {
            throw Rejection.Invalid("code", "'code' is required.");
        }

        if (!IsValidSkuCode(code))
        {
            throw Rejection.Invalid("code", "'code' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var name = RequireText("name", draft.Name, 200);
        var unit = RequireText("unit", draft.Unit, 16);
        if (draft.Price < 0)
        {
            throw Rejection.Invalid("price", "The price must not be negative.");
        }

        if (ColumnRanges.MoneyProblem("price", draft.Price) is { } tooLarge)
        {
            throw Rejection.Invalid("price", tooLarge);
        }

        var currency = (draft.Currency ?? "").Trim().ToUpperInvariant();
        if (currency.Length == 0)
        {
            currency = "EUR";
        }

        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Rejection.Invalid("currency", "The currency must be a three-letter ISO 4217 code.");
        }

        if (!Enum.IsDefined(draft.Kind))
        {
            throw Rejection.Invalid("kind", "'kind' must be one of Stocked, Manufactured, Purchased.");
        }

        if (draft.LeadTimeDays is < 0 or > MaxLeadTimeDays)
        {
            throw Rejection.Invalid("leadTimeDays", $"'leadTimeDays' must be between 0 and {MaxLeadTimeDays}.");
        }

        string? ean = null;
        if (!string.IsNullOrWhiteSpace(draft.Ean))
        {
            ean = draft.Ean.Trim();
            if (!IsValidEan13(ean))
            {
                throw Rejection.Invalid("ean", $"'{ean}' is not a valid EAN-13 (13 digits with a correct check digit).");
            }
        }

        var supplier = string.IsNullOrWhiteSpace(draft.Supplier) ? null : RequireText("supplier", draft.Supplier, 200);
        return new SkuDefinition(code, name, unit, draft.Price, currency, draft.Kind, draft.LeadTimeDays, ean, supplier);
    }

    public static WarehouseDefinition ValidateWarehouse(WarehouseDefinition draft)
    {
        var id = NormalizeWarehouseId(draft.Id);
        if (id.Length == 0)
        {
            throw Rejection.Invalid("id", "'id' is required.");
        }

        if (!IsValidWarehouseId(id))
        {
            throw Rejection.Invalid("id", "'id' must be 1-32 lower-case letters, digits, '_' or '-', starting with a letter or digit.");
        }

        var name = RequireText("name", draft.Name, 200);
        var address = string.IsNullOrWhiteSpace(draft.Address) ? null : RequireText("address", draft.Address, 400);
        return new WarehouseDefinition(id, name, address);
    }

    /// <summary>13 digits whose last is the GS1 check digit (weights 1,3,1,3,… over the first twelve).</summary>
    public static bool IsValidEan13(string code)
    {
        if (code.Length != 13 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (code[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        return (10 - sum % 10) % 10 == code[12] - '0';
    }

    /// <summary>Who may add to the catalog: warehouse staff, supervisors, admins and the node itself.</summary>
    public static void RequireEditor(Actor actor)
    {
        if (!actor.Roles.Any(r => r is Roles.Warehouse or Roles.Supervisor or Roles.Admin or Roles.System))
        {
            throw new Rejection(RejectionCode.Forbidden, "Only warehouse staff, supervisors and admins edit the catalog.");
        }
    }

    internal static string RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
        }

        return trimmed;
    }

    internal static string Format(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Z0-9][A-Z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkuCodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex WarehouseIdPattern();
}
