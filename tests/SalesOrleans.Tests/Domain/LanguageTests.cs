using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Web.Api;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain;

/// <summary>Languages: culture names to the supported languages, translations in process definitions, and the resource files.</summary>
[Trait("Category", "Unit")]
public partial class LanguageTests
{
    [Theory]
    [InlineData("ru-RU", "ru")]
    [InlineData("de", "de")]
    [InlineData("DE-at", "de")]
    [InlineData("en-US", "en")]
    [InlineData("fr-FR", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_culture_name_asks_for_its_language_when_it_is_supported(string? culture, string? language) =>
        Assert.Equal(language, Languages.Of(culture));

    [Fact]
    public void A_name_is_picked_in_the_language_or_falls_back_to_the_neutral_one()
    {
        var names = new Dictionary<string, string> { ["ru"] = "Первичный контакт", ["de"] = "Erstkontakt" };
        Assert.Equal("Первичный контакт", Languages.Pick("First contact", names, "ru-RU"));
        Assert.Equal("Erstkontakt", Languages.Pick("First contact", names, "de"));
        Assert.Equal("First contact", Languages.Pick("First contact", names, "fr"));
        Assert.Equal("First contact", Languages.Pick("First contact", null, "de"));
    }

    [Fact]
    public void Translations_in_a_process_name_only_known_languages_and_reasons()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "processes", "training-sales.json"));
        var shipped = ProcessJson.Parse(json);
        Assert.Equal("Первичный контакт", Languages.Pick(shipped.Stage("first-contact").Name, shipped.Stage("first-contact").Names, "ru"));
        Assert.Equal("Preis zu hoch", Languages.Pick("price too high", shipped.LostReasonNames["price too high"], "de"));

        var broken = shipped with
        {
            Names = new Dictionary<string, string> { ["fr"] = "Vente de formations", ["ru"] = " " },
            LostReasonNames = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["too expensive"] = new Dictionary<string, string> { ["de"] = "zu teuer" } },
        };
        var problems = ProcessValidator.Validate(broken);
        Assert.Contains(problems, p => p.StartsWith("names: 'fr' is not a translation language", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("names: the 'ru' text is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("lostReasonNames: 'too expensive' is not one of the lostReasons", StringComparison.Ordinal));
        // Translations survive a round trip through the stored form.
        Assert.Equal("Erstkontakt", ProcessJson.Parse(ProcessJson.Serialize(shipped)).Stage("first-contact").Names["de"]);
    }

    private static IStringLocalizerFactory Factory() => new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = I18nEndpoints.ResourcesPath }), NullLoggerFactory.Instance);

    [Fact]
    public void Every_page_text_has_a_Russian_and_a_German_translation_with_the_same_placeholders()
    {
        var english = I18nEndpoints.Strings(Factory(), "en");
        Assert.True(english.Count > 300, $"only {english.Count} texts");
        foreach (var language in new[] { "ru", "de" })
        {
            var translated = I18nEndpoints.Strings(Factory(), language);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            var untranslated = english.Where(e => e.Value == translated[e.Key] && e.Value.Any(char.IsLetter) && !SameInEveryLanguage(e.Key)).Select(e => e.Key).ToList();
            Assert.True(untranslated.Count < english.Count / 10, $"{language}: {untranslated.Count} texts the same as in English: {string.Join(", ", untranslated.Take(20))}");
            foreach (var (key, text) in english)
            {
                Assert.True(Placeholders(text).SetEquals(Placeholders(translated[key])), $"{language} {key}: placeholders differ");
            }
        }
    }

    [Fact]
    public void Every_text_every_page_asks_for_is_in_the_resource_files_and_every_page_has_a_viewport()
    {
        var strings = I18nEndpoints.Strings(Factory(), "en");
        var ui = Path.Combine(Repository.Root, "web", "ui");
        // Every page script and every page (a new one is checked without being listed here).
        foreach (var page in Directory.GetFiles(ui, "*.js").Select(Path.GetFileNameWithoutExtension).Order())
        {
            var code = File.ReadAllText(Path.Combine(ui, page + ".js"));
            foreach (Match m in TextCall().Matches(code))
            {
                Assert.True(strings.ContainsKey(m.Groups["key"].Value) || m.Groups["key"].Value == "deal.lost.title", $"{page}.js: '{m.Groups["key"].Value}' is in no resource file");
            }

            if (File.Exists(Path.Combine(ui, page + ".html")))
            {
                var html = File.ReadAllText(Path.Combine(ui, page + ".html"));
                Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
                foreach (Match m in MarkupKey().Matches(html))
                {
                    Assert.True(strings.ContainsKey(m.Groups["key"].Value), $"{page}.html: '{m.Groups["key"].Value}' is in no resource file");
                }
            }
        }
    }

    // Brand and technical words read the same in every language.
    private static bool SameInEveryLanguage(string key) => key.StartsWith("enum.", StringComparison.Ordinal) || key.StartsWith("ops.col.host", StringComparison.Ordinal)
        || key is "nav.live" or "nav.ops" or "ops.title" or "title.ops" or "common.ok" or "search.deal" or "search.lead";

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{[a-zA-Z]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"App\.t\(\s*'(?<key>[a-zA-Z0-9.]+)'")]
    private static partial Regex TextCall();

    [GeneratedRegex(@"data-t(?:-placeholder|-title)?=""(?<key>[^""]+)""")]
    private static partial Regex MarkupKey();
}
