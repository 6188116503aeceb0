namespace SalesOrleans.Domain;

/// <summary>The person issuing a command and the roles they hold.</summary>
public sealed record Actor(string User, IReadOnlyCollection<string> Roles)
{
    public static Actor System { get; } = new(Domain.Roles.System, [Domain.Roles.System]);

    /// <summary>Supervisors, admins and the node's own automation may act on any deal.</summary>
    public bool ActsAsSupervisor =>
        Roles.Contains(Domain.Roles.Supervisor) || Roles.Contains(Domain.Roles.Admin) || Roles.Contains(Domain.Roles.System);

    /// <summary>The node's own automation (order sync, timers, seeding): not a person, so the rules about people do not bind it.</summary>
    public bool IsSystem => Roles.Contains(Domain.Roles.System);

    public bool IsAdmin => Roles.Contains(Domain.Roles.Admin);
}
