namespace SalesOrleans.Infrastructure;

public static class StorageNames
{
    /// <summary>The grain storage provider every grain type persists through (PostgreSQL in the node).</summary>
    public const string Store = "store";

    /// <summary>Group-committed grain storage for grains whose writes are on a caller's critical path (GroupCommitGrainStorage).</summary>
    public const string GroupCommit = "groupcommit";
}
