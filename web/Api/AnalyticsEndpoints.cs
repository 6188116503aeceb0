using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Analytics;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Analytics;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record AnalyticsQuery(string? Process, string? Department, string? Owner, DateTimeOffset? From, DateTimeOffset? To, string? Format);

public sealed record ContactExportQuery(string? Department, string? EquipmentType, string? Status, string? Process, string? Format,
    string? Source, string? Region, string? List, string? Loyalty = null);

/// <summary>
/// Reports for sales heads (/api/analytics) and segment exports for marketing (/api/exports). Supervisors, admins
/// and marketers see every department; managers only their own. Every report answers JSON, or a file with ?format=csv|xlsx.
/// </summary>
public static class AnalyticsEndpoints
{
    public static void MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/api/analytics").WithTags("Analytics");

        analytics.MapGet("/funnel", GetFunnel).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/bottlenecks", GetBottlenecks).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/lost", GetLost).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/managers", GetManagers).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/leads", GetLeadFate).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/bcg", GetBcg).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/forecast", GetForecast).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/probability", GetProbability).Requires(Capability.AnalyticsRead);
        analytics.MapPost("/probability/refresh", RefreshProbability).Requires(Capability.AnalyticsRefresh);

        app.MapGet("/api/exports/contacts", ExportContacts).Requires(Capability.ExportPersonalData).WithTags("Analytics");
    }

    /// <summary>What every report handler is given besides its query.</summary>
    public readonly record struct AnalyticsServices(ClaimsPrincipal User, IAnalyticsService Service, AnalyticsQueries Queries, AccessPolicy Access, CancellationToken Ct);

    private static Task<Results<Ok<IReadOnlyList<FunnelStage>>, ReportFile, ProblemHttpResult>> GetFunnel([AsParameters] AnalyticsQuery q,
        [AsParameters] AnalyticsServices s) =>
        Report(q, s, "funnel", f => s.Service.FunnelAsync(f, s.Ct));

    private static Task<Results<Ok<IReadOnlyList<StageDuration>>, ReportFile, ProblemHttpResult>> GetBottlenecks([AsParameters] AnalyticsQuery q, string? by,
        [AsParameters] AnalyticsServices s) =>
        Report(q, s, "bottlenecks", f => s.Queries.StageDurationsAsync(f, by == "executor", s.Ct));

    private static Task<Results<Ok<IReadOnlyList<LostGroup>>, ReportFile, ProblemHttpResult>> GetLost([AsParameters] AnalyticsQuery q,
        [AsParameters] AnalyticsServices s) =>
        Report(q, s, "lost-deals", f => s.Queries.LostAsync(f, s.Ct));

    private static Task<Results<Ok<IReadOnlyList<ManagerPerformance>>, ReportFile, ProblemHttpResult>> GetManagers([AsParameters] AnalyticsQuery q,
        [AsParameters] AnalyticsServices s) =>
        Report(q, s, "managers", f => s.Queries.ManagersAsync(f, s.Ct));

    private static Task<Results<Ok<IReadOnlyList<LeadFateRow>>, ReportFile, ProblemHttpResult>> GetLeadFate([AsParameters] AnalyticsQuery q,
        [AsParameters] AnalyticsServices s) =>
        Report(q, s, "lead-fate", f => s.Service.LeadFateAsync(f, s.Ct));

    private static async Task<Results<Ok<Bcg>, ReportFile, ProblemHttpResult>> GetBcg([AsParameters] AnalyticsQuery q, string? by, double? growthThreshold,
        double? shareThreshold, [AsParameters] AnalyticsServices s)
    {
        if (Scope(q, s.User, await s.Access.ScopeAsync(s.User, Capability.AnalyticsRead, s.Ct)) is not { } f)
        {
            return Denied(q);
        }

        if (by is not (null or "customer" or "product"))
        {
            return Problems.Invalid("by", "Use customer or product.");
        }

        if (q.From is { } from && q.To is { } to && from >= to)
        {
            return Problems.Invalid("from", "'from' must be before 'to'.");
        }

        if (growthThreshold is { } g && (double.IsNaN(g) || g < -1 || g > 100))
        {
            return Problems.Invalid("growthThreshold", "A growth rate between -1 (-100 %) and 100.");
        }

        if (shareThreshold is { } sh && (double.IsNaN(sh) || sh <= 0 || sh > 1))
        {
            return Problems.Invalid("shareThreshold", "A share of the leader's revenue above 0 and at most 1.");
        }

        if (q.Format is not null && !ReportExport.IsFile(q.Format))
        {
            return Problems.Invalid("format", "Use csv or xlsx (or leave it out for JSON).");
        }

        var thresholds = new BcgThresholds(growthThreshold ?? BcgThresholds.Default.Growth, shareThreshold ?? BcgThresholds.Default.Share);
        var bcg = await s.Service.BcgAsync(f, by == "product", thresholds, s.Ct);
        return ReportExport.IsFile(q.Format) ? ReportExport.Write($"bcg-{bcg.By}", q.Format!, bcg.Items) : TypedResults.Ok(bcg);
    }

    private static async Task<Results<Ok<Forecast>, ReportFile, ProblemHttpResult>> GetForecast([AsParameters] AnalyticsQuery q, int? monthsBack, int? monthsAhead,
        [AsParameters] AnalyticsServices s)
    {
        if (Scope(q, s.User, await s.Access.ScopeAsync(s.User, Capability.AnalyticsRead, s.Ct)) is not { } f)
        {
            return Denied(q);
        }

        var forecast = await s.Service.ForecastAsync(f, monthsBack ?? 6, monthsAhead ?? 15, s.Ct);
        return ReportExport.IsFile(q.Format) ? ReportExport.Write("forecast", q.Format!, forecast.Months) : TypedResults.Ok(forecast);
    }

    private static Ok<ProbabilityRefresh?> GetProbability(IAnalyticsService service) => TypedResults.Ok<ProbabilityRefresh?>(service.Last);

    private static async Task<Ok<ProbabilityRefresh>> RefreshProbability(IAnalyticsService service, CancellationToken ct) =>
        TypedResults.Ok(await service.RefreshProbabilitiesAsync(ct));

    private static async Task<Results<ReportFile, ProblemHttpResult>> ExportContacts([AsParameters] ContactExportQuery q, AnalyticsQueries queries,
        CustomerQueries customers, CancellationToken ct)
    {
        // The loyalty segment (new, repeat, key, dormant, lost): contacts of companies with that status.
        if (q.Loyalty is not null && !SalesOrleans.Domain.Customers.LoyaltyRule.TryParse(q.Loyalty, out _))
        {
            return Problems.Invalid("loyalty", $"Use one of {string.Join(", ", Enum.GetNames<SalesOrleans.Domain.Customers.LoyaltyStatus>().Select(n => n.ToLowerInvariant()))}.");
        }

        var loyal = q.Loyalty is null ? null : await LoyaltySegment.CompaniesAsync(customers, q.Loyalty, ct);

        if (q.Format is not null && !ReportExport.IsFile(q.Format))
        {
            return Problems.Invalid("format", "Use csv or xlsx.");
        }

        if (q.Source is not null && !Enum.TryParse<LeadChannel>(q.Source, ignoreCase: false, out _))
        {
            return Problems.Invalid("source", $"Use one of {string.Join(", ", Enum.GetNames<LeadChannel>())}.");
        }

        if (q.Status is not null && !Statuses.Contains(q.Status))
        {
            return Problems.Invalid("status", $"Use one of {string.Join(", ", Statuses)}.");
        }

        var format = q.Format ?? "csv";
        var segment = new Segment(q.Department, q.EquipmentType, q.Status, q.Source, q.Region);
        return q.List switch
        {
            // MailChimp import: contacts with an address, MailChimp's columns, the segment as tags.
            null or "mailchimp" => ReportExport.Write("mailchimp", format, SegmentExport.Mailchimp(LoyaltySegment.Filter(queries.SegmentContactsAsync(segment, "email", ct), loyal))),
            // Phone marketing: contacts with a phone, every number.
            "phone" => ReportExport.Write("phone-list", format, SegmentExport.PhoneList(LoyaltySegment.Filter(queries.SegmentContactsAsync(segment, "phone", ct), loyal))),
            // Every deal with its contact person's name (deals carry no address): the deal segment with process and stage.
            "deals" => ReportExport.Write("deal-contacts", format,
                queries.ContactsAsync(new ContactSegment(q.Department, q.EquipmentType, q.Status, q.Process), ct)),
            _ => (Results<ReportFile, ProblemHttpResult>)Problems.Invalid("list", "Use mailchimp, phone or deals."),
        };
    }

    // Lead statuses and deal statuses: a segment's status is either.
    private static readonly string[] Statuses = [.. Enum.GetNames<LeadStatus>(), "Open", "Won", "Lost"];

    /// <summary>The filter the user may run: held to their department short of "all"; null when they may not run it.</summary>
    private static AnalyticsFilter? Scope(AnalyticsQuery q, ClaimsPrincipal user, AccessScope scope)
    {
        var f = new AnalyticsFilter(q.Process, q.Department, q.Owner, q.From, q.To);
        if (scope == AccessScope.All)
        {
            return f;
        }

        if (scope == AccessScope.Department && user.DepartmentOf() is { } department && (q.Department is null || q.Department == department))
        {
            return f with { Department = department };
        }

        return null;
    }

    /// <summary>A list report: JSON, or the file ?format asks for; 403 outside the user's scope.</summary>
    private static async Task<Results<Ok<IReadOnlyList<T>>, ReportFile, ProblemHttpResult>> Report<T>(AnalyticsQuery q, AnalyticsServices s, string name,
        Func<AnalyticsFilter, Task<IReadOnlyList<T>>> run)
    {
        if (Scope(q, s.User, await s.Access.ScopeAsync(s.User, Capability.AnalyticsRead)) is not { } f)
        {
            return Denied(q);
        }

        if (q.Format is not null && !ReportExport.IsFile(q.Format))
        {
            return Problems.Invalid("format", "Use csv or xlsx (or leave it out for JSON).");
        }

        var rows = await run(f);
        return ReportExport.IsFile(q.Format) ? ReportExport.Write(name, q.Format!, rows) : TypedResults.Ok(rows);
    }

    private static ProblemHttpResult Denied(AnalyticsQuery? q) => AccessProblems.Forbidden(Capability.AnalyticsRead, q?.Department is null ? null : ResourceKind.Department);
}
