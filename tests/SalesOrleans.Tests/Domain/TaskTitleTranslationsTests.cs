using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain;

/// <summary>Task titles of the shipped processes in every page language, checked like stage names.</summary>
[Trait("Category", "Unit")]
public class TaskTitleTranslationsTests
{
    private static string ProcessDirectory => Path.Combine(AppContext.BaseDirectory, "processes");

    public static TheoryData<string> Files => new(Directory.GetFiles(ProcessDirectory, "*.json").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_task_of_a_shipped_process_has_a_Russian_and_a_German_title(string file)
    {
        var d = ProcessJson.Parse(File.ReadAllText(Path.Combine(ProcessDirectory, file)));
        var tasks = d.Stages.SelectMany(s => s.Tasks).ToList();
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t =>
        {
            Assert.Equal(["de", "ru"], t.Titles.Keys.Order());
            Assert.NotEqual(t.Title, t.Titles["ru"]);
            Assert.NotEqual(t.Title, t.Titles["de"]);
        });
    }

    [Fact]
    public void A_task_title_in_an_unknown_language_or_empty_is_refused()
    {
        var d = ProcessJson.Parse(File.ReadAllText(Path.Combine(ProcessDirectory, "training-sales.json")));
        var stage = d.Stages[0];
        var bad = stage with { Tasks = [stage.Tasks[0] with { Titles = new Dictionary<string, string> { ["fr"] = "Noter la demande", ["de"] = " " } }] };
        var problems = ProcessValidator.Validate(d with { Stages = [bad, .. d.Stages.Skip(1)] });

        Assert.Contains(problems, p => p.Contains("titles: 'fr' is not a translation language", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("titles: the 'de' text is empty", StringComparison.Ordinal));
    }
}
