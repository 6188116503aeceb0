using Npgsql;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Seeding;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Hosting;

/// <summary>Configuration section "Demo": the demo (people with password "demo", the demo API token and PBX key) only when asked for.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the demo people, token and data, and accept the demo PBX key. Never in Production.</summary>
    public bool Enabled { get; set; }

    /// <summary>The PBX key the demo accepts when Telephony:ApiKey is not set (printed by deploy/run.sh).</summary>
    public const string TelephonyKey = "demo-pbx-key";
}

/// <summary>A node refused to start; the message says what to change.</summary>
public sealed class NodeRefusedException(string message) : Exception(message);

/// <summary>
/// What a node checks before it serves: in Production no demo switch, no demo password, no demo token, no default
/// PBX key, and a key-ring secret; elsewhere the same findings are warnings. Runs after the schema migration, before
/// the node is built, so a refused node never opens its port.
/// </summary>
public static class ProductionSafety
{
    public static async Task CheckAsync(IHostEnvironment environment, IConfiguration configuration, NpgsqlDataSource db, ILogger logger)
    {
        var demo = configuration.GetSection(DemoOptions.Section).Get<DemoOptions>()?.Enabled == true;
        var findings = new List<string>();
        if (demo)
        {
            findings.Add("Demo:Enabled is true: demo people (password 'demo'), the demo API token and the demo PBX key are live.");
        }

        if (configuration["Telephony:ApiKey"] == DemoOptions.TelephonyKey)
        {
            findings.Add($"Telephony:ApiKey is the demo key '{DemoOptions.TelephonyKey}': set a secret of your own.");
        }

        if (KeyRingProtection.SecretFrom(configuration) is null)
        {
            findings.Add($"{KeyRingProtection.SettingName} is not set: the key ring behind login cookies is stored unencrypted.");
        }

        if (!demo)
        {
            // Left over from a demo run on the same database.
            var accounts = new AccountStore(db);
            if (await accounts.TokenIsLiveAsync(Credentials.HashToken(DemoSeeder.DemoApiToken)))
            {
                findings.Add("The demo API token is live in the database: revoke it (DELETE /api/tokens/{id}).");
            }

            foreach (var user in DemoSeeder.DemoUserNames)
            {
                if (await accounts.PasswordHashOfAsync(user) is { } hash && Credentials.Matches(user, hash, DemoSeeder.DemoPassword))
                {
                    findings.Add($"User '{user}' still has the demo password: reset it or deactivate the user.");
                }
            }
        }

        if (findings.Count == 0)
        {
            return;
        }

        if (environment.IsProduction())
        {
            foreach (var finding in findings)
            {
                logger.LogCritical("Refusing to start in Production: {Finding}", finding);
            }

            throw new NodeRefusedException("Refusing to start in Production: " + string.Join(" ", findings)
                + " See README, 'Running in production'. (A demo runs with ASPNETCORE_ENVIRONMENT=Demo and Demo:Enabled=true, as deploy/run.sh does.)");
        }

        foreach (var finding in findings)
        {
            logger.LogWarning("Not for production ({Environment}): {Finding}", environment.EnvironmentName, finding);
        }
    }
}
