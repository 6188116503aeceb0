namespace SalesOrleans.Domain;

/// <summary>The user roles; the same names in the database, the API's authorization and the UI.</summary>
public static class Roles
{
    public const string Manager = "manager";
    public const string Supervisor = "supervisor";
    public const string Marketer = "marketer";
    public const string Warehouse = "warehouse";
    public const string Admin = "admin";

    /// <summary>Automation inside the node (timers, intake); acts with supervisor rights.</summary>
    public const string System = "system";

    public static readonly IReadOnlyList<string> All = [Manager, Supervisor, Marketer, Warehouse, Admin];

    public static bool IsKnown(string role) => All.Contains(role);
}
