using System.Security.Claims;
using SalesOrleans.Domain;

namespace SalesOrleans.Web.Auth;

/// <summary>
/// Who may see what, enforced by the API (the UI shows exactly this): admins everything; everyone else their
/// department's deals, plus deals they own or hold a task in (an engineer or warehouse keeper from elsewhere).
/// </summary>
public static class Access
{
    public static string? DepartmentOf(this ClaimsPrincipal user) => user.FindFirstValue(AuthSchemes.DepartmentClaim);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public static bool CanSee(this ClaimsPrincipal user, DealView deal) =>
        user.IsAdmin()
        || (user.DepartmentOf() is { } department && department == deal.Department)
        || deal.Owner == user.Name()
        || deal.Tasks.Any(t => t.Executor == user.Name());

    /// <summary>Admins, marketers (their lists span departments) and the head of sales (who routes triage) see every lead and contact.</summary>
    public static bool SeesAllLeads(this ClaimsPrincipal user, string? headOfSales) =>
        user.IsAdmin() || user.IsInRole(Roles.Marketer) || (headOfSales is not null && user.Name() == headOfSales);

    public static bool CanSee(this ClaimsPrincipal user, LeadView lead, string? headOfSales) =>
        user.SeesAllLeads(headOfSales)
        || (user.DepartmentOf() is { } department && department == lead.Department)
        || lead.Assignee == user.Name();

    public static bool CanSee(this ClaimsPrincipal user, ContactView contact, string? headOfSales) =>
        user.SeesAllLeads(headOfSales)
        || (user.DepartmentOf() is { } department && department == contact.Department)
        || contact.Responsible == user.Name();

    /// <summary>Admins and the warehouse (it fulfils every order) see all orders; others those of their department.</summary>
    public static bool SeesAllOrders(this ClaimsPrincipal user) => user.IsAdmin() || user.IsInRole(Roles.Warehouse);

    /// <summary>An order belongs to its responsible's department.</summary>
    public static bool CanSee(this ClaimsPrincipal user, OrderView order, string? responsibleDepartment) =>
        user.SeesAllOrders()
        || order.Responsible == user.Name()
        || (user.DepartmentOf() is { } department && department == responsibleDepartment);

    public static IResult Hidden(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"Deal {id} belongs to another department.");
}
