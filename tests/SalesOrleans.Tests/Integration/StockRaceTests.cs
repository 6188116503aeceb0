using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.ReadModel;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Many orders reserve one SKU at once over the real API, then release and ship, while the node is restarted in the
/// middle. Every request is retried until it gets a definite answer (ids make retries safe), so the clients' own ledger
/// is exact; afterwards stock, reservations and the movement journal must agree with it to the unit.
/// </summary>
[Trait("Category", "Integration")]
public class StockRaceTests(ITestOutputHelper output)
{
    private const string Sku = "RACE-1";
    private const string Warehouse = "race";
    private const int Orders = 160;

    /// <summary>Unexpired stock: less than the demand left after every possible release, so the race must overflow.</summary>
    private const int Good = 600;

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The node requests go to, swapped during the restart; callers wait while there is none.</summary>
    private sealed class Cluster
    {
        private volatile Task<(TestNode Node, HttpClient Keeper, HttpClient Seller)> _current = null!;

        /// <summary>Who sends the "keeper" requests (the warehouse, or a supervisor for approvals).</summary>
        public string KeeperUser { get; set; } = "w.lager";

        public async Task<(TestNode, HttpClient, HttpClient)> Connect(TestNode node) =>
            (node, await node.ClientAsync(KeeperUser), await node.ClientAsync("i.petrov"));

        public async Task Start(string db) => _current = Task.FromResult(await Connect(await TestNode.StartAsync(db)));

        public async Task Reconnect() => _current = Task.FromResult(await Connect((await _current).Node));

        public Task<(TestNode Node, HttpClient Keeper, HttpClient Seller)> Current => _current;

        /// <summary>Requests that got no definite answer and were sent again.</summary>
        public int Retries;

        /// <summary>Stops the node while requests keep arriving (they fail and are retried), then starts a new one on the same database.</summary>
        public async Task Restart(string db)
        {
            var old = await _current;
            await old.Node.DisposeAsync();
            var next = new TaskCompletionSource<(TestNode, HttpClient, HttpClient)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _current = next.Task;
            next.SetResult(await Connect(await TestNode.StartAsync(db)));
        }

        /// <summary>Sends until a definite answer (2xx or 4xx): connection errors and 5xx during the restart are retried.</summary>
        public async Task<(HttpStatusCode Status, JsonElement Body)> Send(bool asKeeper, Func<HttpClient, Task<HttpResponseMessage>> request)
        {
            for (var attempt = 0; ; attempt++)
            {
                var (_, keeper, seller) = await _current;
                try
                {
                    using var response = await request(asKeeper ? keeper : seller);
                    if ((int)response.StatusCode < 500)
                    {
                        var text = await response.Content.ReadAsStringAsync();
                        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                }

                Interlocked.Increment(ref Retries);
                Assert.True(attempt < 600, "No definite answer within a minute.");
                // Back off before asking again, as a client would.
                await Task.Delay(100);
            }
        }
    }

    private sealed record Ledger(decimal Quantity, decimal Shipped, decimal Released)
    {
        public decimal Held => Quantity - Shipped - Released;
    }

