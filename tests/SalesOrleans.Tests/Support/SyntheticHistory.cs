using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Tests.Support;

/// <summary>One generated deal life: the stages it visits with the hours spent in each, and how it ends.</summary>
public sealed record SyntheticDeal(
    Guid Id,
    string Process,
    string Department,
    string Owner,
    decimal Amount,
    DateTimeOffset Start,
    IReadOnlyList<(string Stage, double Hours)> Path,
    string Outcome,
    string? LostReason = null,
    string? StuckOn = null,
    IReadOnlyDictionary<string, string>? Parameters = null,
    string? Contact = null,
    string? Company = null,
    IReadOnlyList<DealLineView>? Lines = null);

/// <summary>
/// Turns generated deal lives into the publications a deal grain would make (one per command, activities with
/// their seq), so tests feed the real projector with a history whose every number is known.
/// </summary>
public static class SyntheticHistory
{
    public static IEnumerable<DealPublication> Publications(SyntheticDeal d)
    {
        long seq = 0;
        var at = d.Start;
        var first = d.Path[0].Stage;
        var created = new List<DealActivity>
        {
            new(++seq, at, d.Owner, ActivityKind.Created, first, "Deal created"),
            new(++seq, at, d.Owner, ActivityKind.StageChanged, first, $"Stage: {first}", Subject: first),
        };
        yield return Publication(d, first, at, seq, created, "Open", null, null);

        for (var i = 0; i < d.Path.Count; i++)
        {
            var (stage, hours) = d.Path[i];
            var entered = at;
            at = at.AddHours(hours);
            var last = i == d.Path.Count - 1;
            if (last && d.Outcome == "Open")
            {
                // Still in its stage: a snapshot naming whom it is stuck on, no move.
                var note = new DealActivity(++seq, at, d.Owner, ActivityKind.Note, stage, "Called the client");
                yield return Publication(d, stage, entered, seq, [note], "Open", null, null);
                yield break;
            }

            var next = last ? (d.Outcome == "Won" ? "won" : "lost") : d.Path[i + 1].Stage;
            var moved = new List<DealActivity> { new(++seq, at, d.Owner, ActivityKind.StageChanged, next, $"Stage: {stage} → {next}", Subject: next) };
            if (last)
            {
                moved.Add(d.Outcome == "Won"
                    ? new DealActivity(++seq, at, d.Owner, ActivityKind.Won, next, "Deal won")
                    : new DealActivity(++seq, at, d.Owner, ActivityKind.Lost, next, "Deal lost", Subject: d.LostReason));
                yield return Publication(d, next, at, seq, moved, d.Outcome, d.Outcome == "Lost" ? d.LostReason : null, at);
                yield break;
            }

            yield return Publication(d, next, at, seq, moved, "Open", null, null);
        }
    }

    private static DealPublication Publication(SyntheticDeal d, string stage, DateTimeOffset enteredAt, long seq,
        IReadOnlyList<DealActivity> activities, string status, string? lostReason, DateTimeOffset? closedAt)
    {
        var stuck = status == "Open" && d.StuckOn is not null ? new StuckOnView(d.StuckOn, enteredAt, null, null) : null;
        var view = new DealView(d.Id, $"Deal {d.Id:N}", d.Process, 1, d.Company ?? $"Company {d.Id.ToString()[..8]}", d.Contact, d.Owner, d.Department,
            d.Amount, "EUR", d.Lines ?? [], d.Parameters ?? new Dictionary<string, string>(), stage, stage, enteredAt, 0.5, status, lostReason,
            [], [], stuck, [], [], seq, d.Start, closedAt, []);
        return new DealPublication(view, activities, []);
    }
}
