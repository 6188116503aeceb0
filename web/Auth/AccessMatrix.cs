using SalesOrleans.Domain;

namespace SalesOrleans.Web.Auth;

/// <summary>One cell of the matrix: how far <paramref name="Role"/> may use <paramref name="Capability"/>.</summary>
public sealed record AccessCell(string Role, string Capability, AccessScope Scope);

/// <summary>Who asks: the user name and their department (none for admins, marketers and integrations).</summary>
public sealed record AccessSubject(string Name, string? Department);

/// <summary>
/// What scopes a resource: the departments it belongs to and the people who own or execute it. Shared resources
/// (a company, a free-text reservation) belong to no department: any scope but none reaches them.
/// </summary>
public sealed record ResourceFacts(IReadOnlyCollection<string> Departments, IReadOnlyCollection<string> People, bool Shared = false)
{
    public static ResourceFacts Of(string? department, params string?[] people) =>
        new(department is null ? [] : [department], people.Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).Distinct().ToArray());

    public static readonly ResourceFacts SharedResource = new([], [], Shared: true);
}

/// <summary>Allowed; hidden (answered as if it did not exist: 404); or seen but not permitted (403).</summary>
public enum AccessDecision
{
    Allowed,
    Hidden,
    Forbidden,
}

/// <summary>
/// The role × capability matrix: the one place that says who may do what, and how far (none / own / department / all).
/// Plain data (defaults below, stored in PostgreSQL, changed by an admin); the decision is a pure function of it.
/// </summary>
public sealed class AccessMatrix
{
    /// <summary>Roles of API tokens that feed the system (PBX, web forms): write inquiries, read what they fed.</summary>
    public const string Integration = Domain.Roles.Integration;

    /// <summary>Not a stored role: the user named in Leads:HeadOfSales holds it too (routes triage across departments).</summary>
    public const string HeadOfSales = "head-of-sales";

    /// <summary>The matrix's columns, in the order the defaults and the admin page show them.</summary>
    public static readonly IReadOnlyList<string> Roles =
    [
        Domain.Roles.Admin, Domain.Roles.Supervisor, Domain.Roles.Manager, Domain.Roles.Marketer,
        Domain.Roles.Warehouse, Domain.Roles.Engineer, Integration, HeadOfSales,
    ];

    private readonly Dictionary<(string Role, string Capability), AccessScope> _cells;

    public AccessMatrix(IEnumerable<AccessCell> cells)
    {
        _cells = [];
        foreach (var cell in cells)
        {
            if (Capability.Find(cell.Capability) is not null && Roles.Contains(cell.Role))
            {
                _cells[(cell.Role, cell.Capability)] = cell.Scope;
            }
        }
    }

    /// <summary>Every cell, none left out (a missing one is none).</summary>
    public IReadOnlyList<AccessCell> Cells =>
        Capability.All.SelectMany(c => Roles.Select(r => new AccessCell(r, c.Name, ScopeOf(r, c)))).ToList();

    public AccessScope ScopeOf(string role, Capability capability) => _cells.GetValueOrDefault((role, capability.Name));

    /// <summary>The widest scope any of the user's roles gives.</summary>
    public AccessScope ScopeOf(IEnumerable<string> roles, Capability capability) =>
        roles.Select(r => ScopeOf(r, capability)).DefaultIfEmpty(AccessScope.None).Max();

    /// <summary>These cells changed, the rest kept.</summary>
    public AccessMatrix With(IEnumerable<AccessCell> changes) => new(Cells.Concat(changes));

    /// <summary>
    /// The decision for a resource: missing, or out of the reach of the read capability of its kind, is hidden
    /// (a 404 like a missing one); seen but out of the reach of the capability asked for is forbidden.
    /// </summary>
    public static AccessDecision Decide(AccessScope scope, AccessScope readScope, AccessSubject subject, ResourceFacts? facts)
    {
        if (facts is null || !Reaches(readScope, subject, facts))
        {
            return AccessDecision.Hidden;
        }

        return Reaches(scope, subject, facts) ? AccessDecision.Allowed : AccessDecision.Forbidden;
    }

    public static bool Reaches(AccessScope scope, AccessSubject subject, ResourceFacts facts) => scope switch
    {
        AccessScope.All => true,
        AccessScope.None => false,
        _ when facts.Shared => true,
        AccessScope.Own => facts.People.Contains(subject.Name),
        AccessScope.Department => facts.People.Contains(subject.Name)
            || (subject.Department is { } department && facts.Departments.Contains(department)),
        _ => false,
    };

    private const AccessScope N = AccessScope.None, O = AccessScope.Own, D = AccessScope.Department, A = AccessScope.All;

