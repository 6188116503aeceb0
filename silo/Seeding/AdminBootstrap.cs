using SalesOrleans.Domain;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Seeding;

/// <summary>
/// The first admin of an installation without the demo: Bootstrap:AdminPassword (from a secret) creates user "admin"
/// once, when the database has no active admin. Changing the setting later changes nothing (use the password page).
/// </summary>
public sealed class AdminBootstrap(UserStore users, IConfiguration configuration, ILogger<AdminBootstrap> logger)
{
    public const string PasswordSetting = "Bootstrap:AdminPassword";

    public async Task RunAsync(CancellationToken ct)
    {
        var (all, _) = await users.LoadAllAsync(ct);
        if (all.Any(u => u.Active && u.Roles.Contains(Roles.Admin)))
        {
            return;
        }

        if (configuration[PasswordSetting] is not { Length: > 0 } password)
        {
            logger.LogWarning("No active admin exists: set {Setting} to create user 'admin' at the next start", PasswordSetting);
            return;
        }

        if (Credentials.WeakPassword("admin", password) is { } weak)
        {
            logger.LogError("{Setting} is not used: {Problem}", PasswordSetting, weak.Replace("'newPassword'", PasswordSetting, StringComparison.Ordinal));
            return;
        }

        var admin = new UserRecord("admin", "Administrator", null, [Roles.Admin], null, null, "UTC", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true);
        if (await users.CreateUserIfMissingAsync(admin, Credentials.HashPassword("admin", password), ct))
        {
            logger.LogWarning("Created user 'admin' from {Setting}; change the password after the first login", PasswordSetting);
        }
    }
}
