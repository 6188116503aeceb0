namespace SalesOrleans.Infrastructure;

public static class StorageNames
{
    /// <summary>The grain storage provider every grain type persists through (PostgreSQL in the node).</summary>
    public const string Store = "store";
}
