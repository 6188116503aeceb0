using System.Text.Json;
using System.Text.Json.Nodes;
using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain;

[Trait("Category", "Unit")]
public class ProcessJsonTests
{
    private const string Minimal = """
        {
          // comments and trailing commas are fine in hand-written definitions
          "kind": "mini",
          "name": "Mini",
          "mode": "automatic",
          "initialStage": "work",
          "lostReasons": ["price",],
          "fields": [ { "name": "equipmentType", "type": "choice", "choices": ["pump", "climatic"] } ],
          "stages": [
            {
              "id": "work", "name": "Work", "probability": 0.5,
              "tasks": [ { "id": "do", "title": "Do it", "executor": { "kind": "role", "role": "engineer" }, "deadlineHours": 8 } ],
              "gates": [ { "kind": "tasksDone" }, { "kind": "document", "documentKind": "proposal" } ],
              "transitions": [
                { "to": "won", "when": { "field": "equipmentType", "in": ["pump"], "not": true } },
                { "to": "won", "when": { "field": "equipmentType", "in": ["pump"] }, "skipGates": true, "manualOnly": true },
                { "to": "lost" },
              ]
            },
            { "id": "won", "name": "Won", "probability": 1, "outcome": "won" },
            { "id": "lost", "name": "Lost", "probability": 0, "outcome": "lost" }
          ]
        }
        """;

    private static ProcessDefinitionException ParseFails(string json) => Assert.Throws<ProcessDefinitionException>(() => ProcessJson.Parse(json));

    [Fact]
    public void Parses_every_member_with_comments_and_trailing_commas()
    {
        var d = ProcessJson.Parse(Minimal);

        Assert.Equal(("mini", "Mini", RoutingMode.Automatic, "work", 0), (d.Kind, d.Name, d.Mode, d.InitialStage, d.Version));
        var work = d.Stage("work");
        Assert.Equal(ExecutorKind.Role, work.Tasks[0].Executor.Kind);
        Assert.Equal("engineer", work.Tasks[0].Executor.Role);
        Assert.Equal([GateKind.TasksDone, GateKind.Document], work.Gates.Select(g => g.Kind));
        Assert.True(work.Transitions[0].When!.Not);
        Assert.True(work.Transitions[1].SkipGates && work.Transitions[1].ManualOnly);
        Assert.Equal(StageOutcome.Won, d.Stage("won").Outcome);
        Assert.True(d.Stage("lost").IsTerminal);
        Assert.Equal(4, d.EscalationGraceHours);
        Assert.Empty(ProcessValidator.Validate(d));
    }

    [Fact]
    public void Round_trip_keeps_the_definition()
    {
        var d = ProcessJson.Parse(Minimal) with { Version = 3, Description = "With a description" };

        var json = ProcessJson.Serialize(d);
        var back = ProcessJson.Parse(json);

        Assert.Equal(json, ProcessJson.Serialize(back));
        Assert.Equal((3, "With a description"), (back.Version, back.Description));
        Assert.Equal(d.Stages.Select(s => (s.Id, s.Probability, s.Outcome, s.Tasks.Count, s.Gates.Count, s.Transitions.Count)),
            back.Stages.Select(s => (s.Id, s.Probability, s.Outcome, s.Tasks.Count, s.Gates.Count, s.Transitions.Count)));
        Assert.Equal(d.Stage("work").Transitions[0].When!.In, back.Stage("work").Transitions[0].When!.In);
    }

    [Fact]
    public void Enums_are_written_as_camel_case_strings()
    {
        var node = JsonNode.Parse(ProcessJson.Serialize(ProcessJson.Parse(Minimal)))!;

        Assert.Equal("automatic", (string?)node["mode"]);
        Assert.Equal("choice", (string?)node["fields"]![0]!["type"]);
        Assert.Equal("role", (string?)node["stages"]![0]!["tasks"]![0]!["executor"]!["kind"]);
        Assert.Equal("tasksDone", (string?)node["stages"]![0]!["gates"]![0]!["kind"]);
        Assert.Equal("won", (string?)node["stages"]![1]!["outcome"]);
    }

