using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesOrleans.Leads;

namespace SalesOrleans.Web.Auth;

/// <summary>
/// The matrix in force on this node: the shipped defaults with the admin's changes from PostgreSQL on top,
/// reloaded when older than <see cref="Freshness"/>, so a change reaches every node within seconds.
/// </summary>
public sealed class AccessPolicy(NpgsqlDataSource db, IOptions<LeadOptions> leads, TimeProvider clock, ILogger<AccessPolicy> logger)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private AccessMatrix _matrix = AccessMatrix.Defaults;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    /// <summary>
    /// The matrix in force. The first call loads it; after that a stale copy is refreshed in the background, so no
    /// request waits on the database (during an outage the last loaded matrix stays in force).
    /// </summary>
    public async ValueTask<AccessMatrix> MatrixAsync(CancellationToken ct = default)
    {
        if (_loadedAt == DateTimeOffset.MinValue)
        {
            await _reload.WaitAsync(ct);
            await ReloadHoldingGateAsync();
        }
        else if (clock.GetUtcNow() - _loadedAt >= Freshness && _reload.Wait(0))
        {
            _ = Task.Run(ReloadHoldingGateAsync, CancellationToken.None);
        }

        return _matrix;
    }

    private async Task ReloadHoldingGateAsync()
    {
        try
        {
            if (_loadedAt == DateTimeOffset.MinValue || clock.GetUtcNow() - _loadedAt >= Freshness)
            {
                _matrix = AccessMatrix.Defaults.With(await LoadChangesAsync(CancellationToken.None));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Keep the last matrix; the next request after Freshness tries again.
            logger.LogWarning(ex, "Access matrix reload failed; keeping the one loaded at {LoadedAt}", _loadedAt);
        }
        finally
        {
            _loadedAt = clock.GetUtcNow();
            _reload.Release();
        }
    }

    /// <summary>Stores the changed cells and applies them on this node at once (the others within <see cref="Freshness"/>).</summary>
    public async Task<AccessMatrix> ChangeAsync(IReadOnlyList<AccessCell> cells, string changedBy, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var cell in cells)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO access_matrix (role, capability, scope, changed_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (role, capability) DO UPDATE SET scope = excluded.scope, changed_by = excluded.changed_by, changed_at = now()
                """, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cell.Role });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cell.Capability });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cell.Scope.ToString() });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = changedBy });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        _matrix = AccessMatrix.Defaults.With(await LoadChangesAsync(ct));
        _loadedAt = clock.GetUtcNow();
        return _matrix;
    }

    /// <summary>The roles the matrix knows the user by: their role claims, plus head-of-sales for the user Leads:HeadOfSales names.</summary>
    public IReadOnlyList<string> RolesOf(ClaimsPrincipal user)
    {
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        if (leads.Value.HeadOfSales is { Length: > 0 } head && user.Identity?.Name == head)
        {
            roles.Add(AccessMatrix.HeadOfSales);
        }

        return roles;
    }

    public async ValueTask<AccessScope> ScopeAsync(ClaimsPrincipal user, Capability capability, CancellationToken ct = default) =>
        (await MatrixAsync(ct)).ScopeOf(RolesOf(user), capability);

    /// <summary>Every capability the user has, with its scope: what /api/auth/me shows so pages offer only what the API allows.</summary>
    public async Task<IReadOnlyDictionary<string, string>> CapabilitiesAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var matrix = await MatrixAsync(ct);
        var roles = RolesOf(user);
        return Capability.All.Select(c => (c.Name, Scope: matrix.ScopeOf(roles, c)))
            .Where(c => c.Scope != AccessScope.None)
            .ToDictionary(c => c.Name, c => c.Scope.ToString().ToLowerInvariant());
    }

    public static AccessSubject SubjectOf(ClaimsPrincipal user) => new(user.Identity?.Name ?? "", user.DepartmentOf());

    private async Task<List<AccessCell>> LoadChangesAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT role, capability, scope FROM access_matrix");
        var cells = new List<AccessCell>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (Enum.TryParse<AccessScope>(r.GetString(2), out var scope))
            {
                cells.Add(new AccessCell(r.GetString(0), r.GetString(1), scope));
            }
        }

        return cells;
    }
}
