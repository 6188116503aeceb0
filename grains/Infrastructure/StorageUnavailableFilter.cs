namespace SalesOrleans.Infrastructure;

/// <summary>
/// At every grain call this node serves: a database outage leaves the grain as <see cref="StorageUnavailableException"/>,
/// which every node can deserialize, so a caller on another node sees an outage (503) and not an unknown-type failure (500).
/// </summary>
public sealed class StorageUnavailableFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && StorageFaults.IsDatabaseUnavailable(ex))
        {
            var cause = StorageFaults.Innermost(ex);
            throw new StorageUnavailableException($"The database is unavailable: {cause.Message}") { Cause = cause.GetType().FullName };
        }
    }
}
