namespace SalesOrleans;

/// <summary>
/// A manager's (or any executor's) workload, summed from the shares deals report. Keyed by user name.
/// Shares are whole snapshots per deal with the deal's sequence number, so a repeated or late report is harmless.
/// </summary>
[Alias("SalesOrleans.IManagerGrain")]
public interface IManagerGrain : IGrainWithStringKey
{
    [Alias("ReportShare")]
    Task ReportShare(WorkloadShareReport report);

    [Alias("GetWorkload")]
    Task<WorkloadView> GetWorkload();
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.WorkloadShareReport")]
public sealed record WorkloadShareReport(
    [property: Id(0)] Guid DealId,
    [property: Id(1)] long Seq,
    [property: Id(2)] int OpenTasks,
    [property: Id(3)] int OverdueTasks,
    [property: Id(4)] int OpenDeals);

[GenerateSerializer, Immutable, Alias("SalesOrleans.WorkloadView")]
public sealed record WorkloadView(
    [property: Id(0)] string User,
    [property: Id(1)] int OpenTasks,
    [property: Id(2)] int OverdueTasks,
    [property: Id(3)] int OpenDeals);
