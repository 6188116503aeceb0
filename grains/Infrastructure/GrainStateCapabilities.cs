using Npgsql;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// What a grain storage keeps beside each state that sweepers ask for: the work-due mark (IWorkDue) and the next wake
/// (IWakeDue). Implemented by <see cref="GroupCommitGrainStorage"/> and registered under its storage name, so sweepers
/// and grains depend on the capability; where no storage offers it (in-memory grain tests) nothing sweeps.
/// </summary>
public interface IGrainStateMarks
{
    /// <summary>
    /// Keys (grain ids) of grains with work due whose last write is older than <paramref name="quietFor"/>, oldest first;
    /// of one state, or of every state when <paramref name="stateName"/> is null.
    /// </summary>
    Task<IReadOnlyList<string>> WorkDueAsync(string? stateName, TimeSpan quietFor, int limit, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> grains whose wake time has come, earliest first; each claimed wake moves
    /// <paramref name="lease"/> ahead so other nodes pass it by. Returns their keys.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimWakesAsync(int limit, TimeSpan lease, CancellationToken ct = default);
}

/// <summary>
/// A grain storage that writes a state's read-model rows in the same commit as the state (by state name, through the
/// registered <see cref="IStateProjection"/>s), so the grain owes nothing after its write.
/// </summary>
public interface IProjectingGrainStorage
{
    bool ProjectsInCommit(string stateName);
}

/// <summary>
/// Read-model rows that ride a state's write (<see cref="GroupCommitGrainStorage"/>). The storage writes the state in a
/// common table expression named <c>state_write</c> that returns one row when the write applied (its version check
/// passed) and none when it did not; <see cref="ProjectedRows.Sql"/> follows it — further CTEs (", name AS (…)") and
/// then one statement that writes exactly one row when state_write has its row and none otherwise, so a stale writer's
/// rows never apply. Parameters are numbered from $8.
/// </summary>
public interface IStateProjection
{
    string StateName { get; }

    /// <summary>The rows of this state as written, or null when it has none (nothing exists yet).</summary>
    ProjectedRows? Rows(object state);
}

/// <param name="Sql">What follows <c>WITH state_write AS (…)</c>.</param>
/// <param name="Parameters">$8, $9, … in order.</param>
public sealed record ProjectedRows(string Sql, IReadOnlyList<NpgsqlParameter> Parameters);
