namespace SalesOrleans.Domain.Processes;

/// <summary>
/// Who may publish a new version of a process kind: an admin always; the head (supervisor) of the department that owns
/// the kind; a supervisor a brand-new kind, which then becomes their department's. A kind that exists but belongs to
/// no department (shipped with the installation) is the admin's until the admin gives it a department.
/// </summary>
public static class ProcessPublishRule
{
    public static bool MayPublish(bool isAdmin, bool isSupervisor, string? actorDepartment, bool kindExists, string? ownerDepartment)
    {
        if (isAdmin)
        {
            return true;
        }

        if (!isSupervisor || actorDepartment is null)
        {
            return false;
        }

        return kindExists ? ownerDepartment == actorDepartment : ownerDepartment is null || ownerDepartment == actorDepartment;
    }

    /// <summary>The owner after a publication: unchanged when it had one, else the publishing supervisor's department.</summary>
    public static string? OwnerAfter(string? ownerDepartment, bool publisherIsAdmin, string? publisherDepartment) =>
        ownerDepartment ?? (publisherIsAdmin ? null : publisherDepartment);
}
