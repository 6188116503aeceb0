using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// People for lead tests: "d1" (m1, m2; supervisor sup), "race" (r1…r5; supervisor rsup), "cap" (c1, c2; csup),
/// "empty" (no managers; supervisor esup). Calendars are open around the clock unless a test sets one.
/// </summary>
public sealed class TestLeadDirectory : ILeadDirectory
{
    public static readonly IReadOnlyDictionary<string, (string Supervisor, string[] Managers)> Departments = new Dictionary<string, (string, string[])>
    {
        ["d1"] = ("sup", ["m1", "m2"]),
        ["race"] = ("rsup", ["r1", "r2", "r3", "r4", "r5"]),
        ["cap"] = ("csup", ["c1", "c2"]),
        ["absent"] = ("asup", ["a1", "a2", "a3"]),
        ["empty"] = ("esup", []),
    };

    public Dictionary<string, WorkingCalendar> Calendars { get; } = [];

    /// <summary>Users whose look-up throws this many more times: a failing dependency for the work that reads them.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> FailingLookups { get; } = new(StringComparer.Ordinal);

    public bool UserExists(string user)
    {
        if (FailingLookups.TryGetValue(user, out var left) && left > 0 && FailingLookups.TryUpdate(user, left - 1, left))
        {
            throw new InvalidOperationException($"The user directory is unavailable (injected; {left - 1} failures left for '{user}').");
        }

        return Departments.Values.Any(d => d.Supervisor == user || d.Managers.Contains(user)) || user is "head" or "mk" || user.StartsWith("u-", StringComparison.Ordinal);
    }

    public string? SupervisorOf(string department) => Departments.TryGetValue(department, out var d) ? d.Supervisor : null;

    public string? PickByRole(string role, string department, Guid dealId) => null;

    public WorkingCalendar CalendarOf(string user) => Calendars.GetValueOrDefault(user, WorkingCalendar.AlwaysOpen);

    public string? DepartmentOf(string user) =>
        Departments.FirstOrDefault(d => d.Value.Supervisor == user || d.Value.Managers.Contains(user)).Key;

    public bool DepartmentExists(string department) => Departments.ContainsKey(department);

    public IReadOnlyList<string> ManagersOf(string department) =>
        Departments.TryGetValue(department, out var d) ? d.Managers : [];

    /// <summary>Extensions 101 and 102 ring m1 and m2 of "d1".</summary>
    public string? UserAtExtension(string extension) => extension switch { "101" => "m1", "102" => "m2", _ => null };
}
