using Orleans.Runtime;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Tests.Architecture;

/// <summary>The read model names Orleans' silo statuses itself (it references no Orleans assembly); they must agree.</summary>
[Trait("Category", "Unit")]
public class ClusterQueriesTests
{
    [Fact]
    public void Status_names_are_orleans_silo_status_names()
    {
        foreach (var status in Enum.GetValues<SiloStatus>())
        {
            Assert.Equal(status.ToString(), ClusterQueries.StatusName((int)status));
        }
    }
}
