using Npgsql;
using SalesOrleans.Domain.Customers;

namespace SalesOrleans.ReadModel;

public sealed record CompanyListItem(Guid Id, string Name, string? Inn, string? Region, string? Department);

public sealed record DossierContact(Guid Id, string? Name, string? Position, IReadOnlyList<string> Phones, IReadOnlyList<string> Emails);

/// <summary>A deal in the dossier; <see cref="Stage"/> is the stage's English name, <see cref="StageId"/> with <see cref="ProcessKind"/> names it in other languages.</summary>
public sealed record DossierDeal(Guid Id, string Title, string Stage, string Status, decimal Amount, string Currency, string Owner,
    DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, bool Linked, string? ProcessKind = null, string? StageId = null);

public sealed record DossierOrder(Guid Id, string Status, decimal Total, decimal Paid, decimal BalanceDue, string Currency, string Responsible,
    Guid? DealId, DateTimeOffset CreatedAt);

public sealed record DossierPayment(Guid OrderId, DateTimeOffset At, decimal? Amount, string Text);

public sealed record DossierClaim(Guid Id, string Reason, string Status, string Responsible, DateTimeOffset CreatedAt, DateTimeOffset Deadline,
    DateTimeOffset? OverdueAt, string? EscalatedTo, string? Resolution, decimal? Cost, Guid? OrderId);

public sealed record DossierCall(string CallId, string? Caller, string Outcome, long? DurationMs, DateTimeOffset StartedAt, Guid? ContactId);

/// <summary>
/// A mail of the customer's: one that came in (a lead by e-mail: <see cref="LeadId"/>, direction "in") or one a manager
/// sent from a deal (direction "out": <see cref="LeadId"/> is the mail's id, <see cref="Need"/> its subject, <see cref="DealId"/> the deal).
/// </summary>
public sealed record DossierMail(Guid LeadId, string? Name, string? Email, string? Need, string Status, DateTimeOffset CreatedAt,
    string Direction = "in", Guid? DealId = null);

/// <summary>
/// A company's "client dossier" (1C:ERP CRM): its record, contacts, deals, orders, payments, claims, calls and mails,
/// and its loyalty status. Deals and orders of old data count by the company's name when they point at no record.
/// </summary>
public sealed record CompanyDossier(Guid Id, string Name, string? Inn, string? Region, string? Segment, string? Department,
    string Loyalty, CustomerHistory History, IReadOnlyList<DossierContact> Contacts, IReadOnlyList<DossierDeal> Deals,
    IReadOnlyList<DossierOrder> Orders, IReadOnlyList<DossierPayment> Payments, IReadOnlyList<DossierClaim> Claims,
    IReadOnlyList<DossierCall> Calls, IReadOnlyList<DossierMail> Mails, double? SatisfactionAverage);

public sealed record ClaimFilter(string? Status = null, string? Responsible = null, string? Department = null, Guid? CompanyId = null,
    bool? Overdue = null, int Limit = 200);

public sealed record ClaimListItem(Guid Id, string Company, Guid? CompanyId, Guid? OrderId, string Reason, string Status, string Responsible,
    string? Department, DateTimeOffset CreatedAt, DateTimeOffset Deadline, DateTimeOffset? OverdueAt, string? EscalatedTo, string? Resolution,
    decimal? Cost);

/// <summary>Claims grouped by one dimension (reason, product or manager): how many, what they cost, how long they took.</summary>
public sealed record ClaimAnalyticsRow(string Dimension, string Key, long Claims, long Open, long Overdue, decimal Cost, double? AverageHoursToResolve);

public sealed record SatisfactionRow(string Dimension, string Key, long Surveys, double AverageScore);

public sealed record CompanyLoyalty(Guid Id, string Name, string Loyalty);

/// <summary>Reads for companies (search, dossier, loyalty), claims (lists, analytics) and satisfaction surveys.</summary>
public sealed class CustomerQueries(NpgsqlDataSource db, TimeProvider clock)
{
    // A deal or order belongs to the company when it points at the record, or (old data) names it and points at none.
    private const string DealOfCompany = "(d.company_id = $1 OR (d.company_id IS NULL AND lower(d.company) = lower($2)))";

