using SalesOrleans.Domain;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.ReadModel;

/// <summary>The lead side of the people snapshot: departments and their managers, over <see cref="UserDirectory"/>.</summary>
public sealed class LeadDirectory(UserDirectory users) : ILeadDirectory
{
    public bool UserExists(string user) => users.UserExists(user);

    public string? SupervisorOf(string department) => users.SupervisorOf(department);

    public string? PickByRole(string role, string department, Guid dealId) => users.PickByRole(role, department, dealId);

    public WorkingCalendar CalendarOf(string user) => users.CalendarOf(user);

    public string StandInFor(string user, DateTimeOffset at) => users.StandInFor(user, at);

    public string? DepartmentOf(string user) => users.Find(user) is { Active: true } u ? u.Department : null;

    public bool DepartmentExists(string department) => users.Departments.Any(d => d.Id == department);

    public IReadOnlyList<string> ManagersOf(string department) =>
        users.Users.Where(u => u.Active && u.Department == department && u.Roles.Contains(Roles.Manager))
            .Select(u => u.UserName).Order(StringComparer.Ordinal).ToList();

    public string? UserAtExtension(string extension) =>
        users.Users.FirstOrDefault(u => u.Active && u.Extension == extension)?.UserName;
}