    /// <summary>
    /// The shipped defaults. Columns: admin, supervisor, manager, marketer, warehouse, engineer, integration, head-of-sales.
    /// The domain still checks its own rules behind this (e.g. only an order's responsible or a supervisor records payments).
    /// </summary>
    private static readonly (Capability Capability, AccessScope[] Scopes)[] DefaultRows =
    [
        //                                    adm sup man mkt whs eng int hos
        (Capability.DealRead,                [A,  D,  D,  O,  O,  O,  N,  N]),
        (Capability.DealCreate,              [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.DealChange,              [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.DealMove,                [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.DealReopen,              [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.DealTaskComplete,        [A,  D,  D,  O,  O,  O,  N,  N]),
        (Capability.DealDocumentAttach,      [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.DealParameters,          [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.TaskRead,                [A,  D,  O,  O,  O,  O,  N,  N]),
        (Capability.LeadRead,                [A,  D,  D,  A,  N,  N,  A,  A]),
        (Capability.LeadCreate,              [A,  D,  D,  A,  N,  N,  A,  N]),
        (Capability.LeadWork,                [A,  D,  D,  N,  N,  N,  N,  A]),
        (Capability.LeadAssign,              [A,  D,  N,  N,  N,  N,  N,  A]),
        (Capability.ContactRead,             [A,  D,  D,  A,  N,  N,  A,  A]),
        (Capability.ContactTask,             [A,  D,  D,  A,  N,  N,  N,  N]),
        (Capability.CompanyRead,             [A,  A,  A,  A,  N,  N,  N,  N]),
        (Capability.CompanyCreate,           [A,  A,  A,  A,  N,  N,  N,  N]),
        (Capability.OrderRead,               [A,  D,  D,  N,  A,  N,  N,  N]),
        (Capability.OrderCreate,             [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.OrderChange,             [A,  D,  O,  N,  N,  N,  N,  N]),
        (Capability.OrderApprove,            [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.OrderFulfil,             [A,  D,  N,  N,  A,  N,  N,  N]),
        (Capability.OrderPayment,            [A,  D,  O,  N,  N,  N,  N,  N]),
        (Capability.OrderCancel,             [A,  D,  O,  N,  N,  N,  N,  N]),
        (Capability.ReservationRead,         [A,  D,  D,  N,  A,  N,  N,  N]),
        (Capability.ReservationCreate,       [A,  D,  D,  N,  A,  N,  N,  N]),
        (Capability.ReservationRelease,      [A,  D,  D,  N,  A,  N,  N,  N]),
        (Capability.StockRead,               [A,  A,  A,  A,  A,  A,  N,  N]),
        (Capability.StockReceive,            [A,  N,  N,  N,  A,  N,  N,  N]),
        (Capability.StockAdjust,             [A,  N,  N,  N,  A,  N,  N,  N]),
        (Capability.StockShip,               [A,  N,  N,  N,  A,  N,  N,  N]),
        (Capability.CatalogChange,           [A,  A,  N,  N,  A,  N,  N,  N]),
        (Capability.ProcessRead,             [A,  A,  A,  A,  A,  A,  N,  N]),
        (Capability.ProcessPublish,          [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.QueueRead,               [A,  D,  D,  N,  N,  N,  N,  A]),
        (Capability.QueueManage,             [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.PresenceManage,          [A,  D,  O,  N,  N,  N,  N,  N]),
        (Capability.WorkloadRead,            [A,  D,  D,  N,  N,  N,  N,  A]),
        (Capability.PeopleRead,              [A,  A,  A,  A,  A,  A,  N,  A]),
        (Capability.TelephonyRead,           [A,  D,  D,  N,  N,  N,  A,  A]),
        (Capability.AnalyticsRead,           [A,  A,  D,  A,  N,  N,  N,  N]),
        (Capability.AnalyticsRefresh,        [A,  A,  N,  N,  N,  N,  N,  N]),
        (Capability.ExportPersonalData,      [A,  A,  N,  A,  N,  N,  N,  N]),
        (Capability.ImportCatalog,           [A,  A,  N,  N,  A,  N,  N,  N]),
        (Capability.ImportOrders,            [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.ImportCustomers,         [A,  A,  N,  N,  N,  N,  N,  N]),
        (Capability.MailQuarantine,          [A,  N,  N,  N,  N,  N,  N,  A]),
        (Capability.NotificationRead,        [O,  O,  O,  O,  O,  O,  O,  N]),
        (Capability.TokenAdmin,              [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.UserAdmin,               [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.AccessAdmin,             [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.OpsDashboard,            [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.UserManage,              [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.DepartmentAdmin,         [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.CalendarAdmin,           [A,  N,  N,  N,  N,  N,  N,  N]),
        (Capability.RoutingKeywords,         [A,  D,  N,  N,  N,  N,  N,  N]),
        (Capability.ClaimRead,               [A,  A,  D,  N,  A,  A,  N,  N]),
        (Capability.ClaimWork,               [A,  D,  D,  N,  N,  O,  N,  N]),
        (Capability.DealMail,                [A,  D,  D,  N,  N,  N,  N,  N]),
        (Capability.MailTemplate,            [A,  A,  N,  N,  N,  N,  N,  N]),
    ];

    public static AccessMatrix Defaults { get; } = new(
        DefaultRows.SelectMany(row => row.Scopes.Select((scope, i) => new AccessCell(Roles[i], row.Capability.Name, scope))));

    /// <summary>True when every capability has a default row (a test holds the table to it).</summary>
    public static bool DefaultsCoverEveryCapability =>
        Capability.All.All(c => DefaultRows.Count(r => r.Capability == c) == 1) && DefaultRows.All(r => r.Scopes.Length == Roles.Count);
}