    public async Task<IReadOnlyList<CompanyListItem>> SearchCompaniesAsync(string? search, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT company_id, name, inn, region, department_id FROM company
            WHERE $1::text IS NULL OR name ILIKE '%' || $1 || '%' OR inn LIKE $1 || '%'
            ORDER BY lower(name) LIMIT $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(search) ? null : search.Trim() });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 200) });
        var items = new List<CompanyListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new CompanyListItem(r.GetGuid(0), r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4)));
        }

        return items;
    }

    public async Task<CompanyDossier?> DossierAsync(Guid companyId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        string name;
        string? inn, region, segment, department;
        await using (var cmd = new NpgsqlCommand("SELECT name, inn, region, segment, department_id FROM company WHERE company_id = $1", connection))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = companyId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return null;
            }

            (name, inn, region, segment, department) = (r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4));
        }

        var contacts = await ReadAsync(connection, """
            SELECT contact_id, name, position, phones, emails FROM contact WHERE company_id = $1 ORDER BY name NULLS LAST LIMIT 200
            """, companyId, name, r => new DossierContact(r.GetGuid(0), Str(r, 1), Str(r, 2), r.GetFieldValue<string[]>(3), r.GetFieldValue<string[]>(4)), ct);
        var deals = await ReadAsync(connection, $"""
            SELECT d.deal_id, d.title, d.stage_name, d.status, d.amount, d.currency, d.owner, d.created_at, d.closed_at, d.company_id IS NOT NULL,
                   d.process_kind, d.stage
            FROM deal d WHERE {DealOfCompany} ORDER BY d.created_at DESC LIMIT 200
            """, companyId, name, r => new DossierDeal(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDecimal(4), r.GetString(5),
            r.GetString(6), Time(r, 7)!.Value, Time(r, 8), r.GetBoolean(9), r.GetString(10), r.GetString(11)), ct);
        const string orderOfCompany = """
            sales_order o LEFT JOIN deal d ON d.deal_id = o.deal_id
            WHERE o.company_id = $1 OR (o.company_id IS NULL AND (d.company_id = $1 OR (d.company_id IS NULL AND lower(o.customer) = lower($2))))
            """;
        var orders = await ReadAsync(connection, $"""
            SELECT o.order_id, o.status, o.total, o.paid, o.balance_due, o.currency, o.responsible, o.deal_id, o.created_at
            FROM {orderOfCompany} ORDER BY o.created_at DESC LIMIT 200
            """, companyId, name, r => new DossierOrder(r.GetGuid(0), r.GetString(1), r.GetDecimal(2), r.GetDecimal(3), r.GetDecimal(4), r.GetString(5),
            r.GetString(6), r.IsDBNull(7) ? null : r.GetGuid(7), Time(r, 8)!.Value), ct);
        var payments = await ReadAsync(connection, $"""
            SELECT a.order_id, a.at, a.amount, a.text FROM sales_order_activity a
            WHERE a.kind = 'Paid' AND a.order_id IN (SELECT o.order_id FROM {orderOfCompany})
            ORDER BY a.at DESC LIMIT 200
            """, companyId, name, r => new DossierPayment(r.GetGuid(0), Time(r, 1)!.Value, r.IsDBNull(2) ? null : r.GetDecimal(2), r.GetString(3)), ct);
        var claims = await ReadAsync(connection, """
            SELECT claim_id, reason, status, responsible, created_at, deadline, overdue_at, escalated_to, resolution, cost, order_id
            FROM claim WHERE company_id = $1 OR (company_id IS NULL AND lower(company) = lower($2)) ORDER BY created_at DESC LIMIT 200
            """, companyId, name, r => new DossierClaim(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Time(r, 4)!.Value, Time(r, 5)!.Value,
            Time(r, 6), Str(r, 7), Str(r, 8), r.IsDBNull(9) ? null : r.GetDecimal(9), r.IsDBNull(10) ? null : r.GetGuid(10)), ct);
        var calls = await ReadAsync(connection, """
            SELECT call_id, caller, outcome, duration_ms, started_at, contact_id FROM call_log
            WHERE contact_id IN (SELECT contact_id FROM contact WHERE company_id = $1)
               OR lead_id IN (SELECT lead_id FROM lead WHERE company_id = $1)
            ORDER BY started_at DESC LIMIT $3
            """, companyId, name, r => new DossierCall(r.GetString(0), Str(r, 1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), Time(r, 4)!.Value,
            r.IsDBNull(5) ? null : r.GetGuid(5)), ct, limit: 200);
        var mails = await ReadAsync(connection, """
            SELECT * FROM (
                SELECT lead_id, name, email, need, status, created_at, 'in' AS direction, NULL::uuid AS deal_id FROM lead
                WHERE channel = 'Email' AND (company_id = $1 OR contact_id IN (SELECT contact_id FROM contact WHERE company_id = $1)
                                             OR (company_id IS NULL AND lower(company) = lower($2)))
                UNION ALL
                SELECT mail_id, to_name, to_address, subject, status, created_at, 'out', deal_id FROM deal_mail
                WHERE company_id = $1 OR contact_id IN (SELECT contact_id FROM contact WHERE company_id = $1)) m
            ORDER BY created_at DESC LIMIT 200
            """, companyId, name, r => new DossierMail(r.GetGuid(0), Str(r, 1), Str(r, 2), Str(r, 3), r.GetString(4), Time(r, 5)!.Value,
            r.GetString(6), r.IsDBNull(7) ? null : r.GetGuid(7)), ct);
        double? satisfaction = null;
        await using (var cmd = new NpgsqlCommand("""
            SELECT avg(s.score)::float8 FROM satisfaction_survey s
            WHERE s.company_id = $1 OR (s.company_id IS NULL AND lower(s.company) = lower($2))
            """, connection))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = companyId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            satisfaction = await cmd.ExecuteScalarAsync(ct) is double avg ? Math.Round(avg, 2) : null;
        }

        var history = HistoryOf(deals.Where(d => d.Status == "Won").Select(d => (d.ClosedAt ?? d.CreatedAt, d.Amount)));
        var loyalty = LoyaltyRule.Name(LoyaltyRule.Default.StatusOf(history, clock.GetUtcNow()));
        return new CompanyDossier(companyId, name, inn, region, segment, department, loyalty, history, contacts, deals, orders, payments, claims,
            calls, mails, satisfaction);
    }

    /// <summary>Every company with its loyalty status (for the export segment); a few thousand rows at most.</summary>
    public async Task<IReadOnlyList<CompanyLoyalty>> LoyaltyAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT c.company_id, c.name, d.closed_at, d.amount
            FROM company c
            LEFT JOIN deal d ON d.status = 'Won' AND (d.company_id = c.company_id OR (d.company_id IS NULL AND lower(d.company) = lower(c.name)))
            ORDER BY c.company_id
            """);
        var won = new Dictionary<Guid, (string Name, List<(DateTimeOffset, decimal)> Deals)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var id = r.GetGuid(0);
                if (!won.TryGetValue(id, out var entry))
                {
                    won[id] = entry = (r.GetString(1), []);
                }

                if (!r.IsDBNull(2))
                {
                    entry.Deals.Add((Time(r, 2)!.Value, r.GetDecimal(3)));
                }
            }
        }

        var now = clock.GetUtcNow();
        return won.Select(kv => new CompanyLoyalty(kv.Key, kv.Value.Name, LoyaltyRule.Name(LoyaltyRule.Default.StatusOf(HistoryOf(kv.Value.Deals), now)))).ToList();
    }

    private CustomerHistory HistoryOf(IEnumerable<(DateTimeOffset At, decimal Amount)> wonDeals)
    {
        var list = wonDeals.ToList();
        var yearAgo = clock.GetUtcNow().AddDays(-365);
        return new CustomerHistory(list.Count, list.Count(d => d.At >= yearAgo), list.Where(d => d.At >= yearAgo).Sum(d => d.Amount),
            list.Count == 0 ? null : list.Min(d => d.At), list.Count == 0 ? null : list.Max(d => d.At));
    }

    public async Task<IReadOnlyList<ClaimListItem>> ListClaimsAsync(ClaimFilter f, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT claim_id, company, company_id, order_id, reason, status, responsible, department_id, created_at, deadline, overdue_at,
                   escalated_to, resolution, cost
            FROM claim
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR responsible = $2 OR escalated_to = $2)
              AND ($3::text IS NULL OR department_id = $3) AND ($4::uuid IS NULL OR company_id = $4)
              AND ($5::boolean IS NULL OR (overdue_at IS NOT NULL) = $5)
            ORDER BY status = 'Open' DESC, deadline LIMIT $6
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Status });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Responsible });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = f.Department });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = f.CompanyId });
        cmd.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = f.Overdue });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(f.Limit, 1, 500) });
        var items = new List<ClaimListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new ClaimListItem(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.GetString(4), r.GetString(5), r.GetString(6), Str(r, 7), Time(r, 8)!.Value, Time(r, 9)!.Value, Time(r, 10), Str(r, 11), Str(r, 12),
                r.IsDBNull(13) ? null : r.GetDecimal(13)));
        }

        return items;
    }

    /// <summary>Claims opened in [from, to) by reason, product (claimed SKU) and manager (of the order, else the responsible).</summary>
    public async Task<IReadOnlyList<ClaimAnalyticsRow>> ClaimAnalyticsAsync(DateTimeOffset? from, DateTimeOffset? to, string? department, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            WITH c AS (SELECT * FROM claim WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2)
                                              AND ($3::text IS NULL OR department_id = $3))
            SELECT 'reason', reason, count(*), count(*) FILTER (WHERE status = 'Open'), count(*) FILTER (WHERE overdue_at IS NOT NULL),
                   coalesce(sum(cost), 0), avg(hours_to_resolve) FROM c GROUP BY reason
            UNION ALL
            SELECT 'manager', coalesce(manager, responsible), count(*), count(*) FILTER (WHERE status = 'Open'), count(*) FILTER (WHERE overdue_at IS NOT NULL),
                   coalesce(sum(cost), 0), avg(hours_to_resolve) FROM c GROUP BY coalesce(manager, responsible)
            UNION ALL
            SELECT 'product', i.sku, count(DISTINCT c.claim_id), count(DISTINCT c.claim_id) FILTER (WHERE c.status = 'Open'),
                   count(DISTINCT c.claim_id) FILTER (WHERE c.overdue_at IS NOT NULL), coalesce(sum(c.cost), 0), avg(c.hours_to_resolve)
            FROM c JOIN claim_item i ON i.claim_id = c.claim_id GROUP BY i.sku
            ORDER BY 1, 3 DESC, 2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = from?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = to?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department });
        var items = new List<ClaimAnalyticsRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new ClaimAnalyticsRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5),
                r.IsDBNull(6) ? null : Math.Round(r.GetDouble(6), 2)));
        }

        return items;
    }

    public async Task RecordSurveyAsync(Guid dealId, Guid? companyId, string company, string owner, string processKind, int score, string? comment,
        string calledBy, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO satisfaction_survey (deal_id, company_id, company, owner, process_kind, score, comment, called_by, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (deal_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, called_by = EXCLUDED.called_by, at = EXCLUDED.at
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dealId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = companyId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = company });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = processKind });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = score });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = comment });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = calledBy });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Average satisfaction score by manager (the deal's owner) and by process.</summary>
    public async Task<IReadOnlyList<SatisfactionRow>> SatisfactionAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            WITH s AS (SELECT * FROM satisfaction_survey WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2))
            SELECT 'manager', owner, count(*), avg(score)::float8 FROM s GROUP BY owner
            UNION ALL
            SELECT 'process', process_kind, count(*), avg(score)::float8 FROM s GROUP BY process_kind
            ORDER BY 1, 2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = from?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = to?.UtcDateTime });
        var items = new List<SatisfactionRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new SatisfactionRow(r.GetString(0), r.GetString(1), r.GetInt64(2), Math.Round(r.GetDouble(3), 2)));
        }

        return items;
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, Guid companyId, string name, Func<NpgsqlDataReader, T> map,
        CancellationToken ct, int? limit = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = companyId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        if (limit is { } l)
        {
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = l });
        }

        var items = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(map(r));
        }

        return items;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}
