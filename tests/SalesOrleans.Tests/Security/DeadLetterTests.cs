using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// A publication the read model refuses for good is set aside as a dead letter: later events (of other deals and of
/// the same deal) still project, ops see it and retry it once the cause is fixed. Before, the deal's projection
/// retried forever and its board row and journal froze.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeadLetterTests
{
    [Fact]
    public async Task A_refused_publication_goes_to_the_dead_letters_later_events_project_and_a_retry_after_the_fix_lands_it()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync());
        await using var db = NpgsqlDataSource.Create(node.ConnectionString);
        // The database refuses one deal's row: a constraint stands for any value a column cannot hold.
        await Execute(db, "ALTER TABLE deal ADD CONSTRAINT test_poison CHECK (title <> 'Poison pill')");

        var manager = await node.ClientAsync("k.weber");
        var admin = await node.ClientAsync("admin");
        var poisoned = await Create(manager, "Poison pill");
        var healthy = await Create(manager, "Healthy deal");

        // The other deal projects; the refused one is listed for ops.
        await Eventually(async () => await Count(db, $"SELECT count(*) FROM deal WHERE deal_id = '{healthy}'") == 1);
        JsonElement letter = default;
        await Eventually(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/api/ops/dead-letters");
            letter = list.EnumerateArray().FirstOrDefault(l => l.GetProperty("key").GetString() == $"deal:{poisoned}");
            return letter.ValueKind == JsonValueKind.Object;
        });
        Assert.Equal("23514", letter.GetProperty("sqlState").GetString());
        Assert.Contains("Poison pill", letter.GetProperty("payload").GetString());
        Assert.Equal(0, await Count(db, $"SELECT count(*) FROM deal WHERE deal_id = '{poisoned}'"));

        // Later events of the poisoned deal itself are not held up either: its note reaches the journal.
        (await manager.PostAsJsonAsync($"/api/deals/{poisoned}/notes", new { text = "Rückruf vereinbart" })).EnsureSuccessStatusCode();
        await Eventually(async () => await Count(db, $"SELECT count(*) FROM dead_letter WHERE item_key = 'deal:{poisoned}'") >= 2
            || await Count(db, $"SELECT count(*) FROM deal_activity WHERE deal_id = '{poisoned}' AND text = 'Rückruf vereinbart'") == 1);

        // Ops only, and a retry while the cause is still there fails again and keeps the letter.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/ops/dead-letters")).StatusCode);
        var id = letter.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/ops/dead-letters/{id}/retry", null)).StatusCode);

        // The fix, then the retry lands the row.
        await Execute(db, "ALTER TABLE deal DROP CONSTRAINT test_poison");
        var retried = await admin.PostAsync($"/api/ops/dead-letters/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, await Count(db, $"SELECT count(*) FROM deal WHERE deal_id = '{poisoned}'"));
        var open = await admin.GetFromJsonAsync<JsonElement>("/api/ops/dead-letters");
        Assert.DoesNotContain(open.EnumerateArray(), l => l.GetProperty("id").GetInt64() == id);
    }

    private static async Task<Guid> Create(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title, company = "Hansa Print", amount = 4800 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task Execute(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> Count(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static Task Eventually(Func<Task<bool>> condition) => Poll.Until(condition, "condition not met within 20 s", 20);
}
