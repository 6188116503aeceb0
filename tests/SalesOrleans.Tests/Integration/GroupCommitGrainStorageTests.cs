using SalesOrleans.Domain;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Infrastructure;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>The group-commit grain storage on a real PostgreSQL: many grains' writes share commits, none is lost, a stale writer is refused.</summary>
[Trait("Category", "Integration")]
public class GroupCommitGrainStorageTests
{
    public sealed class Counter
    {
        public int Value { get; set; }

        public string? Writer { get; set; }
    }

    private static HttpClient Pbx(TestNode node)
    {
        var http = new HttpClient { BaseAddress = node.Address };
        http.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);
        return http;
    }

    private static GrainId Id(string key) => GrainId.Create("call", key);

    private static async Task<(NpgsqlDataSource Db, GroupCommitGrainStorage Storage)> Open()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await SchemaMigrator.MigrateAsync(db);
        return (db, new GroupCommitGrainStorage("groupcommit", "test-service", db, NullLogger<GroupCommitGrainStorage>.Instance));
    }

    private static async Task<GrainState<Counter>> Read(GroupCommitGrainStorage storage, string key)
    {
        var state = new GrainState<Counter>(new Counter());
        await storage.ReadStateAsync("call", Id(key), state);
        return state;
    }

    [Fact]
    public async Task Concurrent_grains_writing_in_turns_lose_no_write_and_share_commits()
    {
        var (db, storage) = await Open();
        await using var _ = db;
        await using var __ = storage;
        const int grains = 200, writes = 5;

        await Task.WhenAll(Enumerable.Range(0, grains).Select(async g =>
        {
            // One grain writes in turns, as an activation does: each write after the previous one completed.
            var state = await Read(storage, $"c{g}");
            for (var i = 1; i <= writes; i++)
            {
                state.State!.Value = i;
                await storage.WriteStateAsync("call", Id($"c{g}"), state);
                Assert.Equal(i.ToString(), state.ETag);
            }
        }));

        for (var g = 0; g < grains; g++)
        {
            var back = await Read(storage, $"c{g}");
            Assert.True(back.RecordExists);
            Assert.Equal(writes, back.State!.Value);
            Assert.Equal(writes.ToString(), back.ETag);
        }

        await using var count = db.CreateCommand("SELECT count(*) FROM grain_state WHERE service_id = 'test-service' AND state_name = 'call'");
        Assert.Equal((long)grains, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_stale_writer_is_refused_and_its_batch_mates_still_commit()
    {
        var (db, storage) = await Open();
        await using var _ = db;
        await using var __ = storage;
        var first = await Read(storage, "shared");
        first.State!.Writer = "first";
        await storage.WriteStateAsync("call", Id("shared"), first);

        // Two activations that both read version 1 (a split-brain moment): one wins, the other is told, whatever the
        // order; a hundred other grains' writes race alongside in the same batches and all land.
        var a = await Read(storage, "shared");
        var b = await Read(storage, "shared");
        a.State!.Writer = "a";
        b.State!.Writer = "b";
        var others = Enumerable.Range(0, 100).Select(async i =>
        {
            var s = await Read(storage, $"o{i}");
            s.State!.Value = i;
            await storage.WriteStateAsync("call", Id($"o{i}"), s);
        }).ToList();
        var outcomes = await Task.WhenAll(new[] { a, b }.Select(async s =>
        {
            try
            {
                await storage.WriteStateAsync("call", Id("shared"), s);
                return s.State!.Writer;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));
        await Task.WhenAll(others);

        var winner = Assert.Single(outcomes, o => o is not null);
        var stored = await Read(storage, "shared");
        Assert.Equal(winner, stored.State!.Writer);
        Assert.Equal("2", stored.ETag);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, (await Read(storage, $"o{i}")).State!.Value);
        }
    }

    [Fact]
    public async Task Two_first_writes_of_one_grain_make_one_row()
    {
        var (db, storage) = await Open();
        await using var _ = db;
        await using var __ = storage;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            var s = new GrainState<Counter>(new Counter { Writer = $"w{i}" });
            try
            {
                await storage.WriteStateAsync("call", Id("fresh"), s);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));
        Assert.Single(outcomes, ok => ok);
        Assert.Equal("1", (await Read(storage, "fresh")).ETag);
    }

    [Fact]
    public async Task Clear_removes_the_row_only_at_the_version_read()
    {
        var (db, storage) = await Open();
        await using var _ = db;
        await using var __ = storage;
        var s = await Read(storage, "gone");
        await storage.WriteStateAsync("call", Id("gone"), s);
        var stale = await Read(storage, "gone");
        await storage.WriteStateAsync("call", Id("gone"), s);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("call", Id("gone"), stale));
        await storage.ClearStateAsync("call", Id("gone"), s);
        Assert.False((await Read(storage, "gone")).RecordExists);
    }

    [Fact]
    public async Task Grains_an_earlier_version_kept_in_Orleans_storage_are_read_from_there_and_moved_on_their_next_write()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var callId = $"up-{Guid.NewGuid():N}"[..16];
        const string caller = "+79165550101";
        object Event(string name, string id, double ts) => new { @event = name, call_id = id, caller, called = "+74952233211", ts };
        Guid contactId;
        await using (var node = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings())))
        {
            using var pbx = Pbx(node);
            (await pbx.PostAsJsonAsync("/api/telephony/calls", Event("incoming", callId, 1_700_000_000.0))).EnsureSuccessStatusCode();
            var call = node.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(callId));
            contactId = await Eventually(async () => (await call.Get())?.ContactId);
            await Eventually(async () => (await node.Grains.GetGrain<IContactGrain>(contactId).Get())?.OpenLeadId);
        }

        // The database as the earlier version left it: the lead path's grains in Orleans' table, none in grain_state.
        var rows = new List<(string State, string Key, byte[] Payload)>();
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            await using (var read = db.CreateCommand("SELECT state_name, grain_key, payload FROM grain_state"))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
                }
            }

            await using var clear = db.CreateCommand("DELETE FROM grain_state");
            await clear.ExecuteNonQueryAsync();
        }

        Assert.Contains(rows, r => r.State == "contact");
        Assert.Contains(rows, r => r.State == "lead");
        // Written to Orleans' table by its own storage provider, as the earlier version did; then the upgrade's schema
        // script runs (again) on the next start.
        await using (var node = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings())))
        {
            var legacy = node.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store);
            foreach (var (state, key, payload) in rows)
            {
                await legacy.WriteStateAsync(state, GrainId.Parse(key), new GrainState<System.Text.Json.JsonElement>(System.Text.Json.JsonDocument.Parse(payload).RootElement));
            }
        }

        await using (var db = NpgsqlDataSource.Create(connectionString))
        await using (var unapply = db.CreateCommand("DELETE FROM schema_version WHERE version = 11"))
        {
            Assert.Equal(1, await unapply.ExecuteNonQueryAsync());
        }

        await using (var node = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings())))
        {
            using var pbx = Pbx(node);
            // The PBX retries the "incoming" it sent before the upgrade: still a duplicate (the call came from Orleans' table).
            var retried = await pbx.PostAsJsonAsync("/api/telephony/calls", Event("incoming", callId, 1_700_000_000.0));
            Assert.Contains("\"duplicate\":true", await retried.Content.ReadAsStringAsync());
            // The same number calls again: the known contact (from Orleans' table) takes it, no second lead.
            var before = await node.Grains.GetGrain<IContactGrain>(contactId).Get();
            Assert.NotNull(before);
            var again = $"up-{Guid.NewGuid():N}"[..16];
            (await pbx.PostAsJsonAsync("/api/telephony/calls", Event("incoming", again, 1_700_000_100.0))).EnsureSuccessStatusCode();
            Assert.Equal(contactId, await Eventually(async () => (await node.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(again)).Get())?.ContactId));
            var after = await node.Grains.GetGrain<IContactGrain>(contactId).Get();
            Assert.Equal(before!.OpenLeadId, after!.OpenLeadId);
            Assert.Equal(before.Inquiries + 1, after.Inquiries);
            Assert.Equal(1L, await node.Services.GetRequiredService<LeadQueries>().CountAsync("lead"));

            // Written again, so now here.
            await using var db = NpgsqlDataSource.Create(connectionString);
            await using var moved = db.CreateCommand("SELECT count(*) FROM grain_state WHERE state_name = 'contact' AND grain_key = $1");
            moved.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rows.Single(r => r.State == "contact").Key });
            Assert.Equal(1L, (long)(await moved.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task A_call_whose_node_died_after_acknowledging_it_is_woken_by_the_sweep_and_makes_its_lead_and_call_back_task()
    {
        // What a node leaves when it dies right after acknowledging a missed call: the events stored, no inquiry made,
        // not settled; and nothing more will come from the PBX for this call.
        var callId = $"swept-{Guid.NewGuid():N}"[..20];
        var caller = $"+7916{Random.Shared.Next(0, 10_000_000):D7}";
        var (connectionString, node) = await SweepingNodeAfterDeadNode(new CallState
        {
            CallId = callId,
            Caller = caller,
            Called = "+74952233211",
            Events = [new("incoming", 1_700_000_000, null, null, null), new("no_answer", 1_700_000_030, null, null, null)],
        });
        await using var _ = node;
        await using var read = NpgsqlDataSource.Create(connectionString);
        // Only the read model is watched: asking the call grain would wake it without the sweep.
        await UntilTrue(read, "SELECT settled AND lead_id IS NOT NULL AND callback_for IS NOT NULL FROM call_log WHERE call_id = $1", callId);
        await using var leads = read.CreateCommand("SELECT count(*) FROM lead WHERE phone = $1");
        leads.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller });
        Assert.Equal(1L, (long)(await leads.ExecuteScalarAsync())!);
        // The mark clears with the write after the call log shows the settled call.
        await UntilTrue(read, "SELECT NOT work_due FROM grain_state WHERE grain_key = $1", $"call/{CallGrain.KeyOf(callId)}");
    }

    [Fact]
    public async Task A_call_stored_and_settled_whose_node_died_before_the_call_log_row_was_written_is_put_in_the_log_by_the_sweep()
    {
        // What a node leaves when it dies after storing (and acknowledging) a call but before projecting it: the state
        // settled, the call log without the call. Only the stored mark says the log is behind.
        var callId = $"lost-log-{Guid.NewGuid():N}"[..22];
        var (connectionString, node) = await SweepingNodeAfterDeadNode(new CallState
        {
            CallId = callId,
            Caller = "anonymous",
            Called = "+74952233211",
            Events = [new("incoming", 1_700_000_000, null, null, null), new("answered", 1_700_000_004, null, null, null), new("hangup", 1_700_000_064, "caller", 60_000, null)],
            InquiryDone = true,
            Settled = true,
            Outcome = "answered",
            LogDue = true,
        });
        await using var _ = node;
        await using var read = NpgsqlDataSource.Create(connectionString);
        await UntilTrue(read, "SELECT settled FROM call_log WHERE call_id = $1", callId);
        // And the mark is cleared, so the sweep leaves the call alone from now on.
        await UntilTrue(read, "SELECT NOT work_due FROM grain_state WHERE grain_key = $1", $"call/{CallGrain.KeyOf(callId)}");
    }

    [Fact]
    public async Task A_stock_item_whose_node_died_between_its_write_and_publishing_is_woken_by_the_sweep_and_reaches_the_read_model()
    {
        // What a node leaves when it dies right after storing (and acknowledging) a receipt: the movement in the stored
        // outbox, the read model without it; nothing will ask for this stock item again.
        var sku = $"SWEPT-{Random.Shared.Next(0, 1_000_000):D6}";
        var left = new SalesOrleans.Domain.Stock.StockItemState();
        new SalesOrleans.Domain.Stock.StockItem(left, sku, "main").Receive(new ReceiveStockCommand("B-1", 42, ReceiptId: "r-1"),
            new SalesOrleans.Domain.Actor("w.lager", ["warehouse"]), DateTimeOffset.UtcNow);
        Assert.Single(left.Outbox);
        var key = StockKeys.Of(sku, "main");
        var (connectionString, node) = await SweepingNodeAfterDeadNode("stockItem", GrainId.Create("stockitem", key), left);
        await using var _ = node;
        await using var read = NpgsqlDataSource.Create(connectionString);
        // Only the read model is watched: asking the stock item would wake it without the sweep.
        await UntilTrue(read, "SELECT on_hand = 42 FROM stock_item WHERE sku = $1", sku);
        // The write after the delivery drops the outbox and with it the mark: the sweep leaves the item alone from now on.
        await UntilTrue(read, "SELECT NOT work_due FROM grain_state WHERE grain_key = $1", $"stockitem/{key}");
        Assert.Equal(42m, (await node.Grains.GetGrain<IStockItemGrain>(key).Get())!.OnHand);
    }

    [Fact]
    public async Task A_deal_whose_publication_a_dead_node_never_made_is_woken_by_the_sweep_and_reaches_the_read_model()
    {
        // A node creates a deal (its events stored in the outbox, with the mark) and, as if it had died before
        // publishing, the read model never gets it; the node's own sweep is off so only the next node can repair it.
        var connectionString = await TestDatabase.CreateAsync();
        var settings = LeadNodeFixture.Settings();
        settings["Leads:CallSweepInterval"] = "01:00:00";
        var id = Guid.NewGuid();
        await using (var first = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(settings)))
        {
            using var seller = await first.ClientAsync("k.weber");
            var created = await seller.PostAsJsonAsync("/api/deals", new { id, processKind = "training-sales", title = "Swept deal", company = "Hansa Print", amount = 700 });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        await using var read = NpgsqlDataSource.Create(connectionString);
        foreach (var table in new[] { "deal_activity", "deal_task", "deal" })
        {
            await using var lose = read.CreateCommand($"DELETE FROM {table} WHERE deal_id = $1");
            lose.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await lose.ExecuteNonQueryAsync();
        }

        await UntilTrue(read, "SELECT work_due FROM grain_state WHERE grain_key = $1", $"deal/{id:N}");
        settings["Leads:CallSweepInterval"] = "00:00:00.500";
        settings["Leads:CallSweepQuiet"] = "00:00:01";
        await using var second = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(settings));
        await UntilTrue(read, "SELECT count(*) = 1 FROM deal WHERE deal_id = $1::uuid", id.ToString());
        await UntilTrue(read, "SELECT NOT work_due FROM grain_state WHERE grain_key = $1", $"deal/{id:N}");
    }

    [Fact]
    public async Task An_order_whose_publication_a_dead_node_never_made_is_woken_by_the_sweep_and_reaches_the_read_model()
    {
        // A node takes an order (its creation stored in the outbox, with the mark) and, as if it had died before
        // publishing, the read model never gets it; the node's own sweep is off so only the next node can repair it.
        var connectionString = await TestDatabase.CreateAsync();
        var settings = LeadNodeFixture.Settings();
        settings["Leads:CallSweepInterval"] = "01:00:00";
        var warehouse = $"sweep-{Guid.NewGuid():N}"[..14];
        var sku = $"SW-{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        Guid id;
        await using (var first = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(settings)))
        {
            using var keeper = await first.ClientAsync("w.lager");
            Assert.Equal(System.Net.HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = warehouse, name = "Lager Süd" })).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Created,
                (await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Dichtungssatz Größe 3", unit = "pcs", price = 12.5, kind = "Stocked" })).StatusCode);
            using var manager = await first.ClientAsync("i.petrov");
            var created = await manager.PostAsJsonAsync("/api/orders", new { customer = "ООО «Уралмаш»", warehouse, lines = new object[] { new { sku, quantity = 3 } } });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        }

        await using var read = NpgsqlDataSource.Create(connectionString);
        foreach (var table in new[] { "sales_order_activity", "order_replenishment", "sales_order" })
        {
            await using var lose = read.CreateCommand($"DELETE FROM {table} WHERE order_id = $1");
            lose.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await lose.ExecuteNonQueryAsync();
        }

        await UntilTrue(read, "SELECT work_due FROM grain_state WHERE grain_key = $1", $"order/{id:N}");
        settings["Leads:CallSweepInterval"] = "00:00:00.500";
        settings["Leads:CallSweepQuiet"] = "00:00:01";
        await using var second = await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(settings));
        // Only the read model is watched: asking the order grain would wake it without the sweep.
        await UntilTrue(read, "SELECT count(*) = 1 FROM sales_order WHERE order_id = $1::uuid AND customer = 'ООО «Уралмаш»'", id.ToString());
        await UntilTrue(read, "SELECT count(*) > 0 FROM sales_order_activity WHERE order_id = $1::uuid", id.ToString());
        await UntilTrue(read, "SELECT NOT work_due FROM grain_state WHERE grain_key = $1", $"order/{id:N}");
    }

    /// <summary>
    /// A fresh database holding <paramref name="left"/> as a dead node stored it (work due, nothing after it), then a
    /// node whose sweep looks every half second for grains quiet for a second.
    /// </summary>
    private static Task<(string ConnectionString, TestNode Node)> SweepingNodeAfterDeadNode(CallState left) =>
        SweepingNodeAfterDeadNode("call", GrainId.Create("call", CallGrain.KeyOf(left.CallId!)), left);

    private static async Task<(string ConnectionString, TestNode Node)> SweepingNodeAfterDeadNode<T>(string stateName, GrainId grain, T left) where T : IWorkDue
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            await SchemaMigrator.MigrateAsync(db);
            await using var storage = new GroupCommitGrainStorage("groupcommit", "salesorleans", db, NullLogger<GroupCommitGrainStorage>.Instance);
            Assert.True(left.WorkDue);
            await storage.WriteStateAsync(stateName, grain, new GrainState<T>(left));
        }

        var settings = LeadNodeFixture.Settings();
        settings["Leads:CallSweepInterval"] = "00:00:00.500";
        settings["Leads:CallSweepQuiet"] = "00:00:01";
        return (connectionString, await TestNode.StartAsync(connectionString, configure: b => b.Configuration.AddInMemoryCollection(settings)));
    }

    /// <summary>Waits until <paramref name="sql"/> (one text parameter) answers true.</summary>
    private static async Task UntilTrue(NpgsqlDataSource db, string sql, string parameter) =>
        Assert.True(await Eventually(async () =>
        {
            await using var cmd = db.CreateCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
            return await cmd.ExecuteScalarAsync() is true ? true : (bool?)null;
        }));

    private static Task<T> Eventually<T>(Func<Task<T?>> probe) where T : struct => Poll.Until(probe, "timed out", 20);
}
