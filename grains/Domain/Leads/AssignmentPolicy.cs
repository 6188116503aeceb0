namespace SalesOrleans.Domain.Leads;

/// <summary>One member of a department queue as the policy sees them at the moment of a decision.</summary>
public sealed record QueueCandidate(string User, bool Absent, bool OnShift, int OpenLeads, int OpenTasks)
{
    public int Load => OpenLeads + OpenTasks;
}

/// <summary>
/// Fair assignment (the 1C:CRM "by turn" and least-loaded rules): who gets the next lead, and why in words. Pure; the
/// queue grain calls it one decision at a time, which is what makes the spread exact under concurrency.
/// </summary>
public static class AssignmentPolicy
{
    /// <param name="members">The department's managers; the rotation follows their order by user name.</param>
    /// <param name="capacity">Most open leads a person may hold; 0 means no cap.</param>
    /// <param name="lastAssigned">Who got the previous lead of this queue: the rotation continues after them.</param>
    public static QueueDecision Pick(AssignmentPolicyKind policy, IReadOnlyList<QueueCandidate> members, int capacity, string? lastAssigned)
    {
        var rotation = Rotation(members, lastAssigned);
        var skipped = new List<string>();
        var eligible = new List<QueueCandidate>();
        foreach (var m in rotation)
        {
            if (m.Absent)
            {
                skipped.Add($"{m.User} absent");
            }
            else if (!m.OnShift)
            {
                skipped.Add($"{m.User} off shift");
            }
            else if (capacity > 0 && m.OpenLeads >= capacity)
            {
                skipped.Add($"{m.User} at capacity ({m.OpenLeads}/{capacity})");
            }
            else
            {
                eligible.Add(m);
            }
        }

        var skippedText = skipped.Count == 0 ? "" : $"; skipped {string.Join(", ", skipped)}";
        if (eligible.Count == 0)
        {
            return new QueueDecision(null, members.Count == 0
                ? "nobody in the department's queue; waiting"
                : $"nobody available{skippedText}; waiting");
        }

        if (policy == AssignmentPolicyKind.LeastLoaded)
        {
            // Ties go to whoever comes first in the rotation, so equal loads still take turns.
            var best = eligible.MinBy(m => m.Load)!;
            return new QueueDecision(best.User,
                $"least loaded: {best.OpenLeads} open lead(s) + {best.OpenTasks} open task(s){skippedText}");
        }

        var next = eligible[0];
        return new QueueDecision(next.User, lastAssigned is null
            ? $"round robin: first in turn{skippedText}"
            : $"round robin: next in turn after {lastAssigned}{skippedText}");
    }

    /// <summary>Members in turn order starting after <paramref name="lastAssigned"/> (by user name, wrapping).</summary>
    public static IReadOnlyList<QueueCandidate> Rotation(IReadOnlyList<QueueCandidate> members, string? lastAssigned)
    {
        var ordered = members.OrderBy(m => m.User, StringComparer.Ordinal).ToList();
        if (lastAssigned is null)
        {
            return ordered;
        }

        var start = ordered.FindIndex(m => string.CompareOrdinal(m.User, lastAssigned) > 0);
        return start <= 0 ? ordered : [.. ordered.Skip(start), .. ordered.Take(start)];
    }
}