    [Fact]
    public void Enums_are_read_ignoring_case_but_never_as_numbers()
    {
        var d = ProcessJson.Parse(Minimal.Replace("\"automatic\"", "\"Automatic\"").Replace("\"tasksDone\"", "\"TasksDone\""));
        Assert.Equal(RoutingMode.Automatic, d.Mode);
        Assert.Equal(GateKind.TasksDone, d.Stage("work").Gates[0].Kind);

        var ex = ParseFails(Minimal.Replace("\"automatic\"", "1"));
        Assert.StartsWith("$.mode", Assert.Single(ex.Problems));
    }

    [Fact]
    public void An_unknown_enum_value_lists_the_allowed_ones()
    {
        var ex = ParseFails(Minimal.Replace("\"kind\": \"tasksDone\"", "\"kind\": \"signature\""));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("$.stages[0].gates[0].kind", problem);
        Assert.Contains("one of document, field, tasksDone", problem);
    }

    [Fact]
    public void Computed_members_and_empty_lists_are_not_written()
    {
        var json = ProcessJson.Serialize(ProcessJson.Parse(Minimal));
        var won = JsonNode.Parse(json)!["stages"]![1]!.AsObject();

        Assert.DoesNotContain("isTerminal", json, StringComparison.OrdinalIgnoreCase);
        Assert.False(won.ContainsKey("tasks"));
        Assert.False(won.ContainsKey("transitions"));
    }

    [Fact]
    public void Who_may_leave_review_and_written_by_are_read_and_written_and_absent_when_not_given()
    {
        var json = Minimal
            .Replace("\"choices\": [\"pump\", \"climatic\"] }", "\"choices\": [\"pump\", \"climatic\"], \"writtenBy\": \"system\" }")
            .Replace("\"deadlineHours\": 8 }", "\"deadlineHours\": 8, \"review\": true }")
            .Replace("\"probability\": 0.5,", "\"probability\": 0.5, \"leftBy\": \"supervisor\",");

        var d = ProcessJson.Parse(json);
        var work = d.Stage("work");

        Assert.Equal((StageLeaver.Supervisor, true, FieldWriter.System), (work.LeftBy, work.Tasks[0].Review, d.Fields[0].WrittenBy));
        Assert.True(work.Tasks[0].IsReview);
        var written = ProcessJson.Serialize(d);
        Assert.Contains("\"leftBy\": \"supervisor\"", written);
        Assert.DoesNotContain("isReview", written, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(written, ProcessJson.Serialize(ProcessJson.Parse(written)));

        // A definition from before these members reads as it always did, and writes nothing new.
        var old = ProcessJson.Parse(Minimal);
        Assert.Equal((null, null, null), (old.Stage("work").LeftBy, old.Stage("work").Tasks[0].Review, old.Fields[0].WrittenBy));
        Assert.False(old.Stage("work").Tasks[0].IsReview);
        Assert.DoesNotContain("leftBy", ProcessJson.Serialize(old));
        Assert.DoesNotContain("review", ProcessJson.Serialize(old));
        Assert.DoesNotContain("writtenBy", ProcessJson.Serialize(old));
        Assert.Contains("one of owner, supervisor, order", Assert.Throws<ProcessDefinitionException>(() => ProcessJson.Parse(Minimal.Replace("\"probability\": 0.5,", "\"probability\": 0.5, \"leftBy\": \"boss\","))).Message);
    }

    [Fact]
    public void Property_names_are_read_ignoring_case() =>
        Assert.Equal("work", ProcessJson.Parse(Minimal.Replace("\"initialStage\"", "\"InitialStage\"")).InitialStage);

    [Fact]
    public void Malformed_json_names_the_path_and_line()
    {
        var ex = ParseFails(Minimal.Replace("\"probability\": 0.5,", "\"probability\": 0.5 ,,"));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("$.stages[0]", problem);
        Assert.Contains("(line 11", problem);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Fact]
    public void A_missing_required_member_names_the_path_and_the_member()
    {
        var ex = ParseFails(Minimal.Replace("\"id\": \"won\", ", ""));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("$.stages[1]", problem);
        Assert.Contains("missing required properties including: 'id'", problem);
        Assert.DoesNotContain("SalesOrleans.", problem);
    }

    [Fact]
    public void A_missing_executor_is_reported_at_its_task()
    {
        var ex = ParseFails(Minimal.Replace("\"executor\": { \"kind\": \"role\", \"role\": \"engineer\" }, ", ""));

        Assert.StartsWith("$.stages[0].tasks[0]", Assert.Single(ex.Problems));
    }

    [Fact]
    public void A_misspelt_member_is_an_error_rather_than_silently_ignored()
    {
        var ex = ParseFails(Minimal.Replace("\"when\": { \"field\": \"equipmentType\", \"in\": [\"pump\"], \"not\": true }", "\"wen\": { \"field\": \"equipmentType\", \"in\": [\"pump\"] }"));

        Assert.StartsWith("$.stages[0].transitions[0].wen", Assert.Single(ex.Problems));
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_path()
    {
        var ex = ParseFails(Minimal.Replace("\"probability\": 0.5", "\"probability\": \"high\""));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("$.stages[0].probability", problem);
        Assert.Contains("could not be converted to a number", problem);
    }

    [Fact]
    public void Null_for_a_required_text_is_an_error() =>
        Assert.StartsWith("$.name", Assert.Single(ParseFails(Minimal.Replace("\"name\": \"Mini\"", "\"name\": null")).Problems));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"kind\": \"x\"")]
    public void Nothing_usable_is_a_problem_at_the_root(string json) =>
        Assert.StartsWith("$", Assert.Single(ParseFails(json).Problems));

