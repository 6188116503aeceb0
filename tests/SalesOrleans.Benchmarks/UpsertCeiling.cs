using Npgsql;

namespace SalesOrleans.Benchmarks;

/// <summary>
/// The baseline every durable-write benchmark is measured against: one single-row upsert per operation through Npgsql
/// (one statement, one commit), each client on its own row, on the same PostgreSQL in the same run.
/// </summary>
public static class UpsertCeiling
{
    public static async Task CreateTableAsync(NpgsqlDataSource dataSource)
    {
        await using var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, version int NOT NULL, payload text NOT NULL)");
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>One client: upserts its own row with a payload of <paramref name="payloadBytes"/> characters.</summary>
    public static Func<Task> Client(NpgsqlDataSource dataSource, int payloadBytes)
    {
        var id = Guid.NewGuid();
        var payload = new string('x', payloadBytes);
        return async () =>
        {
            await using var cmd = dataSource.CreateCommand("""
                INSERT INTO bench_ceiling (id, version, payload) VALUES ($1, 1, $2)
                ON CONFLICT (id) DO UPDATE SET version = bench_ceiling.version + 1, payload = EXCLUDED.payload
                """);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
            await cmd.ExecuteNonQueryAsync();
        };
    }
}
