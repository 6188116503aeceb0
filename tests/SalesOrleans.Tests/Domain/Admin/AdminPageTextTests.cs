using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesOrleans.Web.Api;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Admin;

/// <summary>The administration and process editor pages ask only for texts the resource files hold (in all three languages, see LanguageTests).</summary>
[Trait("Category", "Unit")]
public partial class AdminPageTextTests
{
    [Theory]
    [InlineData("admin")]
    [InlineData("processes")]
    public void Every_text_the_page_asks_for_is_in_the_resource_files(string page)
    {
        var strings = I18nEndpoints.Strings(new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = I18nEndpoints.ResourcesPath }), NullLoggerFactory.Instance), "en");
        var ui = Path.Combine(Repository.Root, "web", "ui");
        foreach (Match m in TextCall().Matches(File.ReadAllText(Path.Combine(ui, page + ".js"))))
        {
            Assert.True(strings.ContainsKey(m.Groups["key"].Value), $"{page}.js: '{m.Groups["key"].Value}' is in no resource file");
        }

        var html = File.ReadAllText(Path.Combine(ui, page + ".html"));
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
        foreach (Match m in MarkupKey().Matches(html))
        {
            Assert.True(strings.ContainsKey(m.Groups["key"].Value), $"{page}.html: '{m.Groups["key"].Value}' is in no resource file");
        }

        // The keys built at run time (executor kinds, gate kinds, routing modes).
        foreach (var key in new[] { "processes.executor.owner", "processes.executor.role", "processes.executor.user", "processes.executor.supervisor",
            "processes.gate.field", "processes.gate.document", "processes.gate.tasksDone", "processes.mode.manual", "processes.mode.automatic", "nav.admin", "nav.processes" })
        {
            Assert.True(strings.ContainsKey(key), key);
        }
    }

    [GeneratedRegex(@"App\.t\(\s*'(?<key>[a-zA-Z0-9.]+)'")]
    private static partial Regex TextCall();

    [GeneratedRegex(@"data-t(?:-placeholder|-title)?=""(?<key>[^""]+)""")]
    private static partial Regex MarkupKey();
}
