using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class CallerIdTests
{
    [Theory]
    [InlineData("+79161234567", "+79161234567")]
    [InlineData("sip:+79161234567@pbx.example", "+79161234567")]
    [InlineData("sips:+79161234567@pbx.example;user=phone", "+79161234567")]
    [InlineData("tel:+7-916-123-45-67", "+7-916-123-45-67")]
    [InlineData("tel:+49-30-1234567;phone-context=+49", "+49-30-1234567")]
    [InlineData("+7%20916%20123-45-67", "+7 916 123-45-67")]
    [InlineData("sip:%2B79161234567@10.0.0.5", "+79161234567")]
    [InlineData("\"Иван Петров\" <sip:89161234567@pbx.example>", "89161234567")]
    [InlineData("8 (916) 123-45-67", "8 (916) 123-45-67")]
    [InlineData("sip:anonymous@anonymous.invalid", "anonymous")]
    [InlineData("Restricted", "restricted")]
    public void Caller_ids_are_read_down_to_the_number(string raw, string expected)
    {
        Assert.Equal(expected, CallerId.Parse(raw));
        Assert.Equal("+79161234567", new ContactNormalizer("RU").NormalizePhone(CallerId.Parse("sip:+79161234567@pbx.example")));
    }

    [Theory]
    [InlineData("sip:alice@pbx.example")]
    [InlineData("+7%ZZ916")]
    [InlineData("tel:+7916+1")]
    [InlineData("<script>")]
    [InlineData("   ")]
    public void What_is_no_number_is_refused(string raw) => Assert.Null(CallerId.Parse(raw));
}
