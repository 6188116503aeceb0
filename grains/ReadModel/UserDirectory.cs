using System.Collections.Concurrent;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.ReadModel;

/// <summary>
/// An in-memory snapshot of people and departments that grains consult synchronously (who holds a role, whose
/// calendar). Reloaded at start, periodically, and on every node when a change is announced (PostgreSQL NOTIFY on
/// <see cref="CalendarStore.DirectoryChannel"/>).
/// </summary>
public sealed class UserDirectory(UserStore store, CalendarStore calendars, UserAdminStore admin, RoutingKeywordStore keywordStore, TimeProvider clock) : IDealDirectory
{
    private Snapshot _snapshot = new([], [], []);
    private TaskLoad _taskLoad = TaskLoad.None;
    private (IReadOnlyList<DepartmentKeywords> Lists, KeywordMatcher Matcher) _keywords = ([], KeywordMatcher.Empty);

    // Reloads overlap (a NOTIFY, the 30 s poll, an admin write's own reload): each takes a ticket when it starts reading,
    // and a reload installs its snapshot only if no later-started one has installed already, so a slow reload that read
    // before a change can never put the old people back after a faster one that read after it.
    private readonly Lock _install = new();
    private long _lastTicket;
    private long _installedTicket;

    // Role-based tasks this node handed out that the read model may not show yet (its projector trails the grains), so
    // a burst is still shared out; a pick is forgotten once the read model holds that person's task on that deal.
    private static readonly TimeSpan PickMemory = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<(string User, Guid Deal), (int Count, DateTimeOffset At)> _pendingPicks = new();

    public IReadOnlyList<UserRecord> Users => _snapshot.Users;

    public IReadOnlyList<DepartmentRecord> Departments => _snapshot.Departments;

    public IReadOnlyList<HolidayCalendarRecord> Calendars => _snapshot.HolidayCalendars;

    /// <summary>The departments' routing keywords as saved (per language).</summary>
    public IReadOnlyList<DepartmentKeywords> RoutingKeywords => _keywords.Lists;

