using SalesOrleans.Domain;
using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Grain storage for hot grains whose every write is on a caller's critical path (a call grain acknowledges each PBX
/// event once it is stored). Writes from all grains on the node are gathered into batches — one transaction, one
/// commit, one round trip each — instead of a commit per write; each grain's write still completes only when its batch
/// has committed, and the version check stays per grain: a stale writer gets an InconsistentStateException and
/// its batch-mates are unaffected. Reads of activating grains are batched the same way (a burst of a thousand new
/// grains is a handful of queries, not a thousand connections). Rows live in <c>grain_state</c>
/// (deploy/sql/0011_grain_state.sql). Grains that earlier versions kept in Orleans' own storage are read from there
/// when this table has no row yet (their first write here moves them); a database that never had such rows is not
/// asked twice. A state with a registered <see cref="IStateProjection"/> carries its read-model rows into the same
/// statement as its write, applied only when the write is (ADR 0001; issue 12, fourth round).
/// </summary>
public sealed class GroupCommitGrainStorage : IGrainStorage, IGrainStateMarks, IProjectingGrainStorage, IAsyncDisposable
{
    private const int Writers = 4;
    private const int Readers = 2;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly NpgsqlDataSource _db;
    private readonly Batcher<Write, bool> _writer;
    private readonly Batcher<Read, Row?> _reader;
    private readonly IGrainStorage? _legacy;
    private readonly ConcurrentDictionary<string, Task<bool>> _legacyRows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IStateProjection> _projections;

    public GroupCommitGrainStorage(string name, string serviceId, NpgsqlDataSource db, ILogger<GroupCommitGrainStorage> logger, IGrainStorage? legacy = null,
        IEnumerable<IStateProjection>? projections = null)
    {
        _name = name;
        _projections = (projections ?? []).ToDictionary(p => p.StateName, StringComparer.Ordinal);
        _serviceId = serviceId;
        _db = db;
        _legacy = legacy;
        _writer = new Batcher<Write, bool>(WriteBatch, Writers, logger, $"grain state writes ({name})");
        _reader = new Batcher<Read, Row?>(ReadBatch, Readers, logger, $"grain state reads ({name})");
    }

    public bool ProjectsInCommit(string stateName) => _projections.ContainsKey(stateName);

    /// <summary>The row key: "type/key", as the grain id prints.</summary>
    public static string KeyOf(GrainId grainId) => grainId.ToString();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (await _reader.RunAsync(new Read(stateName, KeyOf(grainId))) is { } row)
        {
            grainState.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
            grainState.State = JsonGrainStateSerializer.Instance.Deserialize<T>(new BinaryData(row.Payload));
            grainState.RecordExists = true;
            return;
        }

