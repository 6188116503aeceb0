using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Storage;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// The stock read model written in the state's commit (issue 12, fourth round): whatever a caller was told is already
/// in the read model when it is told — so a node dying after any reply loses no row — and a stale writer's rows never apply.
/// </summary>
[Trait("Category", "Integration")]
public class StockRowsInCommitTests
{
    private const string Warehouse = "rows";
    private static readonly ActorInfo Keeper = new("w.lager", [Roles.Warehouse]);

    private static async Task<StockQueries> Stocked(TestNode node, string sku, decimal quantity)
    {
        var catalog = node.Services.GetRequiredService<CatalogStore>();
        await catalog.InsertWarehouseAsync(new WarehouseDefinition(Warehouse, "Rows in commit"), "test");
        await catalog.InsertSkusAsync([new SkuDefinition(sku, sku, "pcs", 1, "EUR", SkuKind.Stocked, 0)], "test");
        var received = await node.Grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku, Warehouse)).Receive(new ReceiveStockCommand("B1", quantity, ReceiptId: "r-1"), Keeper);
        Assert.True(received.Ok, received.Error?.Message);
        return node.Services.GetRequiredService<StockQueries>();
    }

    [Fact]
    public async Task Every_reply_of_a_burst_finds_its_rows_already_written_and_afterwards_the_read_model_equals_the_state()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync());
        const string Sku = "ROWS-1";
        var queries = await Stocked(node, Sku, 500);
        var item = node.Grains.GetGrain<IStockItemGrain>(StockKeys.Of(Sku, Warehouse));
        var missing = new ConcurrentBag<string>();

        // 300 racing commands, some refused (500 on hand, 600 asked for), a third released again.
        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var reserved = await item.Reserve(new ReserveStockCommand($"r{i}", 2, $"ORD-{i}"), Keeper);
            if (!reserved.Ok)
            {
                return;
            }

            if (i % 3 == 0)
            {
                Assert.True((await item.Release(new ReleaseStockCommand($"r{i}", OperationId: $"rel-{i}"), Keeper)).Ok);
            }

            // Answered, so durable — and with it its row: no waiting for a projection.
            var row = (await queries.ReservationsAsync($"ORD-{i}", Sku, false, 10)).SingleOrDefault();
            if (row is null || row.Quantity != 2)
            {
                missing.Add($"r{i}");
            }
        }));

        Assert.Empty(missing);
        var state = (await item.Get())!;
        var listed = (await queries.ListAsync(Warehouse, Sku, null, false, 10, 0)).Single();
        Assert.Equal((state.OnHand, state.Reserved, state.Seq), (listed.OnHand, listed.Reserved, listed.Seq));
        var journal = await queries.MovementsAsync(Sku, Warehouse, 0, 10_000);
        Assert.Equal(Enumerable.Range(1, (int)state.Seq).Select(i => (long)i), journal.Select(m => m.Seq));
        Assert.Equal((state.OnHand, state.Reserved), (journal.Sum(m => m.OnHandDelta), journal.Sum(m => m.ReservedDelta)));
        var reservations = await queries.ReservationsAsync(null, Sku, false, 10_000);
        foreach (var r in reservations)
        {
            var held = (await item.GetReservation(r.ReservationId))!;
            Assert.Equal((held.Reserved, held.Released, held.Status), (r.Held, r.Released, r.Status));
        }

        Assert.Equal(state.Reserved, reservations.Sum(r => r.Held));
        // Nothing is owed after a write: no stock item is marked for the follow-up sweep.
        await using var due = node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT count(*) FROM grain_state WHERE state_name = 'stockItem' AND work_due");
        Assert.Equal(0L, (long)(await due.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_stale_writers_state_is_refused_and_none_of_its_rows_apply()
    {
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await SchemaMigrator.MigrateAsync(db);
        await using var storage = new GroupCommitGrainStorage("groupcommit", "test-service", db, NullLogger<GroupCommitGrainStorage>.Instance,
            projections: [new StockRowsInCommit()]);
        var id = GrainId.Create("stockitem", StockKeys.Of("STALE-1", Warehouse));
        var at = DateTimeOffset.UtcNow;

        // The live activation receives (seq 1), a second activation reads that, the live one reserves (seq 2).
        var live = new GrainState<StockItemState>(new StockItemState());
        var item = new StockItem(live.State!, "STALE-1", Warehouse);
        item.Receive(new ReceiveStockCommand("B1", 10, ReceiptId: "rc"), new Actor("w.lager", [Roles.Warehouse]), at);
        await storage.WriteStateAsync(StockRowsInCommit.State, id, live);
        var stale = new GrainState<StockItemState>(new StockItemState());
        await storage.ReadStateAsync(StockRowsInCommit.State, id, stale);
        live.State!.Outbox.Clear();
        item.Reserve(new ReserveStockCommand("live", 3, "ORD-LIVE"), new Actor("w.lager", [Roles.Warehouse]), at);
        await storage.WriteStateAsync(StockRowsInCommit.State, id, live);

        // The stale one makes two changes (seq 2 and 3, past the live seq) and writes: refused, and its rows with it.
        var staleItem = new StockItem(stale.State!, "STALE-1", Warehouse);
        stale.State!.Outbox.Clear();
        staleItem.Reserve(new ReserveStockCommand("stale", 4, "ORD-STALE"), new Actor("w.lager", [Roles.Warehouse]), at);
        staleItem.Release(new ReleaseStockCommand("stale", 1, "op-1"), new Actor("w.lager", [Roles.Warehouse]), at);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StockRowsInCommit.State, id, stale));

        var queries = new StockQueries(db);
        await using (var row = db.CreateCommand("SELECT seq, on_hand, reserved FROM stock_item WHERE sku = 'STALE-1'"))
        await using (var r = await row.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal((2L, 10m, 3m), (r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2)));
        }

        Assert.Equal([1L, 2L], (await queries.MovementsAsync("STALE-1", Warehouse, 0, 100)).Select(m => m.Seq));
        Assert.Equal(["live"], (await queries.ReservationsAsync(null, "STALE-1", false, 100)).Select(r => r.ReservationId));
    }
}
