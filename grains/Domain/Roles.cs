namespace SalesOrleans.Domain;

/// <summary>The user roles; the same names in the database, the API's authorization and the UI.</summary>
public static class Roles
{
    public const string Manager = "manager";
    public const string Supervisor = "supervisor";
    public const string Marketer = "marketer";
    public const string Warehouse = "warehouse";
    public const string Admin = "admin";

    /// <summary>Executes technical tasks (certification, installation) of deals in any department.</summary>
    public const string Engineer = "engineer";

    /// <summary>API tokens of integrations (PBX, web-form feeders): write inquiries, read what they fed.</summary>
    public const string Integration = "integration";

    /// <summary>Automation inside the node (timers, intake); acts with supervisor rights.</summary>
    public const string System = "system";

    public static readonly IReadOnlyList<string> All = [Manager, Supervisor, Marketer, Warehouse, Admin, Engineer, Integration];

    public static bool IsKnown(string role) => All.Contains(role);
}
