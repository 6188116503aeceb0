using System.Text;
using System.Text.RegularExpressions;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// The README is the front door and docs/ the house behind it: a newcomer who follows a relative link must land on a
/// file that exists, and on the heading the link names. Links to the web are not checked (no network here).
/// </summary>
[Trait("Category", "Unit")]
public partial class DocsLinksTests
{
    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_resolves()
    {
        var root = Repository.Root;
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .ToList();
        var broken = new List<string>();
        foreach (var file in files)
        {
            var text = WithoutCode(File.ReadAllText(file));
            foreach (Match link in Link().Matches(text))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = target.IndexOf('#');
                var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var resolved = pathPart.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, pathPart));
                var where = $"{Path.GetRelativePath(root, file)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add(where + " — no such file");
                }
                else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal)
                         && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
                {
                    broken.Add(where + " — no such heading");
                }
            }
        }

        Assert.True(files.Count > 5, "README.md and docs/*.md were not found under " + root);
        Assert.True(broken.Count == 0, "Broken relative links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_readme_keeps_the_two_commands_ci_runs()
    {
        var root = Repository.Root;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains("deploy/run.sh     # the whole system with a demo, on http://127.0.0.1:5000", readme);
        Assert.Contains("deploy/test.sh    # every test against a throwaway PostgreSQL; ends with \"N passed, N failed\"", readme);
        Assert.Contains("deploy/test.sh --fast", readme);
        Assert.Contains("exec bash deploy/test.sh", File.ReadAllText(Path.Combine(root, ".ci", "run")));
    }

    [Fact]
    public void Anchors_follow_githubs_rule()
    {
        var anchors = Anchors("## Mail templates (issue 11, the 1C:CRM project's outgoing mail)\n## Mail TLS\n## Mail TLS\n```\n# not a heading\n```");
        Assert.Equal(["mail-templates-issue-11-the-1ccrm-projects-outgoing-mail", "mail-tls", "mail-tls-1"], anchors.Order());
    }

    /// <summary>GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered -1, -2 ….</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var seen = new Dictionary<string, int>();
        var anchors = new HashSet<string>();
        foreach (var line in WithoutFences(markdown).Split('\n'))
        {
            var heading = Heading().Match(line);
            if (!heading.Success)
            {
                continue;
            }

            var text = heading.Groups["text"].Value.Trim().Replace("`", "", StringComparison.Ordinal).ToLowerInvariant();
            var slug = new StringBuilder();
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            var id = slug.ToString();
            var count = seen.GetValueOrDefault(id);
            seen[id] = count + 1;
            anchors.Add(count == 0 ? id : $"{id}-{count}");
        }

        return anchors;
    }

    /// <summary>Links inside code are examples, not links.</summary>
    private static string WithoutCode(string markdown) =>
        InlineCode().Replace(WithoutFences(markdown), "");

    private static string WithoutFences(string markdown) => Fence().Replace(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), "");

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^```.*?^```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"``.+?``|`[^`\n]+`")]
    private static partial Regex InlineCode();
}
