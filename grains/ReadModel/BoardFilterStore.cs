using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>A saved board filter: which process, owner and department the board shows, under a name its owner chose.</summary>
public sealed record BoardFilter(string Name, string? Process, string? Owner, string? Department);

/// <summary>Each person's saved board filters (board_filter), kept on the server so they follow the person to any browser.</summary>
public sealed class BoardFilterStore(NpgsqlDataSource db)
{
    /// <summary>How many filters one person keeps.</summary>
    public const int MaxPerUser = 30;

    public async Task<IReadOnlyList<BoardFilter>> ListAsync(string user, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT name, process, owner, department FROM board_filter WHERE user_name = $1 ORDER BY name");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        var filters = new List<BoardFilter>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            filters.Add(new BoardFilter(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return filters;
    }

    /// <summary>Saves (or replaces) the filter; false when the person already keeps <see cref="MaxPerUser"/> others.</summary>
    public async Task<bool> SaveAsync(string user, BoardFilter filter, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO board_filter (user_name, name, process, owner, department)
            SELECT $1, $2, $3, $4, $5
            WHERE EXISTS (SELECT 1 FROM board_filter WHERE user_name = $1 AND name = $2)
               OR (SELECT count(*) FROM board_filter WHERE user_name = $1) < $6
            ON CONFLICT (user_name, name) DO UPDATE SET process = excluded.process, owner = excluded.owner, department = excluded.department, saved_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filter.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Process });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Owner });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Department });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxPerUser });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> DeleteAsync(string user, string name, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("DELETE FROM board_filter WHERE user_name = $1 AND name = $2");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
