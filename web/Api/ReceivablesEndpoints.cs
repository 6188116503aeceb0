using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>The receivables report as JSON: the day it is aged to and a row per customer.</summary>
public sealed record ReceivablesReport(DateOnly AsOf, IReadOnlyList<ReceivablesRow> Rows);

/// <summary>
/// Receivables by customer and age across orders (issue 11): open invoice amounts aged by due date, for sales heads
/// on the analytics page, as JSON or a CSV/XLSX file. Supervisors, admins and marketers see every department, managers
/// their own (the analytics read scope).
/// </summary>
public static class ReceivablesEndpoints
{
    public static void MapReceivablesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/analytics/receivables", GetReceivables).Requires(Capability.AnalyticsRead).WithTags("Analytics");
    }

    /// <summary>What the receivables handler is given besides its query.</summary>
    public readonly record struct ReceivablesServices(ClaimsPrincipal User, ReceivablesQueries Queries, AccessPolicy Access, TimeProvider Clock, CancellationToken Ct);

    private static async Task<Results<Ok<ReceivablesReport>, ReportFile, ProblemHttpResult>> GetReceivables(DateOnly? asOf, string? department, string? format,
        [AsParameters] ReceivablesServices s)
    {
        if (format is not null && !ReportExport.IsFile(format))
        {
            return Problems.Invalid("format", "Use csv or xlsx (or leave it out for JSON).");
        }

        var scope = await s.Access.ScopeAsync(s.User, Capability.AnalyticsRead, s.Ct);
        string? only;
        if (scope == AccessScope.All)
        {
            only = string.IsNullOrWhiteSpace(department) ? null : department.Trim();
        }
        else if (scope == AccessScope.Department && s.User.DepartmentOf() is { } own && (department is null || department == own))
        {
            only = own;
        }
        else
        {
            return AccessProblems.Forbidden(Capability.AnalyticsRead, department is null ? null : ResourceKind.Department);
        }

        var day = asOf ?? DateOnly.FromDateTime(s.Clock.GetUtcNow().UtcDateTime);
        var rows = await s.Queries.ByCustomerAsync(day, only, s.Ct);
        return ReportExport.IsFile(format) ? ReportExport.Write($"receivables-{day:yyyy-MM-dd}", format!, rows) : TypedResults.Ok(new ReceivablesReport(day, rows));
    }
}
