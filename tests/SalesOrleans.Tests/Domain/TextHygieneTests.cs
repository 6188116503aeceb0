using SalesOrleans.Domain;

namespace SalesOrleans.Tests.Domain;

public class TextHygieneTests
{
    [Theory]
    [InlineData("Иван Петров", true)]
    [InlineData("Grüße aus München\r\nZeile 2\tmit Tab", true)]
    [InlineData("emoji 😀 pair", true)]
    [InlineData("nul\0here", false)]
    [InlineData("bell\u0007", false)]
    [InlineData("del\u007F", false)]
    [InlineData("lone \uD800 high", false)]
    [InlineData("lone \uDC00 low", false)]
    [InlineData("non\uFFFFchar", false)]
    public void Multi_line_text_refuses_controls_and_broken_surrogates(string text, bool clean) =>
        Assert.Equal(clean, TextHygiene.IsClean(text));

    [Fact]
    public void Single_line_text_refuses_line_breaks_but_not_tabs()
    {
        Assert.Equal(4, TextHygiene.FirstForbidden("name\nmore", multiline: false));
        Assert.True(TextHygiene.IsClean("a\tb", multiline: false));
    }

    [Fact]
    public void Cleaning_keeps_letters_and_drops_controls() =>
        Assert.Equal("Müller \uFFFD ok\r\nЛиния", TextHygiene.Clean("Mül\0ler \uD800 ok\u0001\r\nЛиния"));

    [Fact]
    public void Cleaning_single_line_text_turns_breaks_into_spaces() =>
        Assert.Equal("a  b", TextHygiene.Clean("a\r\nb", multiline: false));
}
