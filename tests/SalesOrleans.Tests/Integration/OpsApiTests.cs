using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SalesOrleans.Tests.Integration;

/// <summary>The operators' cluster view: the membership table as it is, for admins only.</summary>
[Trait("Category", "Integration")]
public sealed class OpsApiTests
{
    [Fact]
    public async Task An_admin_sees_each_silo_of_the_membership_with_its_status_and_since_when_and_nobody_else_does()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var node = await TestNode.StartAsync(connectionString);
        // A silo that died earlier (a killed node's row once the others declared it dead), written as Orleans writes it:
        // suspect times "silo,time|silo,time". A row Orleans cannot read fails every membership read of the node, whose
        // shutdown then spent 2 min retrying its status (the slowest test of a run beside two CPU hogs, 134 s).
        await using (var db = Npgsql.NpgsqlDataSource.Create(connectionString))
        {
            await using var insert = db.CreateCommand("""
                INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
                SELECT deploymentid, '10.0.0.9', 11112, 1, 'Silo_dead', 'knoten-2', 6, 30001, '10.0.0.7:11111@155000001,2026-01-01 10:00:00.000 GMT|10.0.0.8:11111@155000002,2026-01-01 10:00:01.000 GMT',
                       now() - interval '10 minutes', now() - interval '2 minutes'
                FROM orleansmembershiptable LIMIT 1
                """);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var admin = await node.ClientAsync("admin");
        var cluster = await admin.GetFromJsonAsync<JsonElement>("/api/ops/cluster");
        var silos = cluster.GetProperty("silos").EnumerateArray().ToList();
        Assert.Contains(silos, s => s.GetProperty("status").GetString() == "Active");
        var dead = Assert.Single(silos, s => s.GetProperty("status").GetString() == "Dead");
        Assert.Equal(("knoten-2", 2), (dead.GetProperty("host").GetString(), dead.GetProperty("suspicions").GetInt32()));
        Assert.InRange(dead.GetProperty("silentForSeconds").GetDouble(), 100, 200);
        Assert.Equal(1, cluster.GetProperty("counts").GetProperty("Dead").GetInt32());

        Assert.Equal(HttpStatusCode.Forbidden, (await (await node.ClientAsync("k.weber")).GetAsync("/api/ops/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await node.ClientAsync()).GetAsync("/api/ops/cluster")).StatusCode);
    }
}
