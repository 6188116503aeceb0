using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Applies the embedded <c>sql/NNNN_name.sql</c> scripts (deploy/sql) in version order, each at most once,
/// recording them in <c>schema_version</c>. Safe to call from every node at startup.
/// </summary>
public static class SchemaMigrator
{
    // Fixed key for pg_advisory_lock: any constant works as long as every node uses the same one.
    private const long MigrationLockKey = 0x5A1E_5015_0001;

    private const string ResourcePrefix = "sql/";

    private static readonly Regex ResourceName = new(@"^sql/(?<version>\d+)_(?<name>[^/]+)\.sql$", RegexOptions.CultureInvariant);

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var scripts = LoadScripts();

        // One connection for the whole run: the session-level advisory lock lives and dies with it, so two
        // nodes starting together migrate one after the other, and a crashed node releases it.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey})", ct);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    int PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct);

            var applied = await ReadAppliedAsync(connection, ct);
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Version, out var appliedName))
                {
                    if (appliedName != script.Name)
                    {
                        // Renaming a script after release is harmless but usually a mistake worth seeing.
                        logger?.LogWarning(
                            "Schema version {Version} was applied as {AppliedName}, embedded script is now {Name}; not reapplied",
                            script.Version, appliedName, script.Name);
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, transaction, script.Sql, ct);
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = script.Version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Name });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
                logger?.LogInformation("Applied schema version {Version} ({Name})", script.Version, script.Name);
            }
        }
        finally
        {
            // Not cancellable: the lock must go even when the run was cancelled. If the connection is broken
            // the lock went with the session; don't let that hide the original error.
            try
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                logger?.LogWarning(ex, "Could not release the schema migration lock; it ends with the connection");
            }
        }
    }

    private sealed record Script(int Version, string Name, string Sql);

    private static List<Script> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var match = ResourceName.Match(resource);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded schema script '{resource}' is not named sql/NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Script(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Two schema scripts share version {scripts[i].Version}: {scripts[i - 1].Name}, {scripts[i].Name}");
            }
        }
        return scripts;
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, name FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        // No timeout: waiting for another node's migration, or a long script, is not an error.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
