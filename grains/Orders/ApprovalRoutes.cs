using Npgsql;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Processes;

namespace SalesOrleans.Orders;

/// <summary>Finds the approval route of an order: its deal's process version's <c>orderLink.approval</c>, else the default route.</summary>
public interface IApprovalRoutes
{
    Task<ApprovalRoute> ForOrderAsync(Guid? dealId, CancellationToken ct = default);
}

/// <summary>
/// Reads the deal's process kind and version from the read model (never from the deal grain: the deal may be the one
/// creating and submitting this order right now, waiting for it). The deal row is written before the deal's order is
/// made (its projector runs first in the publication), and orders made by hand name an existing deal.
/// </summary>
public sealed class ApprovalRoutes(NpgsqlDataSource db, IProcessCatalog processes, ILogger<ApprovalRoutes> logger) : IApprovalRoutes
{
    public async Task<ApprovalRoute> ForOrderAsync(Guid? dealId, CancellationToken ct = default)
    {
        if (dealId is not { } id)
        {
            return ApprovalRoute.Default;
        }

        await using var cmd = db.CreateCommand("SELECT process_kind, process_version FROM deal WHERE deal_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            logger.LogWarning("Deal {DealId} of an order is not in the read model yet: the order follows the default approval route", id);
            return ApprovalRoute.Default;
        }

        var (kind, version) = (r.GetString(0), r.GetInt32(1));
        return (await processes.GetAsync(kind, version, ct))?.OrderLink?.Approval ?? ApprovalRoute.Default;
    }
}
