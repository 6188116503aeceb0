using System.Security.Claims;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Import;
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

/// <summary>
/// Catalog (SKUs, warehouses), stock, and (through <see cref="OrderEndpoints"/>) customer orders. Commands go through <see cref="StockService"/> to the stock item grains;
/// lists and the movement journal come from the read model. In stock routes {sku} is a SKU code or its EAN-13, so a
/// scanned barcode works wherever a code does.
/// </summary>
public static class StockEndpoints
{
    /// <summary>Largest import upload (a CSV or XLSX of SKUs, stock or open orders).</summary>
    private const long MaxImportBytes = 64 * 1024 * 1024;

    public static void MapStockEndpoints(this IEndpointRouteBuilder app)
    {
        MapCatalog(app.MapGroup("/api/catalog").WithTags("Catalog"));
        MapStock(app.MapGroup("/api/stock").WithTags("Stock"));
        // Orders allocate stock and proposals list catalog items: mapped here, so the web setup has one line for all.
        app.MapOrderEndpoints();
        app.MapProposalEndpoints();

        var import = app.MapGroup("/api/import").WithTags("Import").WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxImportBytes));
        import.MapPost("/skus", (HttpRequest request, ClaimsPrincipal user, CatalogImport importer, CancellationToken ct) =>
            Import(request, (file, name) => importer.ImportSkusAsync(file, name, user.Actor(), ct), ct)).Requires(Capability.ImportCatalog);
        import.MapPost("/stock", (HttpRequest request, ClaimsPrincipal user, CatalogImport importer, CancellationToken ct) =>
            Import(request, (file, name) => importer.ImportStockAsync(file, name, user.Actor(), ct), ct)).Requires(Capability.ImportCatalog);
        import.MapPost("/orders", (HttpRequest request, ClaimsPrincipal user, CatalogImport importer, CancellationToken ct) =>
            Import(request, (file, name) => importer.ImportOrdersAsync(file, name, user.Actor(), ct), ct)).Requires(Capability.ImportOrders);

        app.MapGet("/api/reservations", ListReservations).Requires(Capability.ReservationRead).WithTags("Stock");
    }

    /// <summary>Short of "all", only reservations of orders within the user's reach (and those held for no order of ours).</summary>
    private static async Task<IReadOnlyList<StockReservationEntry>> ListReservations(string? order, string? sku, bool? open, int? limit, ClaimsPrincipal user,
        StockQueries queries, AccessPolicy access, ResourceResolvers resources, CancellationToken ct)
    {
        var items = await queries.ReservationsAsync(string.IsNullOrWhiteSpace(order) ? null : order.Trim(), sku is null ? null : Catalog.NormalizeSkuCode(sku),
            open ?? false, limit ?? 1000, ct);
        var scope = await access.ScopeAsync(user, Capability.ReservationRead, ct);
        if (scope == AccessScope.All)
        {
            return items;
        }

        var subject = AccessPolicy.SubjectOf(user);
        var reach = new Dictionary<string, bool>();
        foreach (var reference in items.Select(i => i.Order).Distinct())
        {
            reach[reference] = AccessMatrix.Reaches(scope, subject, await resources.ReservationOrderAsync(reference));
        }

        return items.Where(i => reach[i.Order]).ToList();
    }

    private static void MapCatalog(RouteGroupBuilder catalog)
    {
        catalog.MapGet("/skus", (string? search, SkuKind? kind, int? limit, int? offset, CatalogStore store, CancellationToken ct) =>
            store.ListSkusAsync(search, kind, limit ?? 200, offset ?? 0, ct)).Requires(Capability.StockRead);

        catalog.MapGet("/skus/{code}", async (string code, StockService stock) =>
            await stock.FindSkuAsync(code) is { } sku ? Results.Ok(sku) : Problems.NotFound($"Unknown SKU '{code}'.")).Requires(Capability.StockRead);

        catalog.MapPost("/skus", async (CreateSkuRequest body, ClaimsPrincipal user, CatalogService service, CancellationToken ct) =>
        {
            if (body.Kind is null)
            {
                return Problems.Invalid("kind", "'kind' is required: Stocked, Manufactured or Purchased.");
            }

            var draft = new SkuDefinition(body.Code ?? "", body.Name ?? "", body.Unit ?? "", body.Price ?? 0, body.Currency ?? "",
                body.Kind.Value, body.LeadTimeDays ?? 0, body.Ean, body.Supplier);
            var result = await service.CreateSkuAsync(draft, user.Actor(), ct);
            return !result.Ok ? Problems.From(result.Error!)
                : result.Created ? Results.Created($"/api/catalog/skus/{result.Entry!.Code}", result.Entry)
                : Results.Ok(result.Entry);
        }).Requires(Capability.CatalogChange);

        catalog.MapGet("/warehouses", (IStockCatalog stock, CancellationToken ct) => stock.ListWarehousesAsync(ct)).Requires(Capability.StockRead);

        catalog.MapPost("/warehouses", async (CreateWarehouseRequest body, ClaimsPrincipal user, CatalogService service, CancellationToken ct) =>
        {
            var result = await service.CreateWarehouseAsync(new WarehouseDefinition(body.Id ?? "", body.Name ?? "", body.Address), user.Actor(), ct);
            return !result.Ok ? Problems.From(result.Error!)
                : result.Created ? Results.Created($"/api/catalog/warehouses/{result.Entry!.Id}", result.Entry)
                : Results.Ok(result.Entry);
        }).Requires(Capability.CatalogChange);
    }

    private static void MapStock(RouteGroupBuilder stock)
    {
        stock.MapGet("/", (string? warehouse, string? sku, string? search, bool? available, int? limit, int? offset, StockQueries queries, CancellationToken ct) =>
            queries.ListAsync(warehouse is null ? null : Catalog.NormalizeWarehouseId(warehouse), sku is null ? null : Catalog.NormalizeSkuCode(sku),
                search, available ?? false, limit ?? 500, offset ?? 0, ct)).Requires(Capability.StockRead);

        stock.MapGet("/{sku}", async (string sku, StockService service) =>
            await service.GetAsync(sku) is { } overview ? Results.Ok(overview) : Problems.NotFound($"Unknown SKU '{sku}'.")).Requires(Capability.StockRead);

        // Available-to-promise: what is on hand, reserved and free now, and what production and suppliers bring in when
        // (each of those is already promised to the order line waiting for it).
        stock.MapGet("/{sku}/available-to-promise", async (string sku, StockService service, OrderQueries orders, CancellationToken ct) =>
        {
            if (await service.GetAsync(sku) is not { } overview)
            {
                return Problems.NotFound($"Unknown SKU '{sku}'.");
            }

            var incoming = await orders.IncomingAsync(overview.Sku, ct);
            return Results.Ok(new
            {
                overview.Sku,
                overview.Name,
                overview.Unit,
                overview.OnHand,
                overview.Reserved,
                overview.Available,
                Warehouses = overview.Warehouses.Select(w => new { w.Warehouse, w.OnHand, w.Reserved, w.Available }),
                Incoming = incoming,
                IncomingTotal = incoming.Sum(i => i.Quantity),
            });
        }).Requires(Capability.StockRead);

        stock.MapGet("/{sku}/movements", async (string sku, string? warehouse, long? afterSeq, int? limit, StockService service, StockQueries queries, CancellationToken ct) =>
            await service.FindSkuAsync(sku) is { } found
                ? Results.Ok(await queries.MovementsAsync(found.Code, warehouse is null ? null : Catalog.NormalizeWarehouseId(warehouse), afterSeq ?? 0, limit ?? 1000, ct))
                : Problems.NotFound($"Unknown SKU '{sku}'.")).Requires(Capability.StockRead);

        stock.MapPost("/{sku}/receipts", async (string sku, ReceiptRequest body, ClaimsPrincipal user, StockService service) =>
        {
            var reserveFor = body.ReserveFor is { } r ? new ReserveReceiptFor(r.ReservationId ?? "", r.Order ?? "", r.Line, r.Quantity ?? 0) : null;
            var command = new ReceiveStockCommand(body.Batch ?? "", body.Quantity ?? 0, body.Expiry, body.ReceivedAt, body.ReceiptId, body.Source, reserveFor);
            var result = await service.ReceiveAsync(sku, body.Warehouse, command, user.Actor());
            return result.Ok ? Results.Created($"/api/stock/{result.Item!.Sku}", result) : Problems.From(result.Error!);
        }).Requires(Capability.StockReceive);

        stock.MapPost("/{sku}/reservations", async (string sku, ReservationRequest body, ClaimsPrincipal user, StockService service,
            AccessGuard access, ResourceResolvers resources, CancellationToken ct) =>
        {
            // Holding stock for one of our orders needs that order within reach.
            if (body.Order is { Length: > 0 } order && await resources.OrderAsync(order) is not null
                && await access.DenyAsync(user, Capability.ReservationCreate, ResourceKind.Order, order, ct) is { } denied)
            {
                return denied;
            }

            // A client may choose the id, which makes a retried reservation idempotent.
            var id = string.IsNullOrWhiteSpace(body.ReservationId) ? Guid.NewGuid().ToString("N") : body.ReservationId;
            var command = new ReserveStockCommand(id, body.Quantity ?? 0, body.Order ?? "", body.Line, body.AllowPartial ?? false);
            var result = await service.ReserveAsync(sku, body.Warehouse, command, user.Actor());
            if (!result.Ok)
            {
                return Problems.From(result.Error!);
            }

            if (result.Reservation is not { } reservation)
            {
                return Problems.From(new CommandError(RejectionCode.Insufficient, $"Nothing of {result.Item!.Sku} available in {result.Item.Warehouse}.", "quantity", [], 0, command.Quantity));
            }

            return Results.Created($"/api/stock/{reservation.Sku}/reservations/{reservation.Id}?warehouse={reservation.Warehouse}", result);
        }).Requires(Capability.ReservationCreate);

        stock.MapGet("/{sku}/reservations/{id}", async (string sku, string id, string? warehouse, StockService service) =>
        {
            var (reservation, error) = await service.GetReservationAsync(sku, warehouse, id);
            return error is null ? Results.Ok(reservation) : Problems.From(error);
        }).Requires(Capability.ReservationRead, Resource.Reservation());

        // Releases everything the reservation still holds; repeating it changes nothing.
        stock.MapDelete("/{sku}/reservations/{id}", (string sku, string id, string? warehouse, string? reason, ClaimsPrincipal user, StockService service) =>
            Reply(service.ReleaseAsync(sku, warehouse, new ReleaseStockCommand(id, null, null, reason), user.Actor()))).Requires(Capability.ReservationRelease, Resource.Reservation());

        stock.MapPost("/{sku}/reservations/{id}/releases", (string sku, string id, ReleaseRequest body, ClaimsPrincipal user, StockService service) =>
            Reply(service.ReleaseAsync(sku, body.Warehouse, new ReleaseStockCommand(id, body.Quantity, body.OperationId, body.Reason), user.Actor()))).Requires(Capability.ReservationRelease, Resource.Reservation());

        stock.MapPost("/{sku}/reservations/{id}/shipments", (string sku, string id, ShipmentRequest? body, string? warehouse, ClaimsPrincipal user, StockService service) =>
            Reply(service.ShipAsync(sku, body?.Warehouse ?? warehouse, new ShipStockCommand(id, body?.Quantity, body?.ShipmentId), user.Actor()))).Requires(Capability.StockShip, Resource.Reservation());

        stock.MapPost("/{sku}/adjustments", (string sku, AdjustmentRequest body, ClaimsPrincipal user, StockService service) =>
            Reply(service.AdjustAsync(sku, body.Warehouse,
                new AdjustStockCommand(body.Batch ?? "", body.Counted, body.Delta, body.Reason ?? "", body.AdjustmentId, body.Expiry), user.Actor()))).Requires(Capability.StockAdjust);
    }

    /// <summary>Runs an import of the uploaded CSV or XLSX: 200 with the report (rejected rows included), 400 when there is no usable file.</summary>
    internal static async Task<IResult> Import(HttpRequest request, Func<Stream, string, Task<ImportReport>> run, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Invalid("file", "Send the table as multipart/form-data with a field 'file' (.csv or .xlsx).");
        }

        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return Problems.Invalid("file", "A non-empty 'file' is required.");
        }

        if (!TableReader.IsSupported(file.FileName))
        {
            return Problems.Invalid("file", "Only .csv and .xlsx files are imported.");
        }

        // Buffered: the XLSX reader needs a seekable stream.
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        try
        {
            return Results.Ok(await run(buffer, Path.GetFileName(file.FileName)));
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException)
        {
            return Problems.Invalid("file", $"The file could not be read as a table with a header row: {ex.Message}");
        }
    }

    private static async Task<IResult> Reply(Task<StockResult> command)
    {
        var result = await command;
        return result.Ok ? Results.Ok(result) : Problems.From(result.Error!);
    }
}
