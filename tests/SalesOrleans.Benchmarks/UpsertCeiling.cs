using System.Diagnostics;
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
        // Compressed as grain_state's payload is (lz4 where the server has it), for a payload large enough to be.
        await using var create = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, version int NOT NULL, payload text NOT NULL);
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                    ALTER TABLE bench_ceiling ALTER COLUMN payload SET COMPRESSION lz4;
                END IF;
            END
            $$;
            """);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>One client: upserts its own row with a payload of <paramref name="payloadBytes"/> characters.</summary>
    public static Func<Task> Client(NpgsqlDataSource dataSource, int payloadBytes) => Client(dataSource, new string('x', payloadBytes));

    /// <summary>One client: upserts its own row with <paramref name="payload"/> (e.g. a real state's JSON, as compressible as it is).</summary>
    public static Func<Task> Client(NpgsqlDataSource dataSource, string payload)
    {
        var id = Guid.NewGuid();
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

    /// <summary>
    /// Runs <paramref name="a"/> and <paramref name="b"/> in turns of a second (a, b, a, b …) until each has run
    /// <paramref name="duration"/>, after one uncounted turn each: a shared machine's load changes from second to
    /// second, and both rows see the same.
    /// </summary>
    public static async Task<(Figures A, Figures B)> InTurns(Func<int, Func<Task>> a, Func<int, Func<Task>> b, int clients, TimeSpan duration)
    {
        var opsA = Enumerable.Range(0, clients).Select(a).ToArray();
        var opsB = Enumerable.Range(0, clients).Select(b).ToArray();
        var turn = TimeSpan.FromSeconds(1);
        List<double> latA = [], latB = [];
        double secondsA = 0, secondsB = 0;
        for (var t = -1; t < (int)Math.Ceiling(duration / turn); t++)
        {
            var (la, sa) = await Turn(opsA, turn);
            var (lb, sb) = await Turn(opsB, turn);
            if (t >= 0)
            {
                latA.AddRange(la);
                latB.AddRange(lb);
                secondsA += sa;
                secondsB += sb;
            }
        }

        return (Figure(latA, clients, secondsA), Figure(latB, clients, secondsB));

        static Figures Figure(List<double> latencies, int clients, double seconds)
        {
            var sorted = latencies.Order().ToArray();
            return new Figures("", clients, sorted.Length, seconds, Pct(sorted, 0.5), Pct(sorted, 0.99));
        }
    }

    private static async Task<(List<double> Latencies, double Seconds)> Turn(Func<Task>[] ops, TimeSpan length)
    {
        var clock = Stopwatch.StartNew();
        var lists = await Task.WhenAll(ops.Select(op => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < length)
            {
                var t0 = clock.Elapsed.TotalMilliseconds;
                await op();
                mine.Add(clock.Elapsed.TotalMilliseconds - t0);
            }

            return mine;
        })));
        return (lists.SelectMany(l => l).ToList(), clock.Elapsed.TotalSeconds);
    }

    private static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
