using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Web.Auth;

/// <summary>The kinds of resource an access check is scoped by.</summary>
public enum ResourceKind
{
    Deal,
    Lead,
    Contact,
    Company,
    Order,
    Reservation,
    Process,
    Department,
    User,
    Call,
}

/// <summary>A resource named by the request: its kind and the route values that key it (a reservation: sku and id, warehouse from the query).</summary>
public sealed record ResourceRef(ResourceKind Kind, params string[] Parameters)
{
    /// <summary>The capability that decides whether the resource is visible at all; without one, existing is enough.</summary>
    public Capability? ReadCapability => ReadOf(Kind);

    public static Capability? ReadOf(ResourceKind kind) => kind switch
    {
        ResourceKind.Deal => Capability.DealRead,
        ResourceKind.Lead => Capability.LeadRead,
        ResourceKind.Contact => Capability.ContactRead,
        ResourceKind.Company => Capability.CompanyRead,
        ResourceKind.Order => Capability.OrderRead,
        ResourceKind.Reservation => Capability.ReservationRead,
        ResourceKind.Call => Capability.TelephonyRead,
        _ => null,
    };

    /// <summary>The key values from the route (and, for a reservation's warehouse, the query).</summary>
    public string[] Keys(HttpContext http) =>
        Kind == ResourceKind.Reservation
            ? [.. Parameters.Select(p => http.GetRouteValue(p)?.ToString() ?? ""), http.Request.Query["warehouse"].ToString()]
            : Parameters.Select(p => http.GetRouteValue(p)?.ToString() ?? "").ToArray();
}

/// <summary>Short names for the route table: <c>.Requires(Capability.DealMove, Resource.Deal())</c>.</summary>
public static class Resource
{
    public static ResourceRef Deal(string parameter = "id") => new(ResourceKind.Deal, parameter);
    public static ResourceRef Lead(string parameter = "id") => new(ResourceKind.Lead, parameter);
    public static ResourceRef Contact(string parameter = "id") => new(ResourceKind.Contact, parameter);
    public static ResourceRef Company(string parameter = "id") => new(ResourceKind.Company, parameter);
    public static ResourceRef Order(string parameter = "id") => new(ResourceKind.Order, parameter);
    public static ResourceRef Reservation(string sku = "sku", string id = "id") => new(ResourceKind.Reservation, sku, id);
    public static ResourceRef Process(string parameter = "kind") => new(ResourceKind.Process, parameter);
    public static ResourceRef Department(string parameter = "department") => new(ResourceKind.Department, parameter);
    public static ResourceRef User(string parameter = "user") => new(ResourceKind.User, parameter);
    public static ResourceRef Call(string parameter = "callId") => new(ResourceKind.Call, parameter);
}

