using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class ContactNormalizerTests
{
    private readonly ContactNormalizer _ru = new("RU");

    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+7 916 1234567")]
    [InlineData("79161234567")]
    [InlineData("+7(916)123-45-67")]
    [InlineData(" 8-916-123-45-67 ")]
    public void Russian_numbers_written_any_way_are_one_E164_number(string raw) =>
        Assert.Equal("+79161234567", _ru.NormalizePhone(raw));

    [Fact]
    public void The_default_region_decides_national_numbers_and_international_ones_keep_their_country()
    {
        var de = new ContactNormalizer("de");
        Assert.Equal("+493012345678", de.NormalizePhone("030 12345678"));
        Assert.Equal("+79161234567", de.NormalizePhone("+7 916 123 45 67"));
        Assert.Equal("+493012345678", _ru.NormalizePhone("+49 30 12345678"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("anonymous")]
    [InlineData("not a number at all, really not")]
    public void What_cannot_be_a_phone_number_is_null(string? raw) => Assert.Null(_ru.NormalizePhone(raw));

    [Theory]
    [InlineData("  Ivan.Petrov@Example.RU ", "ivan.petrov@example.ru")]
    [InlineData("sales+lead@mail.example.com", "sales+lead@mail.example.com")]
    public void Addresses_are_trimmed_and_lower_cased(string raw, string expected) =>
        Assert.Equal(expected, ContactNormalizer.NormalizeEmail(raw));

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("two@@example.com")]
    [InlineData("a b@example.com")]
    [InlineData("@example.com")]
    [InlineData("name@localhost")]
    [InlineData("Ivan <ivan@example.com>")]
    public void What_is_not_one_address_is_null(string raw) => Assert.Null(ContactNormalizer.NormalizeEmail(raw));

    [Fact]
    public void Identity_keys_carry_a_prefix_so_they_are_never_all_digits()
    {
        Assert.Equal("phone:+79161234567", ContactNormalizer.PhoneIdentity("+79161234567"));
        Assert.Equal("email:a@b.ru", ContactNormalizer.EmailIdentity("a@b.ru"));
    }

    [Fact]
    public void An_unknown_region_is_refused() => Assert.Throws<ArgumentException>(() => new ContactNormalizer("XX"));
}
