using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class KeywordMatcherTests
{
    private static readonly KeywordMatcher Matcher = new(
    [
        new DepartmentKeywords("cooling", "de", ["Kühlschrank", "Kältemaschine", "Gefrierschrank"]),
        new DepartmentKeywords("cooling", "ru", ["холодильник", "морозильная камера", "чиллер"]),
        new DepartmentKeywords("industrial", "de", ["Pumpe", "Schraubenkompressor"]),
        new DepartmentKeywords("industrial", "ru", ["насос", "климатическая", "компрессор"]),
        new DepartmentKeywords("industrial", "en", ["pump"]),
        new DepartmentKeywords("training", "de", ["Schulung", "Straße"]),
        new DepartmentKeywords("training", "ru", ["обучение", "семинар"]),
    ]);

    [Theory]
    // German: plural with umlaut, case, transliterated umlauts, ß as ss, inflected forms.
    [InlineData("Wir suchen drei Kühlschränke für unsere Kantine.", "cooling", "Kühlschrank")]
    [InlineData("ANGEBOT KÜHLSCHRANK 300L", "cooling", "Kühlschrank")]
    [InlineData("Bitte Preis fuer zwei Kuehlschraenke senden", "cooling", "Kühlschrank")]
    [InlineData("Unsere Kältemaschinen brauchen Wartung", "cooling", "Kältemaschine")]
    [InlineData("Wir benötigen zwei Pumpen für die Kläranlage", "industrial", "Pumpe")]
    [InlineData("Angebot für Schraubenkompressoren, 7,5 kW", "industrial", "Schraubenkompressor")]
    [InlineData("Schulungen für 8 Mitarbeiter im März", "training", "Schulung")]
    [InlineData("Termin in der Hauptstrasse?", null, null)]
    [InlineData("Seminar in der Strasse 5 — Anfahrt?", "training", "Straße")]
    // Russian: plural and case forms, ё written or not, multi-word keyword.
    [InlineData("Нужны холодильники для магазина", "cooling", "холодильник")]
    [InlineData("Прошу счёт на холодильника два", "cooling", "холодильник")]
    [InlineData("Нужна МОРОЗИЛЬНАЯ КАМЕРА на склад", "cooling", "морозильная камера")]
    [InlineData("Требуются насосы для котельной", "industrial", "насос")]
    [InlineData("Запрос: климатический шкаф на -70", "industrial", "климатическая")]
    [InlineData("Интересует обучения персонала по Excel", "training", "обучение")]
    [InlineData("Прошу провести обучению сотрудников", "training", "обучение")]
    [InlineData("Ещё нужны чиллеры", "cooling", "чиллер")]
    // English, and words the keywords only occur inside of.
    [InlineData("We need two Pumps for a mine", "industrial", "pump")]
    [InlineData("a sump problem; recourse", null, null)]
    [InlineData("Мы торгуем нанасосами? нет", null, null)]
    [InlineData("", null, null)]
    public void Keywords_match_word_forms_in_german_russian_and_english(string text, string? department, string? keyword)
    {
        var hit = Matcher.Match(text);
        Assert.Equal(department, hit?.Department);
        Assert.Equal(keyword, hit?.Keyword);
    }

    [Fact]
    public void The_department_with_most_keywords_in_the_text_wins_then_the_more_specific_keyword()
    {
        // Two cooling words against one industrial word.
        Assert.Equal("cooling", Matcher.Match("Kühlschrank und Gefrierschrank, dazu eine Pumpe")?.Department);
        // One each: the longer (more specific) keyword decides.
        Assert.Equal(("industrial", "Schraubenkompressor"), Matcher.Match("Schraubenkompressor mit Schulung")!.Value);
    }

    [Theory]
    [InlineData("Kühlschränke", "kuhlschranke")]
    [InlineData("Kuehlschraenke", "kuhlschranke")]
    [InlineData("STRAßE", "strasse")]
    [InlineData("Ёлка", "елка")]
    [InlineData("Йошкар-Ола", "йошкар-ола")]
    [InlineData("Café", "cafe")]
    public void Folding_removes_case_umlauts_sharp_s_yo_and_accents_but_keeps_short_i(string text, string folded) =>
        Assert.Equal(folded, KeywordMatcher.Fold(text));

    [Fact]
    public void Validation_names_the_field_of_an_empty_too_long_duplicate_or_unknown_language_keyword()
    {
        static string? First(Dictionary<string, string[]?> lists) => KeywordMatcher.Validate(lists).Select(p => p.Field).FirstOrDefault();

        Assert.Null(First(new() { ["de"] = ["Pumpe", "Kühlschrank"], ["ru"] = ["насос"], ["en"] = [] }));
        Assert.Equal("keywords.de[1]", First(new() { ["de"] = ["Pumpe", "  "] }));
        Assert.Equal("keywords.ru[0]", First(new() { ["ru"] = [new string('я', KeywordMatcher.MaxKeywordLength + 1)] }));
        Assert.Equal("keywords.de[1]", First(new() { ["de"] = ["Kühlschrank", "KUEHLSCHRANK"] }));
        Assert.Equal("keywords.ru[1]", First(new() { ["ru"] = ["ёлка", "елка"] }));
        Assert.Equal("keywords.fr", First(new() { ["fr"] = ["pompe"] }));
        Assert.Equal("keywords.en[0]", First(new() { ["en"] = ["pump\u0000"] }));
        Assert.Equal("keywords.en[0]", First(new() { ["en"] = ["!!!"] }));
    }

    [Fact]
    public void The_router_asks_the_current_keyword_set_after_its_configured_rules()
    {
        var current = new KeywordMatcher([new DepartmentKeywords("industrial", "de", ["Pumpe"])]);
        var router = new LeadRouter([new RoutingRule(RoutingRuleKind.Mailbox, "schulung@sales.example", "training")], new ContactNormalizer("DE"), () => current);

        Assert.Equal(("industrial", "routed by keyword 'Pumpe'"), router.Route(new RoutingInput(LeadChannel.WebForm, Text: "Zwei Pumpen, bitte")));
        Assert.Equal("training", router.Route(new RoutingInput(LeadChannel.Email, Mailbox: "schulung@sales.example", Text: "Pumpen")).Department);

        // An edit is seen by the next inquiry without rebuilding the router.
        current = new KeywordMatcher([new DepartmentKeywords("service", "de", ["Pumpe"])]);
        Assert.Equal("service", router.Route(new RoutingInput(LeadChannel.WebForm, Text: "Pumpe defekt")).Department);
    }
}