/// <summary>
/// One resolver per resource kind: the facts that scope it (departments, owners and executors), from the grain's
/// view or the read model; null when it does not exist.
/// </summary>
public sealed class ResourceResolvers(IGrainFactory grains, UserDirectory users, ILeadDirectory departments, IStockService stock, IStockCatalog catalog, DealQueries deals, UserAdminStore owners)
{
    public Task<ResourceFacts?> ResolveAsync(ResourceKind kind, string[] keys, CancellationToken ct = default) => kind switch
    {
        ResourceKind.Deal => DealAsync(keys[0]),
        ResourceKind.Lead => LeadAsync(keys[0]),
        ResourceKind.Contact => ContactAsync(keys[0]),
        ResourceKind.Company => CompanyAsync(keys[0]),
        ResourceKind.Order => OrderAsync(keys[0]),
        ResourceKind.Reservation => ReservationAsync(keys[0], keys[1], keys.Length > 2 && keys[2].Length > 0 ? keys[2] : null),
        ResourceKind.Process => ProcessAsync(keys[0], ct),
        // Its people "own" a department: own scope reaches one's own department (one's own presence in its queue).
        ResourceKind.Department => Task.FromResult(departments.DepartmentExists(keys[0])
            ? new ResourceFacts([keys[0]], users.Users.Where(u => u.Active && u.Department == keys[0]).Select(u => u.UserName).ToArray())
            : null),
        ResourceKind.User => Task.FromResult(users.Find(keys[0]) is { Active: true } u ? ResourceFacts.Of(u.Department, u.UserName) : null),
        ResourceKind.Call => CallAsync(keys[0]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public async Task<ResourceFacts?> DealAsync(string key) =>
        Guid.TryParse(key, out var id) && await grains.GetGrain<IDealGrain>(id).Get() is { } deal
            ? ResourceFacts.Of(deal.Department, [deal.Owner, .. deal.Tasks.Select(t => t.Executor)])
            : null;

    private async Task<ResourceFacts?> LeadAsync(string key) =>
        Guid.TryParse(key, out var id) && await grains.GetGrain<ILeadGrain>(id).Get() is { } lead
            ? ResourceFacts.Of(lead.Department, lead.Assignee)
            : null;

    private async Task<ResourceFacts?> ContactAsync(string key) =>
        Guid.TryParse(key, out var id) && await grains.GetGrain<IContactGrain>(id).Get() is { } contact
            ? ResourceFacts.Of(contact.Department, [contact.Responsible, .. contact.Tasks.Select(t => t.Executor)])
            : null;

    private async Task<ResourceFacts?> CompanyAsync(string key) =>
        Guid.TryParse(key, out var id) && await grains.GetGrain<ICompanyGrain>(id).Get() is { } company
            ? company.Department is { } department ? ResourceFacts.Of(department) : ResourceFacts.SharedResource
            : null;

    /// <summary>An order belongs to its responsible and their department.</summary>
    public async Task<ResourceFacts?> OrderAsync(string key) =>
        Guid.TryParse(key, out var id) && await grains.GetGrain<IOrderGrain>(id).Get() is { } order
            ? ResourceFacts.Of(users.Find(order.Responsible)?.Department, order.Responsible)
            : null;

    /// <summary>
    /// A reservation belongs to its order; one held for a reference that is no order of ours is shared. Some routes
    /// name the warehouse in the body (not read before authorization): then every warehouse is looked in.
    /// </summary>
    private async Task<ResourceFacts?> ReservationAsync(string sku, string id, string? warehouse)
    {
        var warehouses = warehouse is not null ? [warehouse] : (await catalog.ListWarehousesAsync()).Select(w => w.Id).ToList();
        foreach (var w in warehouses)
        {
            var (reservation, error) = await stock.GetReservationAsync(sku, w, id);
            if (error is null && reservation is not null)
            {
                return await ReservationOrderAsync(reservation.Order);
            }
        }

        return null;
    }

    /// <summary>The facts of a reservation's order reference (shared when it names no order of ours).</summary>
    public async Task<ResourceFacts> ReservationOrderAsync(string orderReference) =>
        await OrderAsync(orderReference) ?? ResourceFacts.SharedResource;

    /// <summary>
    /// A process belongs to the one department that owns it (process_owner); a new kind to nobody yet (shared); a kind
    /// that exists without an owner to no department, so only an all-scope role (admin) reaches it.
    /// </summary>
    private async Task<ResourceFacts?> ProcessAsync(string kind, CancellationToken ct)
    {
        if (await owners.ProcessOwnerAsync(kind, ct) is { } owner)
        {
            return ResourceFacts.Of(owner);
        }

        var (departmentsRunning, publishers) = await deals.ProcessOwnersAsync(kind, ct);
        return departmentsRunning.Count == 0 && publishers.Count == 0 ? ResourceFacts.SharedResource : new ResourceFacts([], []);
    }

    private async Task<ResourceFacts?> CallAsync(string key) =>
        key.Length is > 0 and <= 200 && await grains.GetGrain<ICallGrain>(CallKeys.Of(key)).Get() is { } call
            ? ResourceFacts.Of(call.Department, call.RingsFor, call.CallBackTaskFor)
            : null;
}
