using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesOrleans.Tests.Support;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Tests.Domain;

/// <summary>
/// Refusal texts: the English template of each key is what the server writes; a detail in its words is said again in
/// the caller's language with what varies (a department, a calendar, a limit) carried over. That Russian and German
/// carry every key with the English placeholders is LanguageTests' check.
/// </summary>
[Trait("Category", "Unit")]
public class ProblemTemplateTests
{
    private static readonly IStringLocalizerFactory Factory = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = I18nEndpoints.ResourcesPath }), NullLoggerFactory.Instance);

    private static IEnumerable<KeyValuePair<string, string>> Templates(string language) =>
        I18nEndpoints.Strings(Factory, language).Where(t => t.Key.StartsWith("problem.", StringComparison.Ordinal));

    [Theory]
    [InlineData("Unknown department 'service-north'.", "ru", "Отдел «service-north» не найден.")]
    [InlineData("Unknown calendar 'DE-BY' (empty: the department's).", "de", "Unbekannter Kalender „DE-BY“ (leer: der der Abteilung).")]
    [InlineData("'name' is required (plain text, at most 200 characters).", "ru", "Поле «name» обязательно (простой текст, не длиннее 200 символов).")]
    [InlineData("'title' is required.", "de", "Das Feld „title“ ist erforderlich.")]
    [InlineData("Extension 204 belongs to Ирина Соколова (i.sokolova).", "de", "Die Durchwahl 204 gehört Ирина Соколова (i.sokolova).")]
    [InlineData("'date' is YYYY-MM-DD between 2020 and 2035.", "ru", "Дата — в виде ГГГГ-ММ-ДД, с 2020 по 2035 год.")]
    [InlineData("'Angebot' cannot move to 'won'. Allowed: none.", "de", "Von „Angebot“ geht es nicht nach „won“: von hier führt kein Schritt weiter.")]
    [InlineData("'Квалификация' cannot move to 'won'. Allowed: proposal, lost.", "ru", "С этапа «Квалификация» нельзя перейти на «won». Можно: proposal, lost.")]
    [InlineData("Task 3 'Проверить КП' is a.ivanova's: only they, another 'engineer' of the department, the head of department 'industrial' or an admin may complete it.", "ru",
        "Задача 3 «Проверить КП» — у a.ivanova: выполнить её может только исполнитель, другой сотрудник отдела с ролью «engineer», руководитель отдела «industrial» или администратор.")]
    [InlineData("Task 3 'Проверить КП' is a.ivanova's: only they, the head of department 'industrial' or an admin may complete it.", "ru",
        "Задача 3 «Проверить КП» — у a.ivanova: выполнить её может только исполнитель, руководитель отдела «industrial» или администратор.")]
    [InlineData("Task 4 'Freigabe' reviews the work of the deal's owner (k.weber): the owner cannot complete it (four-eyes); it is s.volkov's.", "de",
        "Die Aufgabe 4 „Freigabe“ prüft die Arbeit der verantwortlichen Person (k.weber): diese kann sie nicht erledigen (Vier-Augen-Prinzip); sie liegt bei s.volkov.")]
    [InlineData("Only 1200.5 EUR of the order is not invoiced yet.", "de", "Vom Auftrag sind nur noch 1200.5 EUR nicht in Rechnung gestellt.")]
    [InlineData("Execution needs contract number and payment terms.", "ru", "Для исполнения нужны номер договора и условия оплаты.")]
    [InlineData("Only the warehouse or a supervisor may ship.", "de", "Versenden darf nur das Lager oder die Teamleitung.")]
    [InlineData("Only 3 of PUMP-7 available in hamburg; 5 requested.", "de", "Nur 3 von PUMP-7 im Lager hamburg verfügbar; angefragt: 5.")]
    [InlineData("The lead waits in the training queue; only its managers take it.", "ru", "Лид ждёт в очереди отдела training; взять его могут только менеджеры этого отдела.")]
    // The fixed wording goes before the template it would also fit ({min} = "4 different").
    [InlineData("'newPassword' needs at least 4 different characters.", "ru", "В новом пароле нужно хотя бы 4 разных символа.")]
    [InlineData("'newPassword' needs at least 12 characters.", "ru", "Новый пароль должен быть не короче 12 символов.")]
    // A name that looks like the words around it is still only a name.
    [InlineData("Unknown department 'x'. Unknown department 'y'.", "ru", "Отдел «x'. Unknown department 'y» не найден.")]
    // What no template says stays as written.
    [InlineData("The moon is not a department.", "ru", "The moon is not a department.")]
    public void A_detail_in_the_words_of_a_template_is_said_in_the_callers_language(string english, string language, string expected)
    {
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["field"] = [english] })
        {
            Title = "Invalid input", Detail = english, Status = StatusCodes.Status400BadRequest,
        };
        ProblemLanguage.Translate(problem, language, Factory);
        Assert.Equal(expected, problem.Detail);
        Assert.Equal(expected, Assert.Single(problem.Errors["field"]));
    }

    [Fact]
    public void Each_English_template_is_matched_by_its_own_shape()
    {
        var templates = Templates("en").Where(t => !t.Key.StartsWith("problem.title.", StringComparison.Ordinal)).ToList();
        foreach (var (key, english) in templates)
        {
            var sample = ProblemLanguage.Placeholder().Replace(english, m => $"<{m.Groups["name"].Value}>");
            Assert.True(ProblemLanguage.ShapeOf(english).IsMatch(sample), $"{key}: its shape misses '{sample}'");
        }
    }

    /// <summary>
    /// Details the code puts together from parts (a verb, a status, a list joined with "and", a part said only when a
    /// head or a role is known): no one literal holds them. Their templates are checked by the rewrites above.
    /// </summary>
    private static readonly HashSet<string> Composed =
    [
        "problem.deal.noSuchMove", "problem.deal.noSuchMoveNone", "problem.deal.moveNotForParameters", "problem.deal.moveNotForParametersNone",
        "problem.deal.reopenWon", "problem.deal.reopenOpen", "problem.deal.closedWon", "problem.deal.closedLost",
        "problem.deal.reopenHead", "problem.deal.reopenHeadNamed", "problem.deal.reviewStageHead", "problem.deal.reviewStageHeadNamed",
        "problem.task.alreadyDone", "problem.task.alreadyCancelled", "problem.task.executorOnly", "problem.task.executorOrRole",
        "problem.order.warehouseShip", "problem.order.warehouseStartProduction", "problem.order.warehouseReceive", "problem.order.warehouseReport",
        "problem.order.needsContract", "problem.order.needsTerms", "problem.order.needsContractAndTerms",
        "problem.notJson", "problem.roleForbidsAction",
    ];

    [Fact]
    public void The_words_of_every_English_template_are_still_what_the_code_writes()
    {
        // A reworded message in the code would silently stay English for everyone else: each literal run of a template
        // (the text between its placeholders) must still stand in the source of the node.
        var source = string.Join("\n", new[] { "grains", "web" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Repository.Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)).Replace("\\\"", "\"", StringComparison.Ordinal);
        var lost = new List<string>();
        foreach (var (key, english) in Templates("en").Where(t => !t.Key.StartsWith("problem.title.", StringComparison.Ordinal) && !Composed.Contains(t.Key)))
        {
            foreach (var run in ProblemLanguage.Placeholder().Split(english).Where(r => r.Length >= 4 && !Regex.IsMatch(r, "^[A-Za-z]{1,40}$")))
            {
                if (!source.Contains(run, StringComparison.Ordinal))
                {
                    lost.Add($"{key}: '{run}'");
                }
            }
        }

        Assert.True(lost.Count == 0, "Not in the code any more:\n" + string.Join("\n", lost));
    }
}
