using SalesOrleans.Domain.Calendar;

namespace SalesOrleans.Domain.Deals;

/// <summary>What the stage machine needs to know about people: who holds a role, who heads a department, whose calendar.</summary>
public interface IDealDirectory
{
    bool UserExists(string user);

    string? SupervisorOf(string department);

    /// <summary>A user with the role, preferring the department; deterministic for a given deal so a replay picks the same one.</summary>
    string? PickByRole(string role, string department, Guid dealId);

    WorkingCalendar CalendarOf(string user);

    /// <summary>The department a person works in, if any (decides whose deals and tasks they may act on).</summary>
    string? DepartmentOf(string user) => null;

    /// <summary>Who takes a new task meant for <paramref name="user"/> at <paramref name="at"/>: their deputy while they are away, else they.</summary>
    string StandInFor(string user, DateTimeOffset at) => user;
}