    [Fact]
    public async Task Racing_reservations_releases_and_shipments_across_a_node_restart_keep_stock_reservations_and_journal_exact()
    {
        var db = await TestDatabase.CreateAsync();
        var cluster = new Cluster();
        await cluster.Start(db);
        var (_, keeper, _) = await cluster.Current;
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = Warehouse, name = "Race store" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = Sku, name = "Hot item", unit = "pcs", price = 9, kind = "Stocked" })).StatusCode);
        foreach (var (batch, quantity, expiry) in new[] { ("A", Good / 2, (DateOnly?)Today.AddDays(30)), ("B", Good / 2, null), ("X", 100, Today.AddDays(-1)) })
        {
            Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync($"/api/stock/{Sku}/receipts", new { warehouse = Warehouse, quantity, batch, expiry })).StatusCode);
        }

        var ledger = new ConcurrentDictionary<string, Ledger>();
        var refusals = 0;
        var reservesDone = 0;
        var random = new Random(1234);
        // Staggered starts, so the restart lands while some orders have not even begun.
        var plans = Enumerable.Range(0, Orders).Select(i => (Id: $"race-{i}", Quantity: random.Next(1, 13), Follow: i % 4, Delay: random.Next(0, 1500))).ToList();
        // Overflow is certain by construction, not by timing: full releases (Follow 2) and one-unit releases (Follow 1)
        // can give back at most this much, and what is left still exceeds the good stock.
        var demandAfterReleases = plans.Sum(p => p.Follow switch { 2 => 0, 1 when p.Quantity > 1 => p.Quantity - 1, _ => p.Quantity });
        Assert.True(demandAfterReleases > Good, $"Demand after releases {demandAfterReleases} must exceed the {Good} in stock.");


        async Task RunOrder((string Id, int Quantity, int Follow, int Delay) plan)
        {
            // The plan's staggered start (see above).
            await Task.Delay(plan.Delay);
            var (status, body) = await cluster.Send(false, c => c.PostAsJsonAsync($"/api/stock/{Sku}/reservations",
                new { warehouse = Warehouse, quantity = plan.Quantity, order = $"ORD-{plan.Id}", line = 1, reservationId = plan.Id }));
            Interlocked.Increment(ref reservesDone);
            if (status == HttpStatusCode.Conflict)
            {
                Assert.True(body.GetProperty("available").GetDecimal() < plan.Quantity);
                Interlocked.Increment(ref refusals);
                return;
            }

            Assert.Equal(HttpStatusCode.Created, status);
            ledger[plan.Id] = new Ledger(body.GetProperty("reservation").GetProperty("quantity").GetDecimal(), 0, 0);

            if (plan.Follow == 1 && plan.Quantity > 1)
            {
                (status, _) = await cluster.Send(false, c => c.PostAsJsonAsync($"/api/stock/{Sku}/reservations/{plan.Id}/releases",
                    new { warehouse = Warehouse, quantity = 1, operationId = $"rel-{plan.Id}" }));
                Assert.Equal(HttpStatusCode.OK, status);
                ledger[plan.Id] = ledger[plan.Id] with { Released = 1 };
            }

            if (plan.Follow is 0 or 1)
            {
                (status, body) = await cluster.Send(true, c => c.PostAsJsonAsync($"/api/stock/{Sku}/reservations/{plan.Id}/shipments",
                    new { warehouse = Warehouse, shipmentId = $"wb-{plan.Id}" }));
                Assert.Equal(HttpStatusCode.OK, status);
                ledger[plan.Id] = ledger[plan.Id] with { Shipped = body.GetProperty("reservation").GetProperty("shipped").GetDecimal() };
            }
            else if (plan.Follow == 2)
            {
                (status, _) = await cluster.Send(false, c => c.DeleteAsync($"/api/stock/{Sku}/reservations/{plan.Id}?warehouse={Warehouse}"));
                Assert.Equal(HttpStatusCode.OK, status);
                ledger[plan.Id] = ledger[plan.Id] with { Released = ledger[plan.Id].Quantity };
            }
        }

        var orders = Task.WhenAll(plans.Select(p => Task.Run(() => RunOrder(p))));
        // Restart once about a third of the orders have their reservation answered, with the rest in flight.
        while (Volatile.Read(ref reservesDone) < Orders / 3 && !orders.IsCompleted)
        {
            await Task.Delay(5);
        }

        var answeredBeforeRestart = Volatile.Read(ref reservesDone);
        await cluster.Restart(db);
        await orders;
        Assert.True(answeredBeforeRestart < Orders, "The restart came after all the reservations.");

        var (node, _, seller) = await cluster.Current;
        var shipped = ledger.Values.Sum(l => l.Shipped);
        var held = ledger.Values.Sum(l => l.Held);
        output.WriteLine($"{ledger.Count} reserved, {refusals} refused, {answeredBeforeRestart} answered before the restart, {cluster.Retries} retries; shipped {shipped}, held {held}");
        Assert.True(refusals > 0 && ledger.Count > 0, $"{refusals} refused, {ledger.Count} reserved: the race should both fill and overflow the stock.");

        // The stock item agrees with the clients' ledger to the unit; the expired batch was never touched.
        var overview = await Json(await seller.GetAsync($"/api/stock/{Sku}"));
        var item = overview.GetProperty("warehouses").EnumerateArray().Single();
        Assert.Equal(Good + 100 - shipped, item.GetProperty("onHand").GetDecimal());
        Assert.Equal(held, item.GetProperty("reserved").GetDecimal());
        Assert.Equal(Good - shipped - held, item.GetProperty("available").GetDecimal());
        Assert.Equal(100, item.GetProperty("expired").GetDecimal());
        Assert.All(item.GetProperty("batches").EnumerateArray(), b =>
        {
            Assert.InRange(b.GetProperty("reserved").GetDecimal(), 0, b.GetProperty("onHand").GetDecimal());
            Assert.True(b.GetProperty("batch").GetString() != "X" || b.GetProperty("reserved").GetDecimal() == 0);
        });

        // Every reservation agrees with the ledger, in the grain and in the read model.
        foreach (var (id, expected) in ledger)
        {
            var r = await Json(await seller.GetAsync($"/api/stock/{Sku}/reservations/{id}?warehouse={Warehouse}"));
            Assert.Equal((expected.Quantity, expected.Held, expected.Shipped, expected.Released),
                (r.GetProperty("quantity").GetDecimal(), r.GetProperty("reserved").GetDecimal(), r.GetProperty("shipped").GetDecimal(), r.GetProperty("released").GetDecimal()));
        }

        var seq = item.GetProperty("seq").GetInt64();
        var queries = node.Services.GetRequiredService<StockQueries>();
        IReadOnlyList<StockMovementEntry> journal = [];
        IReadOnlyList<StockReservationEntry> projected = [];
        for (var i = 0; i < 200; i++)
        {
            journal = await queries.MovementsAsync(Sku, Warehouse, 0, 100_000);
            projected = await queries.ReservationsAsync(null, Sku, false, 100_000);
            if (journal.Count == seq && projected.Sum(r => r.Held) == held)
            {
                break;
            }

            await Task.Delay(50);
        }

        // The journal: every seq once, and replaying it batch by batch never goes negative nor reserves more than on hand.
        Assert.Equal(Enumerable.Range(1, (int)seq).Select(i => (long)i), journal.Select(m => m.Seq));
        foreach (var batch in journal.GroupBy(m => m.Batch))
        {
            decimal onHand = 0, reserved = 0;
            foreach (var m in batch.OrderBy(m => m.Seq))
            {
                onHand += m.OnHandDelta;
                reserved += m.ReservedDelta;
                Assert.True(onHand >= 0 && reserved >= 0 && reserved <= onHand, $"Batch {batch.Key} at seq {m.Seq}: on hand {onHand}, reserved {reserved}.");
            }
        }

        Assert.Equal(Good + 100 - shipped, journal.Sum(m => m.OnHandDelta));
        Assert.Equal(held, journal.Sum(m => m.ReservedDelta));
        Assert.DoesNotContain(journal, m => m.Batch == "X" && m.Kind != "Receipt");
        Assert.Equal(ledger.Values.Sum(l => l.Quantity), journal.Where(m => m.Kind == "Reservation").Sum(m => m.ReservedDelta));
        Assert.Equal(shipped, -journal.Where(m => m.Kind == "Shipment").Sum(m => m.OnHandDelta));

        Assert.Equal(ledger.Keys.Order(), projected.Select(r => r.ReservationId).Order());
        Assert.All(projected, r => Assert.Equal((ledger[r.ReservationId].Held, ledger[r.ReservationId].Shipped), (r.Held, r.Shipped)));

        await node.DisposeAsync();
    }

    [Fact]
    public async Task Orders_approved_in_a_race_across_a_node_restart_split_each_line_between_stock_and_production_exactly()
    {
        const string sku = "RACE-M";
        const int orders = 40;
        var db = await TestDatabase.CreateAsync();
        var cluster = new Cluster();
        await cluster.Start(db);
        var (_, keeper, _) = await cluster.Current;
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Press", unit = "pcs", price = 100, kind = "Manufactured", leadTimeDays = 20 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse = "main", quantity = 150, batch = "M-1" })).StatusCode);

        var random = new Random(99);
        var plans = Enumerable.Range(0, orders).Select(_ => (Id: Guid.NewGuid(), Quantity: random.Next(1, 11), Delay: random.Next(0, 2000))).ToList();
        var approvedAnswers = 0;

        async Task RunOrder((Guid Id, int Quantity, int Delay) plan)
        {
            // The plan's staggered start (see above).
            await Task.Delay(plan.Delay);
            var (status, _) = await cluster.Send(false, c => c.PostAsJsonAsync("/api/orders",
                new { id = plan.Id, customer = $"Customer {plan.Id:N}", warehouse = "main", lines = new[] { new { sku, quantity = plan.Quantity } } }));
            Assert.Equal(HttpStatusCode.Created, status);
            // A retried step may find it done already: 409 says the order has moved on.
            (status, _) = await cluster.Send(false, c => c.PostAsync($"/api/orders/{plan.Id}/submit", null));
            Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            (status, _) = await cluster.Send(true, c => c.PostAsJsonAsync($"/api/orders/{plan.Id}/approve", new { }));
            Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            Interlocked.Increment(ref approvedAnswers);
        }

        // The supervisor approves: the keeper's client in Cluster.Send is swapped for a supervisor here.
        cluster.KeeperUser = "s.volkov";
        await cluster.Reconnect();
        var all = Task.WhenAll(plans.Select(p => Task.Run(() => RunOrder(p))));
        while (Volatile.Read(ref approvedAnswers) < orders / 3 && !all.IsCompleted)
        {
            await Task.Delay(5);
        }

        var approvedBeforeRestart = Volatile.Read(ref approvedAnswers);
        await cluster.Restart(db);
        await all;
        Assert.True(approvedBeforeRestart < orders, "The restart came after all the approvals.");

        var (node, _, seller) = await cluster.Current;
        var views = new List<JsonElement>();
        foreach (var (id, _, _) in plans)
        {
            JsonElement order = default;
            for (var i = 0; i < 100; i++)
            {
                // Reading an order carries out stock actions a restart left pending.
                order = await Json(await seller.GetAsync($"/api/orders/{id}"));
                if (order.GetProperty("status").GetString() == "Approved")
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.Equal("Approved", order.GetProperty("status").GetString());
            views.Add(order);
        }

        var lines = views.Select(v => v.GetProperty("lines")[0]).ToList();
        Assert.All(lines, l => Assert.Equal(l.GetProperty("quantity").GetDecimal(), l.GetProperty("fromStock").GetDecimal() + l.GetProperty("toProduce").GetDecimal()));
        Assert.All(lines, l => Assert.Equal(l.GetProperty("fromStock").GetDecimal(), l.GetProperty("reserved").GetDecimal()));
        var fromStock = lines.Sum(l => l.GetProperty("fromStock").GetDecimal());
        var item = (await Json(await seller.GetAsync($"/api/stock/{sku}"))).GetProperty("warehouses").EnumerateArray().Single();
        Assert.Equal((150m, fromStock, 150m - fromStock), (item.GetProperty("onHand").GetDecimal(), item.GetProperty("reserved").GetDecimal(), item.GetProperty("available").GetDecimal()));
        // Nothing went to production while stock was still free: a short line took all there was.
        Assert.True(item.GetProperty("available").GetDecimal() == 0 || lines.All(l => l.GetProperty("toProduce").GetDecimal() == 0));
        Assert.Equal(orders, item.GetProperty("openReservations").GetInt32() + lines.Count(l => l.GetProperty("fromStock").GetDecimal() == 0));
        output.WriteLine($"{fromStock} of 150 reserved for {orders} orders wanting {plans.Sum(p => p.Quantity)}; {approvedBeforeRestart} approved before the restart, {cluster.Retries} retries");

        await node.DisposeAsync();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
