using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Tests.Support;

/// <summary>People for pure and grain tests: two managers and a supervisor in "d1", an engineer and a warehouse keeper.</summary>
public sealed class TestDirectory : IDealDirectory
{
    public const string Department = "d1";

    private readonly Dictionary<string, (string[] Roles, string? Department)> _users = new()
    {
        ["m1"] = (["manager"], Department),
        ["m2"] = (["manager"], Department),
        ["sup"] = (["supervisor"], Department),
        ["eng"] = (["engineer"], Department),
        ["w.lager"] = (["warehouse"], Department),
    };

    public Dictionary<string, WorkingCalendar> Calendars { get; } = [];

    /// <summary>Known people, plus any "u-…" name: grain tests give each test its own manager so workloads do not mix.</summary>
    public bool UserExists(string user) => _users.ContainsKey(user) || user.StartsWith("u-", StringComparison.Ordinal);

    public string? SupervisorOf(string department) => department == Department ? "sup" : null;

    public string? PickByRole(string role, string department, Guid dealId) =>
        _users.Where(u => u.Value.Roles.Contains(role)).Select(u => u.Key).Order().FirstOrDefault();

    public WorkingCalendar CalendarOf(string user) => Calendars.GetValueOrDefault(user, WorkingCalendar.AlwaysOpen);

    /// <summary>Known people work in "d1"; a "u-…" grain-test manager works in "d1" too unless named "u-other-…".</summary>
    public string? DepartmentOf(string user) =>
        _users.TryGetValue(user, out var u) ? u.Department
        : user.StartsWith("u-other-", StringComparison.Ordinal) ? "d2"
        : user.StartsWith("u-", StringComparison.Ordinal) ? Department : null;
}
