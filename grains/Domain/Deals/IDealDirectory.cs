using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.Domain.Deals;

/// <summary>What the stage machine needs to know about people: who holds a role, who heads a department, whose calendar.</summary>
public interface IDealDirectory
{
    bool UserExists(string user);

    string? SupervisorOf(string department);

    /// <summary>A user with the role, preferring the department; deterministic for a given deal so a replay picks the same one.</summary>
    string? PickByRole(string role, string department, Guid dealId);

    /// <summary>
    /// <see cref="PickByRole(string, string, Guid)"/> among the holders not in <paramref name="exclude"/> (four-eyes:
    /// an order's responsible and creator). The default asks the plain pick and refuses an excluded one.
    /// </summary>
    string? PickByRole(string role, string department, Guid key, IReadOnlyCollection<string> exclude) =>
        PickByRole(role, department, key) is { } picked && !exclude.Contains(picked) ? picked : null;

    /// <summary>
    /// Whom a role-based piece of work goes to at <paramref name="at"/>: the least loaded holder of the role not in
    /// <paramref name="exclude"/> (absent holders only when nobody else holds it), or that person's deputy while they are
    /// away — when the deputy holds the role too (only a holder may decide an approval step) and is not excluded.
    /// </summary>
    string? PickAssignee(string role, string department, Guid key, DateTimeOffset at, IReadOnlyCollection<string> exclude)
    {
        if (PickByRole(role, department, key, exclude) is not { } picked)
        {
            return null;
        }

        var standIn = StandInFor(picked, at);
        return standIn == picked || exclude.Contains(standIn) || !HoldsRole(standIn, role) ? picked : standIn;
    }

    /// <summary>Whether the person is active and holds the role.</summary>
    bool HoldsRole(string user, string role) => UserExists(user);

    WorkingCalendar CalendarOf(string user);

    /// <summary>The department a person works in, if any (decides whose deals and tasks they may act on).</summary>
    string? DepartmentOf(string user) => null;

    /// <summary>Who takes a new task meant for <paramref name="user"/> at <paramref name="at"/>: their deputy while they are away, else they.</summary>
    string StandInFor(string user, DateTimeOffset at) => user;
}
