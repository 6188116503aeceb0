using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record CreateSkuRequest(
    string? Code,
    string? Name,
    string? Unit,
    decimal? Price,
    string? Currency,
    SkuKind? Kind,
    int? LeadTimeDays,
    string? Ean,
    string? Supplier);

public sealed record CreateWarehouseRequest(string? Id, string? Name, string? Address);

public sealed record ReserveForRequest(string? ReservationId, string? Order, int? Line, decimal? Quantity);

public sealed record ReceiptRequest(
    string? Warehouse,
    decimal? Quantity,
    string? Batch,
    DateOnly? Expiry,
    DateTimeOffset? ReceivedAt,
    string? ReceiptId,
    string? Source,
    ReserveForRequest? ReserveFor);

public sealed record ReservationRequest(string? Warehouse, decimal? Quantity, string? Order, int? Line, string? ReservationId, bool? AllowPartial);

public sealed record ReleaseRequest(string? Warehouse, decimal? Quantity, string? OperationId, string? Reason);

public sealed record ShipmentRequest(string? Warehouse, decimal? Quantity, string? ShipmentId);

public sealed record AdjustmentRequest(string? Warehouse, string? Batch, decimal? Counted, decimal? Delta, string? Reason, string? AdjustmentId, DateOnly? Expiry);

/// <summary>What a SKU's stock promises: on hand, reserved and free now, and what comes in when.</summary>
public sealed record AvailableToPromise(string Sku, string Name, string Unit, decimal OnHand, decimal Reserved, decimal Available,
    IEnumerable<WarehouseAvailability> Warehouses, IReadOnlyList<IncomingEntry> Incoming, decimal IncomingTotal);

/// <summary>One warehouse's part of <see cref="AvailableToPromise"/>.</summary>
public sealed record WarehouseAvailability(string Warehouse, decimal OnHand, decimal Reserved, decimal Available);

/// <summary>
/// Catalog (SKUs, warehouses) and stock. Commands go through <see cref="IStockService"/> to the stock item grains;
/// lists and the movement journal come from the read model. In stock routes {sku} is a SKU code or its EAN-13, so a
/// scanned barcode works wherever a code does. Orders (<see cref="OrderEndpoints"/>) and imports (<see cref="ImportEndpoints"/>) map their own routes.
/// </summary>
public static class StockEndpoints
{
    public static void MapStockEndpoints(this IEndpointRouteBuilder app)
    {
        var catalog = app.MapGroup("/api/catalog").WithTags("Catalog");
        catalog.MapGet("/skus", ListSkus).Requires(Capability.StockRead);
        catalog.MapGet("/skus/{code}", GetSku).Requires(Capability.StockRead);
        catalog.MapPost("/skus", CreateSku).Requires(Capability.CatalogChange);
        catalog.MapGet("/warehouses", ListWarehouses).Requires(Capability.StockRead);
        catalog.MapPost("/warehouses", CreateWarehouse).Requires(Capability.CatalogChange);

        var stock = app.MapGroup("/api/stock").WithTags("Stock");
        stock.MapGet("/", ListStock).Requires(Capability.StockRead);
        stock.MapGet("/{sku}", GetStock).Requires(Capability.StockRead);
        // Available-to-promise: what is on hand, reserved and free now, and what production and suppliers bring in when
        // (each of those is already promised to the order line waiting for it).
        stock.MapGet("/{sku}/available-to-promise", GetAvailableToPromise).Requires(Capability.StockRead);
        stock.MapGet("/{sku}/movements", ListMovements).Requires(Capability.StockRead);
        stock.MapPost("/{sku}/receipts", Receive).Requires(Capability.StockReceive);
        stock.MapPost("/{sku}/reservations", Reserve).Requires(Capability.ReservationCreate);
        stock.MapGet("/{sku}/reservations/{id}", GetReservation).Requires(Capability.ReservationRead, Resource.Reservation());
        // Releases everything the reservation still holds; repeating it changes nothing.
        stock.MapDelete("/{sku}/reservations/{id}", ReleaseReservation).Requires(Capability.ReservationRelease, Resource.Reservation());
        stock.MapPost("/{sku}/reservations/{id}/releases", Release).Requires(Capability.ReservationRelease, Resource.Reservation());
        stock.MapPost("/{sku}/reservations/{id}/shipments", Ship).Requires(Capability.StockShip, Resource.Reservation());
        stock.MapPost("/{sku}/adjustments", Adjust).Requires(Capability.StockAdjust);

        app.MapGet("/api/reservations", ListReservations).Requires(Capability.ReservationRead).WithTags("Stock");
    }

    /// <summary>What the reservation handlers are given: the caller, stock, and what decides which orders they reach.</summary>
    public readonly record struct ReservationServices(ClaimsPrincipal User, IStockService Stock, StockQueries Queries, AccessPolicy Access, AccessGuard Guard,
        ResourceResolvers Resources, CancellationToken Ct);

