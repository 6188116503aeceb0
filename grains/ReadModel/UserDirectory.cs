using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.ReadModel;

/// <summary>
/// An in-memory snapshot of people and departments that grains consult synchronously (who holds a role, whose
/// calendar). Reloaded at start, periodically and after changes made through this node.
/// </summary>
public sealed class UserDirectory(UserStore store) : IDealDirectory
{
    private Snapshot _snapshot = new([], []);

    public IReadOnlyList<UserRecord> Users => _snapshot.Users;

    public IReadOnlyList<DepartmentRecord> Departments => _snapshot.Departments;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var (users, departments) = await store.LoadAllAsync(ct);
        _snapshot = new Snapshot(users, departments);
    }

    public UserRecord? Find(string user) => _snapshot.ByName.GetValueOrDefault(user);

    public bool UserExists(string user) => _snapshot.ByName.TryGetValue(user, out var u) && u.Active;

    public string? SupervisorOf(string department) =>
        _snapshot.Departments.FirstOrDefault(d => d.Id == department)?.Supervisor;

    public string? PickByRole(string role, string department, Guid dealId)
    {
        var holders = _snapshot.Users.Where(u => u.Active && u.Roles.Contains(role)).ToList();
        var local = holders.Where(u => u.Department == department).ToList();
        var pool = local.Count > 0 ? local : holders;
        // Stable for the deal: the same deal always lands on the same person while the pool is unchanged.
        return pool.Count == 0 ? null : pool[(int)((uint)dealId.GetHashCode() % (uint)pool.Count)].UserName;
    }

    public string? DepartmentOf(string user) => Find(user)?.Department;

    public WorkingCalendar CalendarOf(string user) =>
        _snapshot.Calendars.GetValueOrDefault(user, WorkingCalendar.AlwaysOpen);

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<UserRecord> users, IReadOnlyList<DepartmentRecord> departments)
        {
            Users = users;
            Departments = departments;
            ByName = users.ToDictionary(u => u.UserName);
            Calendars = users.ToDictionary(u => u.UserName, CalendarFor);
        }

        public IReadOnlyList<UserRecord> Users { get; }

        public IReadOnlyList<DepartmentRecord> Departments { get; }

        public Dictionary<string, UserRecord> ByName { get; }

        public Dictionary<string, WorkingCalendar> Calendars { get; }

        // ISO day numbers (1 = Monday … 7 = Sunday). A calendar the database holds badly (unknown zone, no days)
        // must not stop deadlines: such a person counts hours around the clock.
        private static WorkingCalendar CalendarFor(UserRecord u)
        {
            try
            {
                return new WorkingCalendar(u.TimeZone, u.WorkDays.Select(d => (DayOfWeek)(d % 7)).ToArray(), u.WorkStart, u.WorkEnd);
            }
            catch (Exception ex) when (ex is ArgumentException or TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return WorkingCalendar.AlwaysOpen;
            }
        }
    }
}
