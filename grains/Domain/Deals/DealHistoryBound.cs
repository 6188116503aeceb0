namespace SalesOrleans.Domain.Deals;

/// <summary>
/// Keeps a deal's stored state the size of its present, not of its past: the journal (activities) is appended to the
/// read model and leaves the state with the outbox, and this drops what else only grows — closed tasks of earlier stage
/// visits beyond the newest <see cref="KeptClosedTasks"/> and stage visits beyond the newest
/// <see cref="KeptStageVisits"/>. Only what every consumer has already received may go (the read model keeps every
/// task and every visit: deal_task, deal_stage_visit, deal_activity), so a write of a deal with a thousand commands
/// behind it is as large as one with fifty.
/// </summary>
public static class DealHistoryBound
{
    public const int KeptClosedTasks = 20;

    public const int KeptStageVisits = 20;

    /// <summary>Drops old history already delivered up to <paramref name="deliveredSeq"/>; returns how many entries went.</summary>
    public static int Trim(DealState state, long deliveredSeq)
    {
        var removed = 0;
        var closed = state.Tasks.Count(t => !t.IsOpen);
        if (closed > KeptClosedTasks)
        {
            var surplus = closed - KeptClosedTasks;
            // Oldest first (tasks are appended in creation order); never an open task, nor one of the current visit,
            // nor one whose last change a consumer may not have seen yet.
            var drop = state.Tasks
                .Where(t => !t.IsOpen && t.UpdatedSeq <= deliveredSeq && !(t.Stage == state.Stage && t.StageVisit == state.StageVisit))
                .Take(surplus)
                .ToHashSet();
            removed += state.Tasks.RemoveAll(drop.Contains);
        }

        if (state.StageHistory.Count > KeptStageVisits)
        {
            var surplus = state.StageHistory.Count - KeptStageVisits;
            state.StageHistory.RemoveRange(0, surplus);
            removed += surplus;
        }

        return removed;
    }
}
