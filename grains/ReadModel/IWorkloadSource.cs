namespace SalesOrleans.Managers;

/// <summary>Reads the shares the read model holds for a person, to rebuild a manager grain's workload on activation.</summary>
public interface IWorkloadSource
{
    Task<IReadOnlyList<WorkloadShareReport>> LoadSharesAsync(string user, CancellationToken ct = default);
}