    /// <summary>Short of "all", only reservations of orders within the user's reach (and those held for no order of ours).</summary>
    private static async Task<Ok<IReadOnlyList<StockReservationEntry>>> ListReservations(string? order, string? sku, bool? open, int? limit,
        [AsParameters] ReservationServices s)
    {
        var items = await s.Queries.ReservationsAsync(string.IsNullOrWhiteSpace(order) ? null : order.Trim(), sku is null ? null : Catalog.NormalizeSkuCode(sku),
            open ?? false, limit ?? 1000, s.Ct);
        var scope = await s.Access.ScopeAsync(s.User, Capability.ReservationRead, s.Ct);
        if (scope == AccessScope.All)
        {
            return TypedResults.Ok(items);
        }

        var subject = AccessPolicy.SubjectOf(s.User);
        var reach = new Dictionary<string, bool>();
        foreach (var reference in items.Select(i => i.Order).Distinct())
        {
            reach[reference] = AccessMatrix.Reaches(scope, subject, await s.Resources.ReservationOrderAsync(reference));
        }

        return TypedResults.Ok<IReadOnlyList<StockReservationEntry>>(items.Where(i => reach[i.Order]).ToList());
    }

    private static async Task<Ok<IReadOnlyList<SkuDefinition>>> ListSkus(string? search, SkuKind? kind, int? limit, int? offset, CatalogStore store,
        CancellationToken ct) =>
        TypedResults.Ok(await store.ListSkusAsync(search, kind, limit ?? 200, offset ?? 0, ct));

    private static async Task<Results<Ok<SkuDefinition>, ProblemHttpResult>> GetSku(string code, IStockService stock) =>
        await stock.FindSkuAsync(code) is { } sku ? TypedResults.Ok(sku) : Problems.NotFound($"Unknown SKU '{code}'.");

    private static async Task<Results<Created<SkuDefinition>, Ok<SkuDefinition>, ProblemHttpResult>> CreateSku(CreateSkuRequest body, ClaimsPrincipal user,
        ICatalogService service, CancellationToken ct)
    {
        if (body.Kind is null)
        {
            return Problems.Invalid("kind", "'kind' is required: Stocked, Manufactured or Purchased.");
        }

        var draft = new SkuDefinition(body.Code ?? "", body.Name ?? "", body.Unit ?? "", body.Price ?? 0, body.Currency ?? "",
            body.Kind.Value, body.LeadTimeDays ?? 0, body.Ean, body.Supplier);
        var result = await service.CreateSkuAsync(draft, user.Actor(), ct);
        return !result.Ok ? Problems.From(result.Error!)
            : result.Created ? TypedResults.Created($"/api/catalog/skus/{result.Entry!.Code}", result.Entry)
            : TypedResults.Ok(result.Entry);
    }

    private static async Task<Ok<IReadOnlyList<WarehouseDefinition>>> ListWarehouses(IStockCatalog stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.ListWarehousesAsync(ct));

    private static async Task<Results<Created<WarehouseDefinition>, Ok<WarehouseDefinition>, ProblemHttpResult>> CreateWarehouse(CreateWarehouseRequest body,
        ClaimsPrincipal user, ICatalogService service, CancellationToken ct)
    {
        var result = await service.CreateWarehouseAsync(new WarehouseDefinition(body.Id ?? "", body.Name ?? "", body.Address), user.Actor(), ct);
        return !result.Ok ? Problems.From(result.Error!)
            : result.Created ? TypedResults.Created($"/api/catalog/warehouses/{result.Entry!.Id}", result.Entry)
            : TypedResults.Ok(result.Entry);
    }

    private static async Task<Ok<IReadOnlyList<StockListItem>>> ListStock(string? warehouse, string? sku, string? search, bool? available, int? limit, int? offset,
        StockQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(warehouse is null ? null : Catalog.NormalizeWarehouseId(warehouse), sku is null ? null : Catalog.NormalizeSkuCode(sku),
            search, available ?? false, limit ?? 500, offset ?? 0, ct));

    private static async Task<Results<Ok<StockOverview>, ProblemHttpResult>> GetStock(string sku, IStockService service) =>
        await service.GetAsync(sku) is { } overview ? TypedResults.Ok(overview) : Problems.NotFound($"Unknown SKU '{sku}'.");

    private static async Task<Results<Ok<AvailableToPromise>, ProblemHttpResult>> GetAvailableToPromise(string sku, IStockService service, OrderQueries orders,
        CancellationToken ct)
    {
        if (await service.GetAsync(sku) is not { } overview)
        {
            return Problems.NotFound($"Unknown SKU '{sku}'.");
        }

        var incoming = await orders.IncomingAsync(overview.Sku, ct);
        return TypedResults.Ok(new AvailableToPromise(
            overview.Sku,
            overview.Name,
            overview.Unit,
            overview.OnHand,
            overview.Reserved,
            overview.Available,
            overview.Warehouses.Select(w => new WarehouseAvailability(w.Warehouse, w.OnHand, w.Reserved, w.Available)),
            incoming,
            incoming.Sum(i => i.Quantity)));
    }

