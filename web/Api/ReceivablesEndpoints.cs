using System.Security.Claims;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Receivables by customer and age across orders (issue 11): open invoice amounts aged by due date, for sales heads
/// on the analytics page, as JSON or a CSV/XLSX file. Supervisors, admins and marketers see every department, managers
/// their own (the analytics read scope).
/// </summary>
public static class ReceivablesEndpoints
{
    public static void MapReceivablesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/analytics/receivables", async (DateOnly? asOf, string? department, string? format, ClaimsPrincipal user, ReceivablesQueries queries,
            AccessPolicy access, TimeProvider clock, CancellationToken ct) =>
        {
            if (format is not null && !ReportExport.IsFile(format))
            {
                return Problems.Invalid("format", "Use csv or xlsx (or leave it out for JSON).");
            }

            var scope = await access.ScopeAsync(user, Capability.AnalyticsRead, ct);
            string? only;
            if (scope == AccessScope.All)
            {
                only = string.IsNullOrWhiteSpace(department) ? null : department.Trim();
            }
            else if (scope == AccessScope.Department && user.DepartmentOf() is { } own && (department is null || department == own))
            {
                only = own;
            }
            else
            {
                return AccessProblems.Forbidden(Capability.AnalyticsRead, department is null ? null : ResourceKind.Department);
            }

            var day = asOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var rows = await queries.ByCustomerAsync(day, only, ct);
            return ReportExport.IsFile(format) ? ReportExport.Write($"receivables-{day:yyyy-MM-dd}", format!, rows) : Results.Ok(new { asOf = day, rows });
        }).Requires(Capability.AnalyticsRead).WithTags("Analytics");
    }
}
