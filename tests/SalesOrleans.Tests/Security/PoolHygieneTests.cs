using Npgsql;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Tests.Integration;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// A statement the database refuses for its data (NUL in a text parameter: 22021; a lone surrogate Npgsql cannot
/// encode) must leave the pooled connections in step: the next statements on the same pool answer normally (issue 14:
/// "Received unexpected backend message DataRow" for other users after one NUL login name).
/// </summary>
public sealed class PoolHygieneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Refused_parameters_while_statements_are_being_prepared_and_in_parallel_leave_the_pool_in_step()
    {
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { MaxPoolSize = 3 }.ConnectionString;
        await using var db = NodeHost.CreateDataSource(connection);
        var errors = new List<string>();
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 1200), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
        {
            // Statement texts used by good and bad parameters alike, so a refused one is sometimes the usage that
            // auto-prepares the statement (Parse and a failing Bind in one round trip) and sometimes runs a prepared one;
            // more texts than the node prepares per connection (64), so preparing one also closes another in the same
            // round trip; several parameters, the bad one not first; NUL and a lone surrogate.
            var text = $"SELECT $1::int + {i % 150} AS a, $2::text AS name, n FROM generate_series(1, 3) n WHERE $2 <> '' AND $3::text IS NULL";
            var bad = (i % 4) switch { 1 => "x\0y", 3 => "\ud800", _ => null };
            try
            {
                await using var cmd = db.CreateCommand(text);
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = i });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = bad ?? "good" });
                cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = null });
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Assert.Equal(bad ?? "good", reader.GetString(1));
                }
            }
            catch (Exception ex) when (bad is not null && ex is PostgresException or System.Text.EncoderFallbackException or ArgumentException)
            {
                Interlocked.Increment(ref refused);
            }
            catch (Exception ex)
            {
                lock (errors)
                {
                    errors.Add($"{i} ({(bad is null ? "good" : "bad")}): {ex.GetType().Name}: {ex.Message}");
                }
            }
        });

        output.WriteLine($"refused {refused}");
        errors.ForEach(output.WriteLine);
        Assert.Empty(errors);
    }
}
