namespace SalesOrleans.Domain;

/// <summary>
/// Who may create or change a person, and to what. An admin: anyone, any role. A department head (supervisor): only
/// people of their own department, kept in it, with working roles (manager, engineer, warehouse, marketer) — never
/// admin, supervisor or integration, and never themselves into another department. Returns the offending field and
/// why, or null.
/// </summary>
public static class PersonAdminRule
{
    public static readonly IReadOnlyList<string> RolesAHeadMayGive = [Roles.Manager, Roles.Engineer, Roles.Warehouse, Roles.Marketer];

    public static (string Field, string Message)? Check(
        bool actorIsAdmin,
        string? actorDepartment,
        string? currentDepartment,
        bool isNew,
        string? newDepartment,
        IReadOnlyCollection<string> currentRoles,
        IReadOnlyCollection<string> newRoles)
    {
        if (newRoles.Count == 0 || newRoles.Any(r => !Roles.IsKnown(r)))
        {
            return ("roles", $"'roles' are one or more of: {string.Join(", ", Roles.All)}.");
        }

        if (actorIsAdmin)
        {
            return null;
        }

        if (actorDepartment is null)
        {
            return ("department", "Only an admin or the head of a department changes people.");
        }

        if (!isNew && currentDepartment != actorDepartment)
        {
            return ("userName", $"'{actorDepartment}' is your department: people of other departments are changed by their head or an admin.");
        }

        if (newDepartment != actorDepartment)
        {
            return ("department", $"A department head keeps people in their own department ('{actorDepartment}'); an admin moves them.");
        }

        // Roles the person already holds stay (a head does not strip a colleague's supervisor role either); new ones must be working roles.
        var added = newRoles.Except(currentRoles).ToArray();
        var removed = currentRoles.Except(newRoles).ToArray();
        if (added.Concat(removed).Any(r => !RolesAHeadMayGive.Contains(r)))
        {
            return ("roles", $"A department head gives and takes only these roles: {string.Join(", ", RolesAHeadMayGive)}.");
        }

        return null;
    }
}