    [Fact]
    public void Options_are_shared_and_frozen() => Assert.True(ProcessJson.Options.IsReadOnly);

    private static string WithOrderLink(string link) => Minimal.Replace("\"stages\": [", $"\"orderLink\": {link},\n  \"stages\": [");

    [Fact]
    public void The_order_link_is_read_and_written_back()
    {
        var d = ProcessJson.Parse(WithOrderLink("""{ "createAt": "work", "moves": [ { "on": "completed", "to": "won" }, { "on": "paid", "to": "won" } ], "lostStage": "lost", "lostReason": "price" }"""));

        var link = d.OrderLink!;
        Assert.Equal(("work", "main", true, "lost", "price"), (link.CreateAt, link.Warehouse, link.Submit, link.LostStage, link.LostReason));
        Assert.Equal([OrderLinkTrigger.Completed, OrderLinkTrigger.Paid], link.Moves.Select(m => m.On));
        Assert.Empty(ProcessValidator.Validate(d));
        var json = ProcessJson.Serialize(d);
        Assert.Contains("\"on\": \"paid\"", json);
        Assert.Equal(json, ProcessJson.Serialize(ProcessJson.Parse(json)));
        Assert.DoesNotContain("orderLink", ProcessJson.Serialize(ProcessJson.Parse(Minimal)));
    }

    [Fact]
    public void An_unknown_order_trigger_or_member_in_the_order_link_is_refused()
    {
        var trigger = Assert.Single(ParseFails(WithOrderLink("""{ "moves": [ { "on": "invoiced", "to": "won" } ] }""")).Problems);
        Assert.StartsWith("$.orderLink.moves[0].on", trigger);
        Assert.Contains("one of paid, execution, shipped, completed", trigger);

        var typo = Assert.Single(ParseFails(WithOrderLink("""{ "createdAt": "work" }""")).Problems);
        Assert.Contains("createdAt", typo);
    }
}
