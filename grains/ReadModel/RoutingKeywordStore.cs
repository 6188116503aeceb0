using Npgsql;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.ReadModel;

/// <summary>The departments' routing keywords per language in PostgreSQL; the user directory loads them with the people.</summary>
public sealed class RoutingKeywordStore(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<DepartmentKeywords>> LoadAllAsync(CancellationToken ct = default)
    {
        var result = new List<DepartmentKeywords>();
        await using var cmd = db.CreateCommand("SELECT department_id, language, keywords FROM routing_keyword ORDER BY department_id, language");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new DepartmentKeywords(r.GetString(0), r.GetString(1), r.GetFieldValue<string[]>(2)));
        }

        return result;
    }

    /// <summary>Replaces the lists of the given languages of one department (an empty list removes that language); one transaction.</summary>
    public async Task ReplaceAsync(string department, IReadOnlyDictionary<string, string[]> byLanguage, string by, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (language, keywords) in byLanguage)
        {
            await using var cmd = keywords.Length == 0
                ? new NpgsqlCommand("DELETE FROM routing_keyword WHERE department_id = $1 AND language = $2", connection, tx)
                : new NpgsqlCommand("""
                    INSERT INTO routing_keyword (department_id, language, keywords, updated_by) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (department_id, language) DO UPDATE SET keywords = EXCLUDED.keywords, updated_by = EXCLUDED.updated_by, updated_at = now()
                    """, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
            if (keywords.Length > 0)
            {
                cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keywords });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = by });
            }

            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