    private static async Task<Results<Ok<IReadOnlyList<StockMovementEntry>>, ProblemHttpResult>> ListMovements(string sku, string? warehouse, long? afterSeq,
        int? limit, IStockService service, StockQueries queries, CancellationToken ct) =>
        await service.FindSkuAsync(sku) is { } found
            ? TypedResults.Ok(await queries.MovementsAsync(found.Code, warehouse is null ? null : Catalog.NormalizeWarehouseId(warehouse), afterSeq ?? 0, limit ?? 1000, ct))
            : Problems.NotFound($"Unknown SKU '{sku}'.");

    private static async Task<Results<Created<StockResult>, ProblemHttpResult>> Receive(string sku, ReceiptRequest body, ClaimsPrincipal user, IStockService service)
    {
        var reserveFor = body.ReserveFor is { } r ? new ReserveReceiptFor(r.ReservationId ?? "", r.Order ?? "", r.Line, r.Quantity ?? 0) : null;
        var command = new ReceiveStockCommand(body.Batch ?? "", body.Quantity ?? 0, body.Expiry, body.ReceivedAt, body.ReceiptId, body.Source, reserveFor);
        var result = await service.ReceiveAsync(sku, body.Warehouse, command, user.Actor());
        return result.Ok ? TypedResults.Created($"/api/stock/{result.Item!.Sku}", result) : Problems.From(result.Error!);
    }

    private static async Task<Results<Created<StockResult>, ProblemHttpResult>> Reserve(string sku, ReservationRequest body, [AsParameters] ReservationServices s)
    {
        // Holding stock for one of our orders needs that order within reach.
        if (body.Order is { Length: > 0 } order && await s.Resources.OrderAsync(order) is not null
            && await s.Guard.DenyAsync(s.User, Capability.ReservationCreate, ResourceKind.Order, order, s.Ct) is { } denied)
        {
            return denied;
        }

        // A client may choose the id, which makes a retried reservation idempotent.
        var id = string.IsNullOrWhiteSpace(body.ReservationId) ? Guid.NewGuid().ToString("N") : body.ReservationId;
        var command = new ReserveStockCommand(id, body.Quantity ?? 0, body.Order ?? "", body.Line, body.AllowPartial ?? false);
        var result = await s.Stock.ReserveAsync(sku, body.Warehouse, command, s.User.Actor());
        if (!result.Ok)
        {
            return Problems.From(result.Error!);
        }

        if (result.Reservation is not { } reservation)
        {
            return Problems.From(new CommandError(RejectionCode.Insufficient, $"Nothing of {result.Item!.Sku} available in {result.Item.Warehouse}.", "quantity", [], 0, command.Quantity));
        }

        return TypedResults.Created($"/api/stock/{reservation.Sku}/reservations/{reservation.Id}?warehouse={reservation.Warehouse}", result);
    }

    private static async Task<Results<Ok<StockReservationView>, ProblemHttpResult>> GetReservation(string sku, string id, string? warehouse, IStockService service)
    {
        var (reservation, error) = await service.GetReservationAsync(sku, warehouse, id);
        return error is null ? TypedResults.Ok(reservation) : Problems.From(error);
    }

    private static Task<Results<Ok<StockResult>, ProblemHttpResult>> ReleaseReservation(string sku, string id, string? warehouse, string? reason,
        ClaimsPrincipal user, IStockService service) =>
        Reply(service.ReleaseAsync(sku, warehouse, new ReleaseStockCommand(id, null, null, reason), user.Actor()));

    private static Task<Results<Ok<StockResult>, ProblemHttpResult>> Release(string sku, string id, ReleaseRequest body, ClaimsPrincipal user, IStockService service) =>
        Reply(service.ReleaseAsync(sku, body.Warehouse, new ReleaseStockCommand(id, body.Quantity, body.OperationId, body.Reason), user.Actor()));

    private static Task<Results<Ok<StockResult>, ProblemHttpResult>> Ship(string sku, string id, ShipmentRequest? body, string? warehouse, ClaimsPrincipal user,
        IStockService service) =>
        Reply(service.ShipAsync(sku, body?.Warehouse ?? warehouse, new ShipStockCommand(id, body?.Quantity, body?.ShipmentId), user.Actor()));

    private static Task<Results<Ok<StockResult>, ProblemHttpResult>> Adjust(string sku, AdjustmentRequest body, ClaimsPrincipal user, IStockService service) =>
        Reply(service.AdjustAsync(sku, body.Warehouse,
            new AdjustStockCommand(body.Batch ?? "", body.Counted, body.Delta, body.Reason ?? "", body.AdjustmentId, body.Expiry), user.Actor()));

    private static async Task<Results<Ok<StockResult>, ProblemHttpResult>> Reply(Task<StockResult> command)
    {
        var result = await command;
        return result.Ok ? TypedResults.Ok(result) : Problems.From(result.Error!);
    }
}
