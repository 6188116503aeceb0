using System.Security.Claims;
using Microsoft.Extensions.Options;
using SalesOrleans.Documents;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record CreateOrderRequest(
    Guid? Id,
    string? Customer,
    string? Contact,
    string? Responsible,
    string? Warehouse,
    string? Currency,
    IReadOnlyList<NewOrderLineView>? Lines,
    Guid? DealId,
    string? ContractNumber,
    string? PaymentTerms,
    Guid? CompanyId = null,
    Guid? ContactId = null);

public sealed record ApproveOrderRequest(IReadOnlyList<LineSplitView>? Splits, string? Step = null, string? Comment = null);

public sealed record RejectOrderRequest(string? Reason, string? Step = null);

public sealed record ReviseOrderRequest(IReadOnlyList<LineRevisionView>? Lines, string? PaymentTerms);

public sealed record ReasonRequest(string? Reason);

public sealed record ContractRequest(string? ContractNumber, string? PaymentTerms);

public sealed record ReceiveReplenishmentRequest(string? Batch, DateOnly? Expiry);

public sealed record InvoiceRequest(decimal? Amount, DateOnly? DueDate);

public sealed record PaymentRequest(string? PaymentId, decimal? Amount, string? Invoice);

/// <summary>Customer orders: commands go to the order grain, lists and journals come from the read model.</summary>
public static class OrderEndpoints
{
    public static void MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");

        orders.MapPost("/", async (CreateOrderRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, UserDirectory users, CancellationToken ct) =>
        {
            // A client may choose the id, which makes a retried create idempotent.
            var id = body.Id ?? Guid.NewGuid();
            if (id == Guid.Empty)
            {
                return Problems.Invalid("id", "The order id must not be empty.");
            }

            // An order drives its deal (cancel loses it, payments fill it): it may link only a deal its creator may change.
            if (body.DealId is { } dealId && await access.DenyAsync(user, Capability.DealChange, ResourceKind.Deal, dealId.ToString(), ct) is { } hiddenDeal)
            {
                return hiddenDeal;
            }

            if (body.Responsible is { } responsible && responsible != user.Name() && users.UserExists(responsible)
                && await access.DenyAsync(user, Capability.OrderCreate, ResourceKind.User, responsible, ct) is { } foreign)
            {
                return foreign;
            }

            // A company record picked on the page: the order points at it (the company page lists it), its name is the customer.
            var customer = body.Customer;
            var contact = body.Contact;
            if (await CompanyRecords.ResolveAsync(body.CompanyId, body.ContactId, grains) is { } records)
            {
                if (records.Problem is { } problem)
                {
                    return problem;
                }

                customer = string.IsNullOrWhiteSpace(customer) ? records.Company : customer;
                contact = string.IsNullOrWhiteSpace(contact) ? records.Contact : contact;
            }

            var command = new CreateOrderCommand(customer ?? "", contact, body.Responsible ?? user.Name(), body.Warehouse ?? "", body.Currency,
                body.Lines ?? [], body.DealId, body.ContractNumber, body.PaymentTerms, body.CompanyId);
            var result = await grains.GetGrain<IOrderGrain>(id).Create(command, user.Actor());
            return result.Ok ? Results.Created($"/api/orders/{id}", result.Order) : Problems.From(result.Error!);
        }).Requires(Capability.OrderCreate);

        orders.MapGet("/", async (string? status, string? responsible, string? customer, Guid? dealId, int? limit, int? offset, ClaimsPrincipal user,
                OrderQueries queries, AccessPolicy access, CancellationToken ct) =>
            await queries.ListAsync(status, responsible, customer, dealId, limit ?? 100, offset ?? 0,
                await access.ScopeAsync(user, Capability.OrderRead, ct) switch
                {
                    AccessScope.All => null,
                    AccessScope.Department => new OrderScope(user.Name(), user.DepartmentOf()),
                    _ => new OrderScope(user.Name(), null),
                }, ct)).Requires(Capability.OrderRead);

