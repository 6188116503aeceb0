using SalesOrleans.Domain;

namespace SalesOrleans.Tests.Domain;

[Trait("Category", "Unit")]
public class TextHygieneTests
{
    [Theory]
    [InlineData("Иван Петров", true)]
    [InlineData("Grüße aus München\r\nZeile 2\tmit Tab", true)]
    [InlineData("emoji 😀 pair", true)]
    [InlineData("nul\0here", false)]
    [InlineData("bell\u0007", false)]
    [InlineData("del\u007F", false)]
    [InlineData("non\uFFFFchar", false)]
    public void Multi_line_text_refuses_controls_and_broken_surrogates(string text, bool clean) =>
        Assert.Equal(clean, TextHygiene.IsClean(text));

    // Built in code: a lone surrogate does not survive xunit's serialization of theory data.
    [Fact]
    public void Lone_surrogates_are_refused_and_pairs_kept()
    {
        Assert.Equal(5, TextHygiene.FirstForbidden("lone " + (char)0xD800 + " high"));
        Assert.Equal(5, TextHygiene.FirstForbidden("lone " + (char)0xDC00 + " low"));
        Assert.Equal(4, TextHygiene.FirstForbidden("tail" + (char)0xD83D));
        Assert.True(TextHygiene.IsClean("pair " + (char)0xD83D + (char)0xDE00));
    }

    [Fact]
    public void Single_line_text_refuses_line_breaks_but_not_tabs()
    {
        Assert.Equal(4, TextHygiene.FirstForbidden("name\nmore", multiline: false));
        Assert.True(TextHygiene.IsClean("a\tb", multiline: false));
    }

    [Fact]
    public void Cleaning_keeps_letters_and_drops_controls() =>
        Assert.Equal("Müller \uFFFD ok\r\nЛиния", TextHygiene.Clean("Mül\0ler " + (char)0xD800 + " ok\u0001\r\nЛиния"));

    [Fact]
    public void Cleaning_single_line_text_turns_breaks_into_spaces() =>
        Assert.Equal("a  b", TextHygiene.Clean("a\r\nb", multiline: false));
}
