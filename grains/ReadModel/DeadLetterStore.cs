using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using SalesOrleans.Domain;

namespace SalesOrleans.ReadModel;

/// <summary>A publication the read model refused for good, as ops see it.</summary>
public sealed record DeadLetter(long Id, string Sink, string Key, long Seq, string Error, string? SqlState, string? Payload, string Node,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? RetriedAt, DateTimeOffset? ResolvedAt, bool RetryableHere);

public enum DeadLetterRetryOutcome { Resolved, FailedAgain, NotHeldHere, NotFound, AlreadyResolved }

/// <summary>Which projection failures are worth retrying (the database is away or busy) and which never heal by waiting.</summary>
public static class ProjectionFailure
{
    /// <summary>
    /// Transient: connection lost or refused, server shutting down or starting (57P0x), out of resources (53),
    /// serialization failures and deadlocks (40), lock timeouts, I/O, timeouts, and Npgsql's own protocol errors
    /// (the connection is dropped and a fresh one works). Everything else — data (22), constraints (23), a statement
    /// the code got wrong, a value Npgsql cannot write — fails the same way every time.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("40", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("57", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("58", StringComparison.Ordinal) || pg.SqlState == "55P03";
                case NpgsqlException:
                case InvalidOperationException when e.Source == "Npgsql":
                case SocketException:
                case IOException:
                case TimeoutException:
                case OperationCanceledException:
                case ObjectDisposedException:
                    return true;
            }
        }

        return false;
    }

    public static bool IsPermanent(Exception exception) => !IsTransient(exception);

    public static string? SqlState(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg.SqlState;
            }
        }

        return null;
    }
}

/// <summary>
/// The dead-letter table (deploy/sql/0013_dead_letters.sql). A projector hands each write here when it fails for good:
/// the publication is recorded (its JSON for ops), counted in <see cref="ReadModelMetrics.DeadLetters"/>, and the write
/// counts as done, so the grain's outbox moves on and later events of the same and other aggregates project.
/// Transient failures are thrown on: the grain retries them with backoff (OutboxDelivery, in grains).
/// <para>
/// Retry on demand runs the same write again. It needs the publication itself, which this node keeps in memory
/// from the moment it set it aside until the node stops; a dead letter set aside by another node (or before a
/// restart) is listed but answers <see cref="DeadLetterRetryOutcome.NotHeldHere"/> — the aggregate's next change
/// projects its newest state anyway (every projection writes the whole row, guarded by seq).
/// </para>
/// </summary>
public sealed class DeadLetterStore(NpgsqlDataSource db, ILogger<DeadLetterStore> logger)
{
    private const int MaxPayloadChars = 100_000;

    private static readonly string NodeName = $"{Environment.MachineName}:{Environment.ProcessId}";

    private readonly ConcurrentDictionary<long, Func<Task>> _held = new();

    /// <summary>Runs <paramref name="write"/>; a permanent failure sets the publication aside instead of failing.</summary>
    public async Task ProjectAsync(string sink, string key, long seq, Func<object?> payload, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ProjectionFailure.IsPermanent(ex))
        {
            await SetAsideAsync(sink, key, seq, payload, ex, write);
        }
    }

    public async Task<long> SetAsideAsync(string sink, string key, long seq, Func<object?> payload, Exception error, Func<Task> write)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO dead_letter (sink, item_key, seq, error, sql_state, payload, node)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sink });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Clean(key, 400) });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Clean($"{error.GetType().Name}: {error.Message}", 4000) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)ProjectionFailure.SqlState(error) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)Json(payload) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeName });
        var id = (long)(await cmd.ExecuteScalarAsync())!;
        _held[id] = write;
        ReadModelMetrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("sink", sink));
        logger.LogError(error, "The read model refused {Sink} {Key} seq {Seq} for good; set aside as dead letter {Id}, later events go on", sink, key, seq, id);
        return id;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(bool includeResolved, int limit, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT id, sink, item_key, seq, error, sql_state, payload, node, attempts, created_at, retried_at, resolved_at
            FROM dead_letter {(includeResolved ? "" : "WHERE resolved_at IS NULL")}
            ORDER BY id DESC LIMIT $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 1000) });
        var list = new List<DeadLetter>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public async Task<(DeadLetterRetryOutcome Outcome, DeadLetter? Letter)> RetryAsync(long id, CancellationToken ct = default)
    {
        var letter = await FindAsync(id, ct);
        if (letter is null)
        {
            return (DeadLetterRetryOutcome.NotFound, null);
        }

        if (letter.ResolvedAt is not null)
        {
            return (DeadLetterRetryOutcome.AlreadyResolved, letter);
        }

        if (!_held.TryGetValue(id, out var write))
        {
            return (DeadLetterRetryOutcome.NotHeldHere, letter);
        }

        string? error = null;
        try
        {
            await write();
            _held.TryRemove(id, out _);
        }
        catch (Exception ex)
        {
            error = Clean($"{ex.GetType().Name}: {ex.Message}", 4000);
        }

        await using (var cmd = db.CreateCommand("""
            UPDATE dead_letter SET attempts = attempts + 1, retried_at = now(),
                resolved_at = CASE WHEN $2::text IS NULL THEN now() END, error = coalesce($2, error)
            WHERE id = $1
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        logger.LogInformation("Dead letter {Id} ({Sink} {Key}) retried: {Outcome}", id, letter.Sink, letter.Key, error ?? "projected");
        return (error is null ? DeadLetterRetryOutcome.Resolved : DeadLetterRetryOutcome.FailedAgain, await FindAsync(id, ct));
    }

    private async Task<DeadLetter?> FindAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, sink, item_key, seq, error, sql_state, payload, node, attempts, created_at, retried_at, resolved_at
            FROM dead_letter WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private DeadLetter Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetInt32(8), r.GetFieldValue<DateTimeOffset>(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        _held.ContainsKey(r.GetInt64(0)));

    /// <summary>The publication as JSON for ops (escaped, so whatever it holds is storable), or null when it does not serialize.</summary>
    private static string? Json(Func<object?> payload)
    {
        try
        {
            var json = JsonSerializer.Serialize(payload());
            return json.Length > MaxPayloadChars ? json[..MaxPayloadChars] : json;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string Clean(string text, int max)
    {
        var clean = TextHygiene.Clean(text);
        return clean.Length > max ? clean[..max] : clean;
    }
}
