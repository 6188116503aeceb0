using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Deals;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>State, journal and events on a real PostgreSQL across node restarts and failed publishes.</summary>
[Trait("Category", "Integration")]
public class PersistenceTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<Guid> CreateDeal(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "ERP rollout", company = "Tula Metals", amount = 120000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Json(created)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task State_and_journal_survive_a_node_restart()
    {
        var db = await TestDatabase.CreateAsync();
        Guid id;
        JsonElement before;
        await using (var node = await TestNode.StartAsync(db))
        {
            var client = await node.ClientAsync("a.ivanova");
            id = await CreateDeal(client);
            await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["need"] = "ERP for 3 plants" });
            var task = (await Json(await client.GetAsync($"/api/deals/{id}"))).GetProperty("tasks")[0].GetProperty("id").GetString();
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/tasks/{task}/complete", new { result = "Budget confirmed" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true })).StatusCode);
            before = await Json(await client.GetAsync($"/api/deals/{id}"));
        }

        await using (var node = await TestNode.StartAsync(db))
        {
            var client = await node.ClientAsync("a.ivanova");
            var after = await Json(await client.GetAsync($"/api/deals/{id}"));
            Assert.Equal(before.GetProperty("seq").GetInt64(), after.GetProperty("seq").GetInt64());
            Assert.Equal("client-card", after.GetProperty("stage").GetString());
            Assert.Equal(before.GetProperty("tasks").ToString(), after.GetProperty("tasks").ToString());
            Assert.Equal("ERP for 3 plants", after.GetProperty("parameters").GetProperty("need").GetString());

            var journal = await Json(await client.GetAsync($"/api/deals/{id}/journal"));
            Assert.Equal(Enumerable.Range(1, (int)after.GetProperty("seq").GetInt64()).Select(i => (long)i), journal.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));

            // The node keeps working on the same deal after the restart.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Called after restart" })).StatusCode);
        }
    }

    [Fact]
    public async Task A_login_survives_a_node_restart()
    {
        var db = await TestDatabase.CreateAsync();
        var cookies = new System.Net.CookieContainer();
        await using (var node = await TestNode.StartAsync(db))
        {
            await node.ClientAsync("k.weber", cookies);
        }

        await using (var node = await TestNode.StartAsync(db))
        {
            var client = await node.ClientAsync(cookies: cookies);
            var me = await client.GetAsync("/api/auth/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal("k.weber", (await Json(me)).GetProperty("userName").GetString());
        }
    }

    [Fact]
    public async Task Events_written_but_never_published_before_the_node_went_away_are_published_when_the_deal_wakes()
    {
        var db = await TestDatabase.CreateAsync();
        var unreachable = new RecordingSink { Failing = true };
        Guid id;
        await using (var node = await TestNode.StartAsync(db, configure: b => b.Services.AddSingleton<IDealEventSink>(unreachable)))
        {
            var client = await node.ClientAsync("d.orlov");
            id = await CreateDeal(client);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Written, never projected" })).StatusCode);
            Assert.Empty(await node.Services.GetRequiredService<DealQueries>().GetJournalAsync(id, 0, 100));
        }

        await using (var node = await TestNode.StartAsync(db))
        {
            var queries = node.Services.GetRequiredService<DealQueries>();
            Assert.Empty(await queries.GetJournalAsync(id, 0, 100));

            var client = await node.ClientAsync("d.orlov");
            var deal = await Json(await client.GetAsync($"/api/deals/{id}"));

            var journal = await queries.GetJournalAsync(id, 0, 100);
            Assert.Equal(deal.GetProperty("seq").GetInt64(), journal.Count);
            Assert.Contains(journal, e => e.Text == "Written, never projected");
            var listed = await queries.ListDealsAsync(new DealFilter(Owner: "d.orlov"));
            Assert.Equal(deal.GetProperty("seq").GetInt64(), listed.Single(d => d.Id == id).Seq);
            var workload = await node.Grains.GetGrain<IManagerGrain>("d.orlov").GetWorkload();
            Assert.Equal(new WorkloadView("d.orlov", 1, 0, 1), workload);
        }
    }

    [Fact]
    public async Task Replaying_publications_changes_nothing_in_the_read_model()
    {
        var db = await TestDatabase.CreateAsync();
        await using var node = await TestNode.StartAsync(db);
        var client = await node.ClientAsync("a.ivanova");
        var id = await CreateDeal(client);
        var first = (await node.Grains.GetGrain<IDealGrain>(id).Get())!;
        await client.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["need"] = "MES" });
        var second = (await node.Grains.GetGrain<IDealGrain>(id).Get())!;
        var snapshot = await ReadModelSnapshot(node.ConnectionString, id);

        var projector = node.Services.GetRequiredService<DealProjector>();
        var journal = await node.Services.GetRequiredService<DealQueries>().GetJournalAsync(id, 0, 100);
        var activities = journal.Select(j => new SalesOrleans.Domain.Deals.DealActivity(j.Seq, j.At, j.Actor,
            Enum.Parse<SalesOrleans.Domain.Deals.ActivityKind>(j.Kind), j.Stage, "replayed " + j.Text, j.TaskId, j.Subject)).ToList();
        // The same publication twice, and an older snapshot after the newer one.
        await projector.PublishAsync(new DealPublication(second, activities, second.Tasks.Select(t => t.Id).ToList()));
        await projector.PublishAsync(new DealPublication(second, activities, second.Tasks.Select(t => t.Id).ToList()));
        await projector.PublishAsync(new DealPublication(first with { Title = "stale" }, activities, first.Tasks.Select(t => t.Id).ToList()));

        Assert.Equal(snapshot, await ReadModelSnapshot(node.ConnectionString, id));
    }

    [Fact]
    public async Task The_schema_migrates_idempotently_even_from_several_nodes_at_once()
    {
        var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SchemaMigrator.MigrateAsync(dataSource)));
        await SchemaMigrator.MigrateAsync(dataSource);

        await using var cmd = dataSource.CreateCommand("SELECT count(*), count(DISTINCT version) FROM schema_version");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var scripts = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.StartsWith("sql/"));
        Assert.Equal((scripts, scripts), ((int)r.GetInt64(0), (int)r.GetInt64(1)));
    }

    private static async Task<string> ReadModelSnapshot(string connectionString, Guid id)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var cmd = dataSource.CreateCommand("""
            SELECT (SELECT row_to_json(d)::text FROM (SELECT seq, title, stage, status, stuck_on, open_tasks FROM deal WHERE deal_id = $1) d)
                || (SELECT coalesce(json_agg(t ORDER BY t.task_id)::text, '') FROM (SELECT task_id, seq, status, executor FROM deal_task WHERE deal_id = $1) t)
                || (SELECT coalesce(json_agg(a ORDER BY a.seq)::text, '') FROM (SELECT seq, kind, text FROM deal_activity WHERE deal_id = $1) a)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