        grainState.ETag = null;
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
        if (_legacy is not null && await HasLegacyRows(stateName))
        {
            // Stored by an earlier version: take it as it is; the first write inserts it here (ETag stays null).
            var old = new GrainState<T>(grainState.State);
            await _legacy.ReadStateAsync(stateName, grainId, old);
            if (old.RecordExists && old.State is not null)
            {
                grainState.State = old.State;
                grainState.RecordExists = true;
            }
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = grainState.ETag is { } etag ? long.Parse(etag, CultureInfo.InvariantCulture) : (long?)null;
        // Rows written with the state are what an outbox would have owed: such a state is never due for follow-up work.
        var rows = _projections.TryGetValue(stateName, out var projection) && grainState.State is { } current ? projection.Rows(current) : null;
        var timer = Deals.DealCommandTimings.Start();
        var write = new Write(stateName, KeyOf(grainId), expected, JsonGrainStateSerializer.Instance.Serialize(grainState.State).ToArray(),
            rows is null && grainState.State is IWorkDue { WorkDue: true }, (grainState.State as IWakeDue)?.WakeAt, rows);
        Deals.DealCommandTimings.Stop(Deals.DealCommandTimings.Phase.Serialize, timer);
        if (!await _writer.RunAsync(write))
        {
            throw new InconsistentStateException($"Version conflict writing {stateName} of {grainId} in storage {_name}: another activation wrote it",
                storedEtag: "unknown", currentEtag: grainState.ETag);
        }

        grainState.ETag = ((expected ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is { } etag)
        {
            await using var cmd = _db.CreateCommand("DELETE FROM grain_state WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND version = $4");
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = KeyOf(grainId) });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = long.Parse(etag, CultureInfo.InvariantCulture) });
            if (await cmd.ExecuteNonQueryAsync() == 0)
            {
                throw new InconsistentStateException($"Version conflict clearing {stateName} of {grainId} in storage {_name}", "unknown", etag);
            }
        }

        // A cleared grain must not come back from the earlier version's copy.
        if (_legacy is not null && await HasLegacyRows(stateName))
        {
            var old = new GrainState<T>(Activator.CreateInstance<T>());
            await _legacy.ReadStateAsync(stateName, grainId, old);
            if (old.RecordExists)
            {
                await _legacy.ClearStateAsync(stateName, grainId, old);
            }
        }

        grainState.ETag = null;
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> WorkDueAsync(string? stateName, TimeSpan quietFor, int limit, CancellationToken ct = default)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT grain_key FROM grain_state
            WHERE work_due AND ($2::text IS NULL OR state_name = $2) AND service_id = $1 AND modified_at < now() - $3
            ORDER BY modified_at LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)stateName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = quietFor });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var keys = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>
    /// Claims due wakes through the partial index on wake_at: each claimed row's wake moves <paramref name="lease"/> ahead,
    /// so other nodes' sweeps pass it by and a wake that fails comes round again; the woken grain's next write stores its
    /// real next wake.
    /// </summary>
    public async Task<IReadOnlyList<string>> ClaimWakesAsync(int limit, TimeSpan lease, CancellationToken ct = default)
    {
        await using var cmd = _db.CreateCommand("""
            UPDATE grain_state g SET wake_at = now() + $3
            FROM (SELECT state_name, grain_key FROM grain_state
                  WHERE service_id = $1 AND wake_at <= now()
                  ORDER BY wake_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
            WHERE g.service_id = $1 AND g.state_name = due.state_name AND g.grain_key = due.grain_key
            RETURNING g.grain_key
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        var keys = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _reader.DisposeAsync();
    }

    /// <summary>
    /// Whether an earlier version left rows of this state in Orleans' table (found by the schema script once; asked
    /// once per state name and node).
    /// </summary>
    private Task<bool> HasLegacyRows(string stateName) => _legacyRows.GetOrAdd(stateName, async name =>
    {
        await using var cmd = _db.CreateCommand("SELECT EXISTS (SELECT 1 FROM grain_state_legacy WHERE service_id = $1 AND state_name = $2)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await cmd.ExecuteScalarAsync())!;
    });

    private async Task<IReadOnlyList<Row?>> ReadBatch(IReadOnlyList<Read> batch)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT k.i, g.version, g.payload
            FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(state_name, grain_key, i)
            JOIN grain_state g ON g.service_id = $1 AND g.state_name = k.state_name AND g.grain_key = k.grain_key
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(r => r.StateName).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(r => r.Key).ToArray() });
        var rows = new Row?[batch.Count];
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt64(0) - 1] = new Row(reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
        }

        return rows;
    }

    /// <summary>
    /// One transaction for the batch. A first write inserts (nothing if the row appeared meanwhile), a later one
    /// updates only the version it read; each statement's row count says whether that grain's write applied.
    /// The batch is PostgreSQL's implicit transaction (its statements up to one Sync commit together or not at all):
    /// one round trip per batch, where BEGIN … COMMIT took two — the commit is what a call's acknowledgement waits for.
    /// </summary>
    private async Task<IReadOnlyList<bool>> WriteBatch(IReadOnlyList<Write> batch)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var sql = new NpgsqlBatch(connection);
        // One lock order across concurrent batches.
        var order = Enumerable.Range(0, batch.Count)
            .OrderBy(i => batch[i].StateName, StringComparer.Ordinal).ThenBy(i => batch[i].Key, StringComparer.Ordinal).ToList();
        foreach (var w in order.Select(i => batch[i]))
        {
            var write = w.Expected is null
                ? "INSERT INTO grain_state (service_id, state_name, grain_key, version, payload, modified_at, work_due, wake_at) VALUES ($1, $2, $3, 1, $4, now(), $5, $6) ON CONFLICT DO NOTHING"
                : "UPDATE grain_state SET version = version + 1, payload = $4, modified_at = now(), work_due = $5, wake_at = $6 WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND version = $7";
            // With rows: one statement, whose row count is the rows' main statement's — 1 exactly when the state applied.
            var cmd = new NpgsqlBatchCommand(w.Rows is null ? write : $"WITH state_write AS ({write} RETURNING 1)\n{w.Rows.Sql}");
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.StateName });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.Key });
            cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = w.Payload, NpgsqlDbType = NpgsqlDbType.Bytea });
            cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = w.WorkDue });
            cmd.Parameters.Add(w.WakeAt is { } wake
                ? new NpgsqlParameter<DateTime> { TypedValue = wake.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz }
                : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            if (w.Expected is { } expected)
            {
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            }
            else if (w.Rows is not null)
            {
                // Unused by the insert, but the rows' parameters start at $8.
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 0 });
            }

            foreach (var parameter in w.Rows?.Parameters ?? [])
            {
                cmd.Parameters.Add(parameter);
            }

            sql.BatchCommands.Add(cmd);
        }

        await sql.ExecuteNonQueryAsync();
        var applied = new bool[batch.Count];
        for (var n = 0; n < order.Count; n++)
        {
            applied[order[n]] = sql.BatchCommands[n].RecordsAffected == 1;
        }

        return applied;
    }

    private sealed record Read(string StateName, string Key);

    private sealed record Row(long Version, byte[] Payload);

    private sealed record Write(string StateName, string Key, long? Expected, byte[] Payload, bool WorkDue, DateTimeOffset? WakeAt, ProjectedRows? Rows);
}
