namespace SalesOrleans.Domain.Deals;

/// <summary>
/// Who of a role gets a role-based task: the active holders in the deal's department (anyone holding the role when the
/// department has none), absent people left out while someone else can take it, and of those the least loaded (open
/// tasks). Ties go round by the deal id over the names in order, so equal people share the work and the same deal
/// with the same loads always lands on the same person. Role-based deal tasks and order approval steps both pick here;
/// an approval step leaves out the order's responsible and creator (<c>exclude</c>: four-eyes) before the pool is formed,
/// so the least loaded of the others is asked rather than nobody.
/// </summary>
public static class RolePicker
{
    public sealed record Holder(string User, string? Department, bool Absent = false);

    public static string? Pick(IEnumerable<Holder> holders, string department, Func<string, int> openTasks, Guid dealId,
        IReadOnlyCollection<string>? exclude = null)
    {
        var all = holders.Where(h => exclude is null || !exclude.Contains(h.User)).ToList();
        var local = all.Where(h => h.Department == department).ToList();
        var pool = local.Count > 0 ? local : all;
        var present = pool.Where(h => !h.Absent).ToList();
        if (present.Count > 0)
        {
            pool = present;
        }

        if (pool.Count == 0)
        {
            return null;
        }

        var loads = pool.Select(h => (h.User, Load: openTasks(h.User))).ToList();
        var least = loads.Min(l => l.Load);
        var ties = loads.Where(l => l.Load == least).Select(l => l.User).Order(StringComparer.Ordinal).ToList();
        return ties[(int)((uint)dealId.GetHashCode() % (uint)ties.Count)];
    }
}
