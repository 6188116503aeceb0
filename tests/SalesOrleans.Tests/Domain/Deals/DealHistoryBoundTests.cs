using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Issue 12: a deal's stored state keeps its present and the newest of its past; only delivered history goes.</summary>
[Trait("Category", "Unit")]
public class DealHistoryBoundTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Old_closed_tasks_and_stage_visits_go_once_delivered_open_and_current_ones_stay()
    {
        var state = new DealState { Id = Guid.NewGuid(), Stage = "b", StageVisit = 100 };
        for (var visit = 1; visit <= 100; visit++)
        {
            state.StageHistory.Add(new StageVisitRecord(visit % 2 == 0 ? "b" : "a", visit, T0.AddHours(visit), T0.AddHours(visit + 1), "i.petrov"));
            state.Tasks.Add(Task($"t{visit}", visit % 2 == 0 ? "b" : "a", visit, visit == 3 ? DealTaskStatus.Open : DealTaskStatus.Done, updatedSeq: visit * 2));
        }

        state.Tasks.Add(Task("current-done", "b", 100, DealTaskStatus.Done, updatedSeq: 150));

        // Delivered up to seq 120: tasks changed later (t61 … t100) must stay whatever their age.
        var removed = DealHistoryBound.Trim(state, deliveredSeq: 120);

        Assert.Equal(state.Tasks.Count(t => !t.IsOpen), Math.Max(DealHistoryBound.KeptClosedTasks, 41));
        Assert.Contains(state.Tasks, t => t.Id == "t3");
        Assert.Contains(state.Tasks, t => t.Id == "current-done");
        Assert.All(state.Tasks.Where(t => t.UpdatedSeq > 120), t => Assert.Contains(t, state.Tasks));
        Assert.Equal(DealHistoryBound.KeptStageVisits, state.StageHistory.Count);
        Assert.Equal(100, state.StageHistory[^1].Visit);
        Assert.True(removed > 0);

        // Everything delivered: down to the bound, oldest first, the open one and the current visit's kept.
        DealHistoryBound.Trim(state, deliveredSeq: 1000);
        Assert.Equal(DealHistoryBound.KeptClosedTasks, state.Tasks.Count(t => !t.IsOpen));
        Assert.Contains(state.Tasks, t => t.Id == "t3");
        Assert.Contains(state.Tasks, t => t.Id == "current-done");
        Assert.Contains(state.Tasks, t => t.Id == "t100");
        Assert.DoesNotContain(state.Tasks, t => t.Id == "t4");
    }

    [Fact]
    public void A_short_history_is_left_alone()
    {
        var state = new DealState { Id = Guid.NewGuid(), Stage = "a", StageVisit = 1 };
        state.StageHistory.Add(new StageVisitRecord("a", 1, T0, null, "m.sokolova"));
        state.Tasks.Add(Task("t1", "a", 1, DealTaskStatus.Done, 2));
        Assert.Equal(0, DealHistoryBound.Trim(state, 10));
        Assert.Single(state.Tasks);
        Assert.Single(state.StageHistory);
    }

    private static DealTask Task(string id, string stage, int visit, DealTaskStatus status, long updatedSeq) => new()
    {
        Id = id,
        TemplateId = $"work-{stage}",
        Stage = stage,
        StageVisit = visit,
        Title = $"Angebot prüfen — этап {visit}",
        Executor = "k.weber",
        CreatedAt = T0.AddHours(visit),
        Deadline = T0.AddHours(visit + 8),
        Status = status,
        UpdatedSeq = updatedSeq,
    };
}
