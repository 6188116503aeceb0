using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>One thing a search found; Person is the owner, assignee or responsible (a login), Process and Stage only for deals.</summary>
public sealed record SearchHit(string Kind, Guid Id, string Title, string? Detail, string? Department, string? Person, string? Process, string? Stage);

/// <summary>
/// How far each kind reaches for the caller (from the access matrix): not at all (Include false), everything
/// (no department, no person), one department, or one person's own.
/// </summary>
public sealed record SearchReach(bool Include, string? Department = null, string? Person = null)
{
    public static readonly SearchReach None = new(false);
    public static readonly SearchReach Everything = new(true);
}

/// <summary>
/// The board's search across the read model: deals, leads, contacts and companies by name, phone, e-mail or company.
/// A phone matches on its digits whatever the spacing ("916 123" finds +7 (916) 123-45-67).
/// </summary>
public sealed class SearchQueries(NpgsqlDataSource db)
{
    public const int MaxPerKind = 10;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string text, SearchReach deals, SearchReach leads, SearchReach contacts, SearchReach companies,
        CancellationToken ct = default)
    {
        var like = "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        // Too few digits would match nearly every phone number.
        var phone = digits.Length >= 3 ? "%" + digits + "%" : null;
        var hits = new List<SearchHit>();
        if (deals.Include)
        {
            hits.AddRange(await RunAsync("""
                SELECT 'deal', deal_id, company || ': ' || title, stage_name, department_id, owner, process_kind, stage FROM deal
                WHERE (title ILIKE $1 OR company ILIKE $1 OR contact ILIKE $1)
                  AND ($3::text IS NULL OR department_id = $3) AND ($4::text IS NULL OR owner = $4 OR stuck_on = $4)
                ORDER BY status = 'Open' DESC, updated_at DESC LIMIT $5
                """, like, phone, deals, ct));
        }

        if (leads.Include)
        {
            hits.AddRange(await RunAsync("""
                SELECT 'lead', lead_id, coalesce(name, phone, email, company, '—'), concat_ws(' · ', company, phone, email), department_id, assignee, NULL, NULL FROM lead
                WHERE (name ILIKE $1 OR email ILIKE $1 OR company ILIKE $1 OR phone ILIKE $1
                       OR ($2::text IS NOT NULL AND regexp_replace(coalesce(phone, ''), '\D', '', 'g') LIKE $2))
                  AND ($3::text IS NULL OR department_id = $3) AND ($4::text IS NULL OR assignee = $4)
                ORDER BY closed_at IS NULL DESC, updated_at DESC LIMIT $5
                """, like, phone, leads, ct));
        }

        if (contacts.Include)
        {
            hits.AddRange(await RunAsync("""
                SELECT 'contact', contact_id, coalesce(name, phones[1], emails[1], '—'), concat_ws(' · ', company, phones[1], emails[1]), department_id, responsible, NULL, NULL FROM contact
                WHERE (name ILIKE $1 OR company ILIKE $1
                       OR EXISTS (SELECT 1 FROM unnest(emails) e WHERE e ILIKE $1)
                       OR EXISTS (SELECT 1 FROM unnest(phones) p WHERE p ILIKE $1 OR ($2::text IS NOT NULL AND regexp_replace(p, '\D', '', 'g') LIKE $2)))
                  AND ($3::text IS NULL OR department_id = $3) AND ($4::text IS NULL OR responsible = $4)
                ORDER BY updated_at DESC LIMIT $5
                """, like, phone, contacts, ct));
        }

        if (companies.Include)
        {
            hits.AddRange(await RunAsync("""
                SELECT 'company', company_id, name, concat_ws(' · ', inn, region), department_id, NULL, NULL, NULL FROM company
                WHERE (name ILIKE $1 OR inn ILIKE $1)
                  AND ($3::text IS NULL OR department_id = $3) AND ($4::text IS NULL OR false)
                ORDER BY name LIMIT $5
                """, like, phone, companies, ct));
        }

        return hits;
    }

    private async Task<IReadOnlyList<SearchHit>> RunAsync(string sql, string like, string? phone, SearchReach reach, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = like });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = phone });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = reach.Department });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = reach.Person });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxPerKind });
        var hits = new List<SearchHit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            hits.Add(new SearchHit(r.GetString(0), r.GetGuid(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5), Text(r, 6), Text(r, 7)));
        }

        return hits;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
