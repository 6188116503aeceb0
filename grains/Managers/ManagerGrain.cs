namespace SalesOrleans.Managers;

/// <summary>
/// A person's workload: the sum of the shares every deal reports. Nothing of its own is stored — the read model
/// already holds each deal's tasks and owner with their seq — so reports cost no extra write.
/// </summary>
public sealed class ManagerGrain(IWorkloadSource source) : Grain, IManagerGrain
{
    private readonly Dictionary<Guid, WorkloadShareReport> _shares = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var share in await source.LoadSharesAsync(this.GetPrimaryKeyString(), cancellationToken))
        {
            Apply(share);
        }
    }

    public Task ReportShare(WorkloadShareReport report)
    {
        Apply(report);
        return Task.CompletedTask;
    }

    public Task<WorkloadView> GetWorkload()
    {
        var open = 0;
        var overdue = 0;
        var deals = 0;
        foreach (var share in _shares.Values)
        {
            open += share.OpenTasks;
            overdue += share.OverdueTasks;
            deals += share.OpenDeals;
        }

        return Task.FromResult(new WorkloadView(this.GetPrimaryKeyString(), open, overdue, deals));
    }

    // Last writer by seq wins: a late or repeated report of an older state changes nothing.
    private void Apply(WorkloadShareReport report)
    {
        if (!_shares.TryGetValue(report.DealId, out var known) || known.Seq < report.Seq)
        {
            _shares[report.DealId] = report;
        }
    }
}