    /// <summary>The matcher over <see cref="RoutingKeywords"/>, rebuilt at each reload; the lead router asks it on every inquiry.</summary>
    public KeywordMatcher KeywordMatcher => _keywords.Matcher;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var ticket = Interlocked.Increment(ref _lastTicket);
        var (users, departments) = await store.LoadAllAsync(ct);
        var holidayCalendars = await calendars.LoadAllAsync(ct);
        var keywords = await keywordStore.LoadAllAsync(ct);
        // The counts and which picks they hold, from one snapshot: each pick is counted once, by the counts or as pending.
        var load = await admin.TaskLoadAsync(() => _pendingPicks.ToArray().Select(p => p.Key).ToList(), ct);
        var snapshot = new Snapshot(users, departments, holidayCalendars);
        var matcher = new KeywordMatcher(keywords);
        lock (_install)
        {
            if (ticket >= _installedTicket)
            {
                _installedTicket = ticket;
                _snapshot = snapshot;
                _keywords = (keywords, matcher);
            }

            // Counts are installed in the order of their database snapshots, not of the reloads' starts (a reload that
            // started later may have read earlier). Only the counts installed forget the picks they hold, and only as
            // they saw them: a pick on the same deal made meanwhile stays.
            if (load.IsNewerThan(_taskLoad))
            {
                _taskLoad = load;
                var now = clock.GetUtcNow();
                foreach (var pick in _pendingPicks)
                {
                    if (load.Projected.Contains(pick.Key) || now - pick.Value.At > PickMemory)
                    {
                        _pendingPicks.TryRemove(pick);
                    }
                }
            }
        }
    }

    public UserRecord? Find(string user) => _snapshot.ByName.GetValueOrDefault(user);

    public bool UserExists(string user) => _snapshot.ByName.TryGetValue(user, out var u) && u.Active;

    public string? SupervisorOf(string department) =>
        _snapshot.Departments.FirstOrDefault(d => d.Id == department)?.Supervisor;

    /// <summary>The least loaded active holder of the role (see <see cref="RolePicker"/>).</summary>
    public string? PickByRole(string role, string department, Guid dealId) => PickByRole(role, department, dealId, []);

    /// <summary>The least loaded active holder of the role other than <paramref name="exclude"/> (see <see cref="RolePicker"/>).</summary>
    public string? PickByRole(string role, string department, Guid dealId, IReadOnlyCollection<string> exclude)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var holders = _snapshot.Users.Where(u => u.Active && u.Roles.Contains(role))
            .Select(u => new RolePicker.Holder(u.UserName, u.Department, IsAbsent(u, today)));
        var picked = RolePicker.Pick(holders, department, OpenTasks, dealId, exclude);
        if (picked is not null)
        {
            var at = clock.GetUtcNow();
            _pendingPicks.AddOrUpdate((picked, dealId), (1, at), (_, p) => (p.Count + 1, at));
        }

        return picked;
    }

    /// <summary>Open tasks of a person: the read model's count at the last reload plus this node's role-based picks it did not show yet.</summary>
    public int OpenTasks(string user) =>
        _taskLoad.Open.GetValueOrDefault(user) + _pendingPicks.Where(p => p.Key.User == user).Sum(p => p.Value.Count);

    public string? DepartmentOf(string user) => Find(user)?.Department;

    public bool HoldsRole(string user, string role) => Find(user) is { Active: true } u && u.Roles.Contains(role);

    public WorkingCalendar CalendarOf(string user) =>
        _snapshot.Calendars.GetValueOrDefault(user, WorkingCalendar.AlwaysOpen);

    /// <summary>Whoever takes the person's new tasks at <paramref name="at"/>: their deputy while they are away (one hop), else themselves.</summary>
    public string StandInFor(string user, DateTimeOffset at)
    {
        if (Find(user) is not { } u || u.Deputy is not { } deputy || !UserExists(deputy))
        {
            return user;
        }

        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, CalendarOf(user).TimeZone).DateTime);
        return IsAbsent(u, local) ? deputy : user;
    }

    /// <summary>The calendar a person's deadlines follow: their own, else their department's, else none.</summary>
    public string? CalendarIdOf(UserRecord u) => Snapshot.CalendarIdOf(u, _snapshot.Departments);

    private static bool IsAbsent(UserRecord u, DateOnly day) =>
        u.AbsentFrom is { } from && day >= from && (u.AbsentUntil is not { } until || day <= until);

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<UserRecord> users, IReadOnlyList<DepartmentRecord> departments,
            IReadOnlyList<HolidayCalendarRecord> holidayCalendars)
        {
            Users = users;
            Departments = departments;
            HolidayCalendars = holidayCalendars;
            ByName = users.ToDictionary(u => u.UserName);
            var byId = holidayCalendars.ToDictionary(c => c.Id);
            Calendars = users.ToDictionary(u => u.UserName, u => CalendarFor(u, CalendarIdOf(u, departments) is { } id ? byId.GetValueOrDefault(id) : null));
        }

        public IReadOnlyList<UserRecord> Users { get; }

        public IReadOnlyList<DepartmentRecord> Departments { get; }

        public IReadOnlyList<HolidayCalendarRecord> HolidayCalendars { get; }

        public Dictionary<string, UserRecord> ByName { get; }

        public Dictionary<string, WorkingCalendar> Calendars { get; }

        public static string? CalendarIdOf(UserRecord u, IReadOnlyList<DepartmentRecord> departments) =>
            u.CalendarId ?? departments.FirstOrDefault(d => d.Id == u.Department)?.CalendarId;

        // ISO day numbers (1 = Monday … 7 = Sunday). A calendar the database holds badly (unknown zone, no days)
        // must not stop deadlines: such a person counts hours around the clock.
        private static WorkingCalendar CalendarFor(UserRecord u, HolidayCalendarRecord? holidays)
        {
            try
            {
                return new WorkingCalendar(u.TimeZone, u.WorkDays.Select(d => (DayOfWeek)(d % 7)).ToArray(), u.WorkStart, u.WorkEnd,
                    holidays?.Days.Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => d.Date),
                    holidays?.Days.Where(d => d.Kind == CalendarDayKind.Workday).Select(d => d.Date),
                    holidays?.Days.Where(d => d.Kind == CalendarDayKind.Short).ToDictionary(d => d.Date, d => TimeSpan.FromMinutes(d.ShortenedMinutes)));
            }
            catch (Exception ex) when (ex is ArgumentException or TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return WorkingCalendar.AlwaysOpen;
            }
        }
    }
}
