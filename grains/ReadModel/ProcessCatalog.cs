using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;

namespace SalesOrleans.ReadModel;

/// <summary>Process versions in PostgreSQL. Versions are immutable, so they are cached forever; "latest" for a few seconds.</summary>
public sealed class ProcessCatalog(NpgsqlDataSource db, TimeProvider clock) : IProcessCatalog
{
    private static readonly TimeSpan LatestTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Kind, int Version), ProcessDefinition> _versions = new();
    private readonly ConcurrentDictionary<string, (int Version, DateTimeOffset At)> _latest = new();

    public async Task<ProcessDefinition?> GetAsync(string kind, int version, CancellationToken ct = default)
    {
        if (_versions.TryGetValue((kind, version), out var cached))
        {
            return cached;
        }

        await using var cmd = db.CreateCommand("SELECT definition::text FROM process_definition WHERE kind = $1 AND version = $2");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        var json = (string?)await cmd.ExecuteScalarAsync(ct);
        if (json is null)
        {
            return null;
        }

        var definition = ProcessJson.Parse(json) with { Version = version };
        _versions[(kind, version)] = definition;
        return definition;
    }

    public async Task<ProcessDefinition?> GetLatestAsync(string kind, CancellationToken ct = default)
    {
        if (_latest.TryGetValue(kind, out var latest) && clock.GetUtcNow() - latest.At < LatestTtl)
        {
            return await GetAsync(kind, latest.Version, ct);
        }

        await using var cmd = db.CreateCommand("SELECT max(version) FROM process_definition WHERE kind = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        if (await cmd.ExecuteScalarAsync(ct) is not int version)
        {
            return null;
        }

        _latest[kind] = (version, clock.GetUtcNow());
        return await GetAsync(kind, version, ct);
    }

    public async Task<IReadOnlyList<ProcessSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (kind) kind, version, name, definition->>'mode', jsonb_array_length(definition->'stages'), published_at, published_by,
                   definition->'names'
            FROM process_definition ORDER BY kind, version DESC
            """);
        var items = new List<ProcessSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new ProcessSummary(r.GetString(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? "manual" : r.GetString(3),
                r.GetInt32(4), new DateTimeOffset(r.GetDateTime(5), TimeSpan.Zero), r.GetString(6),
                r.IsDBNull(7) ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7))));
        }

        return items;
    }

    public async Task<ProcessDefinition> PublishAsync(ProcessDefinition draft, string publishedBy, CancellationToken ct = default)
    {
        ProcessValidator.EnsureValid(draft);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // One publisher at a time, so versions are consecutive even across nodes, and two drafts naming each other as
        // sub-processes cannot both pass the cycle check (each is checked against what the other published).
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('process-publish'))", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        _latest.Clear();
        ProcessValidator.EnsureValid(draft, await this.LatestOfEveryKindAsync(ct));

        int version;
        await using (var max = new NpgsqlCommand("SELECT coalesce(max(version), 0) + 1 FROM process_definition WHERE kind = $1", connection, tx))
        {
            max.Parameters.Add(new NpgsqlParameter<string> { TypedValue = draft.Kind });
            version = (int)(await max.ExecuteScalarAsync(ct))!;
        }

        var published = draft with { Version = version };
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO process_definition (kind, version, name, definition, published_by) VALUES ($1, $2, $3, $4, $5)", connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = published.Kind });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = published.Name });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ProcessJson.Serialize(published), NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = publishedBy });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        _versions[(published.Kind, version)] = published;
        _latest[published.Kind] = (version, clock.GetUtcNow());
        return published;
    }
}
