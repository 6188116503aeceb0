using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Security;

/// <summary>Issue 14: the demo exists only when asked for, and a node in Production refuses to start with demo secrets.</summary>
[Trait("Category", "Integration")]
public sealed class ProductionSafetyTests
{
    private const string KeySecret = "b2Y4Zk1pQ3Vq-Secret-for-the-key-ring-0123456789";
    private const string AdminPassword = "Erster Admin, Москва 2026";

    private static string[] Args(string connectionString, params string[] extra) =>
    [
        $"--ConnectionStrings:Sales={connectionString}",
        "--urls=http://127.0.0.1:0",
        $"--Node:SiloPort={NodeProcess.FreePort()}",
        $"--Node:GatewayPort={NodeProcess.FreePort()}",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Orleans=Error",
        "--environment=Production",
        .. extra,
    ];

    [Theory]
    [InlineData("--Demo:Enabled=true", "Demo:Enabled")]
    [InlineData("--Telephony:ApiKey=demo-pbx-key", "demo-pbx-key")]
    [InlineData("--Demo:Enabled=false", "KeyEncryptionKey")]
    public async Task A_production_node_refuses_to_start_with_demo_settings_or_no_key_ring_secret(string setting, string named)
    {
        var withSecret = named == "KeyEncryptionKey" ? [] : new[] { $"--DataProtection:KeyEncryptionKey={KeySecret}" };
        var database = await TestDatabase.CreateAsync();
        var refused = await Assert.ThrowsAsync<NodeRefusedException>(() => NodeHost.BuildAsync(Args(database, [setting, .. withSecret])));
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public async Task A_production_node_refuses_a_database_with_the_demo_people_and_token_left_in_it_and_exits_non_zero()
    {
        var database = await TestDatabase.CreateAsync();
        await (await TestNode.StartAsync(database)).DisposeAsync();   // a demo run on this database

        var refused = await Assert.ThrowsAsync<NodeRefusedException>(() => NodeHost.BuildAsync(Args(database, $"--DataProtection:KeyEncryptionKey={KeySecret}")));
        Assert.Contains("demo API token", refused.Message);
        Assert.Contains("'k.weber' still has the demo password", refused.Message);

        // As a process: a clear line and an exit code a supervisor reads as a configuration error.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeProcess.StartAsync(database, "production", "--environment=Production", "--Demo:Enabled=false"));
        Assert.Contains("exited with 3", failed.Message);
        Assert.Contains("Refusing to start in Production", failed.Message);
    }

    [Fact]
    public async Task A_production_node_has_no_demo_people_token_or_PBX_key_and_keeps_its_key_ring_encrypted()
    {
        var database = await TestDatabase.CreateAsync();
        var app = await NodeHost.BuildAsync(Args(database,
            $"--DataProtection:KeyEncryptionKey={KeySecret}", $"--Bootstrap:AdminPassword={AdminPassword}", "--Telephony:ApiKey=pbx-Secret-7f3a9c"));
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "k.weber", password = "demo" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = "demo" })).StatusCode);
            var bearer = new HttpClient { BaseAddress = address };
            bearer.DefaultRequestHeaders.Authorization = new("Bearer", "so_demo_integration_token");
            Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/deals")).StatusCode);
            var pbx = new HttpClient { BaseAddress = address };
            pbx.DefaultRequestHeaders.Add("X-Api-Key", "demo-pbx-key");
            Assert.Equal(HttpStatusCode.Unauthorized, (await pbx.PostAsJsonAsync("/api/telephony/calls", new { @event = "incoming", call_id = "p-1", caller = "+79160000000", called = "+74952233211", ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() })).StatusCode);

            // The first admin comes from Bootstrap:AdminPassword; signing in makes the first data-protection key.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = AdminPassword })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

            await using var db = NpgsqlDataSource.Create(database);
            await using var cmd = db.CreateCommand("SELECT xml FROM data_protection_key");
            var keys = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    keys.Add(reader.GetString(0));
                }
            }

            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("aesGcmEncryptedKey", xml);
                Assert.DoesNotContain("<masterKey", xml);   // before issue 14 the key itself sat here in base64
            });
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