        orders.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Visible(id, user, grains, users, order => Task.FromResult(Results.Ok(order)))).Requires(Capability.OrderRead, Resource.Order());

        // The order's papers as PDF, laid out from the order as it is (the deal keeps the copy made when they were issued).
        orders.MapGet("/{id:guid}/invoices/{number}.pdf", (Guid id, string number, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users, IOptions<DocumentOptions> options,
            UserLanguageStore languages) =>
            Visible(id, user, grains, users, async order => Paper(order, new OrderPaper(id, OrderPaper.Invoice, number), options.Value, await languages.GetAsync(user.Name())))).Requires(Capability.OrderRead, Resource.Order());

        orders.MapGet("/{id:guid}/shipments/{waybill}.pdf", (Guid id, string waybill, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users, IOptions<DocumentOptions> options,
            UserLanguageStore languages) =>
            Visible(id, user, grains, users, async order => Paper(order, new OrderPaper(id, OrderPaper.Waybill, waybill), options.Value, await languages.GetAsync(user.Name())))).Requires(Capability.OrderRead, Resource.Order());

        orders.MapGet("/{id:guid}/journal", (Guid id, long? afterSeq, int? limit, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users, OrderQueries queries, CancellationToken ct) =>
            Visible(id, user, grains, users, async _ => Results.Ok(await queries.JournalAsync(id, afterSeq ?? 0, limit ?? 1000, ct)))).Requires(Capability.OrderRead, Resource.Order());

        orders.MapPost("/{id:guid}/submit", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Submit(user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        orders.MapPost("/{id:guid}/approve", (Guid id, ApproveOrderRequest? body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Approve(new ApproveOrderCommand(body?.Splits, body?.Step, body?.Comment), user.Actor()))).Requires(Capability.OrderApprove, Resource.Order());

        // A step of the route rejected with a reason: the order goes back to its responsible for revision.
        orders.MapPost("/{id:guid}/reject", (Guid id, RejectOrderRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.RejectStep(new RejectOrderCommand(body.Reason ?? "", body.Step), user.Actor()))).Requires(Capability.OrderApprove, Resource.Order());

        orders.MapPost("/{id:guid}/revise", (Guid id, ReviseOrderRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Revise(new ReviseOrderCommand(body.Lines, body.PaymentTerms), user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        // A revised order goes along its route again: a new round.
        orders.MapPost("/{id:guid}/resubmit", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Submit(user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        orders.MapPost("/{id:guid}/contract", (Guid id, ContractRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.SetContract(new SetContractCommand(body.ContractNumber, body.PaymentTerms), user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        orders.MapPost("/{id:guid}/execution", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.StartExecution(user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        orders.MapPost("/{id:guid}/replenishments/{replenishmentId}/start", (Guid id, string replenishmentId, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.StartProduction(replenishmentId, user.Actor()))).Requires(Capability.OrderFulfil, Resource.Order());

        orders.MapPost("/{id:guid}/replenishments/{replenishmentId}/receipt", (Guid id, string replenishmentId, ReceiveReplenishmentRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.ReceiveReplenishment(new ReceiveReplenishmentCommand(replenishmentId, body.Batch ?? "", body.Expiry), user.Actor()))).Requires(Capability.OrderFulfil, Resource.Order());

        orders.MapPost("/{id:guid}/shipments", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Ship(user.Actor()))).Requires(Capability.OrderFulfil, Resource.Order());

        orders.MapPost("/{id:guid}/invoices", (Guid id, InvoiceRequest? body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.IssueInvoice(new IssueInvoiceCommand(body?.Amount, body?.DueDate), user.Actor()))).Requires(Capability.OrderChange, Resource.Order());

        orders.MapPost("/{id:guid}/payments", (Guid id, PaymentRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.RecordPayment(new RecordPaymentCommand(body.PaymentId ?? "", body.Amount ?? 0, body.Invoice), user.Actor()))).Requires(Capability.OrderPayment, Resource.Order());

        orders.MapPost("/{id:guid}/cancel", (Guid id, ReasonRequest body, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Cancel(body.Reason ?? "", user.Actor()))).Requires(Capability.OrderCancel, Resource.Order());

        orders.MapPost("/{id:guid}/archive", (Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users) =>
            Command(id, user, grains, users, order => order.Archive(user.Actor()))).Requires(Capability.OrderChange, Resource.Order());
    }

    /// <summary>The paper in the language of whoever downloads it (<see cref="PaperTexts"/>).</summary>
    private static IResult Paper(OrderView order, OrderPaper paper, DocumentOptions options, string? language) =>
        paper.Render(order, options.SellerName, language) is { } content
            ? Results.File(content, "application/pdf", paper.FileName)
            : Problems.NotFound($"Order {order.Id} has no {paper.Kind} '{paper.Number}'.");

    /// <summary>Runs <paramref name="then"/> on an order the access layer let through (404 if it vanished meanwhile).</summary>
    private static async Task<IResult> Visible(Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users, Func<OrderView, Task<IResult>> then) =>
        await grains.GetGrain<IOrderGrain>(id).Get() is { } order ? await then(order) : Problems.NotFound($"Order {id} does not exist.");

    internal static Task<IResult> Command(Guid id, ClaimsPrincipal user, IGrainFactory grains, UserDirectory users, Func<IOrderGrain, Task<OrderResult>> command) =>
        Visible(id, user, grains, users, async _ =>
        {
            var result = await command(grains.GetGrain<IOrderGrain>(id));
            return result.Ok ? Results.Ok(result.Order) : Problems.From(result.Error!);
        });
}
