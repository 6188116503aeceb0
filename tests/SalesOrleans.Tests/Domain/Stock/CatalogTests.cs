using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Tests.Domain.Stock;

[Trait("Category", "Unit")]
public class CatalogTests
{
    private static SkuDefinition Sku(string code = "sku-100", string? ean = null, int lead = 0, decimal price = 10, string currency = "eur") =>
        new(code, " Hydraulic press ", "pcs", price, currency, SkuKind.Manufactured, lead, ean);

    [Fact]
    public void A_sku_is_normalised_upper_case_code_trimmed_name_iso_currency()
    {
        var sku = Catalog.ValidateSku(Sku(ean: "4006381333931", lead: 21));

        Assert.Equal(new SkuDefinition("SKU-100", "Hydraulic press", "pcs", 10, "EUR", SkuKind.Manufactured, 21, "4006381333931"), sku);
        Assert.Equal("EUR", Catalog.ValidateSku(Sku(currency: "")).Currency);
    }

    [Theory]
    [InlineData("", null, 0, 1, "eur", "code")]
    [InlineData("SKU@MAIN", null, 0, 1, "eur", "code")]
    [InlineData("-SKU", null, 0, 1, "eur", "code")]
    [InlineData("SKU-1", "4006381333932", 0, 1, "eur", "ean")]
    [InlineData("SKU-1", "400638133393", 0, 1, "eur", "ean")]
    [InlineData("SKU-1", null, -1, 1, "eur", "leadTimeDays")]
    [InlineData("SKU-1", null, 0, -1, "eur", "price")]
    [InlineData("SKU-1", null, 0, 1, "euro", "currency")]
    public void Bad_sku_fields_are_named(string code, string? ean, int lead, decimal price, string currency, string field)
    {
        var rejection = Assert.Throws<Rejection>(() => Catalog.ValidateSku(Sku(code, ean, lead, price, currency)));
        Assert.Equal((RejectionCode.Invalid, field), (rejection.Code, rejection.Field));
    }

    [Theory]
    [InlineData("4006381333931", true)]
    [InlineData("5901234123457", true)]
    [InlineData("5901234123458", false)]
    [InlineData("590123412345", false)]
    [InlineData("59012341234a7", false)]
    public void Ean13_check_digits_are_verified(string code, bool valid) => Assert.Equal(valid, Catalog.IsValidEan13(code));

    [Fact]
    public void Warehouses_have_lower_case_ids_and_names()
    {
        Assert.Equal(new WarehouseDefinition("main", "Main warehouse", null), Catalog.ValidateWarehouse(new(" MAIN ", "Main warehouse ", " ")));
        Assert.Equal("id", Assert.Throws<Rejection>(() => Catalog.ValidateWarehouse(new("main store", "x"))).Field);
        Assert.Equal("name", Assert.Throws<Rejection>(() => Catalog.ValidateWarehouse(new("main", ""))).Field);
    }

    [Fact]
    public void Only_warehouse_staff_supervisors_and_admins_edit_the_catalog()
    {
        Catalog.RequireEditor(new Actor("w", ["warehouse"]));
        Catalog.RequireEditor(new Actor("s", ["supervisor"]));
        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => Catalog.RequireEditor(new Actor("m", ["manager"]))).Code);
    }
}
