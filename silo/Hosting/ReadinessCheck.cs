using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace SalesOrleans.Silo.Hosting;

/// <summary>Ready = PostgreSQL answers and this silo is an active member of the cluster.</summary>
public sealed class ReadinessCheck(NpgsqlDataSource db, IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {status}.");
    }
}
