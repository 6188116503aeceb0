using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
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
    // A file result declares no response type of its own: the route says it.
    private const string Pdf = "application/pdf";

    public static void MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");

        orders.MapPost("/", CreateOrder).Requires(Capability.OrderCreate);
        orders.MapGet("/", ListOrders).Requires(Capability.OrderRead);
        orders.MapGet("/{id:guid}", GetOrder).Requires(Capability.OrderRead, Resource.Order());
        // The order's papers as PDF, laid out from the order as it is (the deal keeps the copy made when they were issued).
        orders.MapGet("/{id:guid}/invoices/{number}.pdf", GetInvoicePdf).Produces(StatusCodes.Status200OK, contentType: Pdf).Requires(Capability.OrderRead, Resource.Order());
        orders.MapGet("/{id:guid}/shipments/{waybill}.pdf", GetWaybillPdf).Produces(StatusCodes.Status200OK, contentType: Pdf).Requires(Capability.OrderRead, Resource.Order());
        orders.MapGet("/{id:guid}/journal", GetJournal).Requires(Capability.OrderRead, Resource.Order());
        orders.MapPost("/{id:guid}/submit", Submit).Requires(Capability.OrderChange, Resource.Order());
        orders.MapPost("/{id:guid}/approve", Approve).Requires(Capability.OrderApprove, Resource.Order());
        // A step of the route rejected with a reason: the order goes back to its responsible for revision.
        orders.MapPost("/{id:guid}/reject", Reject).Requires(Capability.OrderApprove, Resource.Order());
        orders.MapPost("/{id:guid}/revise", Revise).Requires(Capability.OrderChange, Resource.Order());
        // A revised order goes along its route again: a new round.
        orders.MapPost("/{id:guid}/resubmit", Resubmit).Requires(Capability.OrderChange, Resource.Order());
        orders.MapPost("/{id:guid}/contract", SetContract).Requires(Capability.OrderChange, Resource.Order());
        orders.MapPost("/{id:guid}/execution", StartExecution).Requires(Capability.OrderChange, Resource.Order());
        orders.MapPost("/{id:guid}/replenishments/{replenishmentId}/start", StartProduction).Requires(Capability.OrderFulfil, Resource.Order());
        orders.MapPost("/{id:guid}/replenishments/{replenishmentId}/receipt", ReceiveReplenishment).Requires(Capability.OrderFulfil, Resource.Order());
        orders.MapPost("/{id:guid}/shipments", Ship).Requires(Capability.OrderFulfil, Resource.Order());
        orders.MapPost("/{id:guid}/invoices", IssueInvoice).Requires(Capability.OrderChange, Resource.Order());
        orders.MapPost("/{id:guid}/payments", RecordPayment).Requires(Capability.OrderPayment, Resource.Order());
        orders.MapPost("/{id:guid}/cancel", Cancel).Requires(Capability.OrderCancel, Resource.Order());
        orders.MapPost("/{id:guid}/archive", Archive).Requires(Capability.OrderChange, Resource.Order());
    }

    /// <summary>What every order handler is given besides route, query and body.</summary>
    public readonly record struct OrderServices(IGrainFactory Grains, UserDirectory Users, ClaimsPrincipal User, CancellationToken Ct);

    private static async Task<Results<Created<OrderView>, ProblemHttpResult>> CreateOrder(CreateOrderRequest body, AccessGuard access, [AsParameters] OrderServices s)
    {
        var (user, grains, users, ct) = (s.User, s.Grains, s.Users, s.Ct);
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
        return result.Ok ? TypedResults.Created($"/api/orders/{id}", result.Order) : Problems.From(result.Error!);
    }

    private static async Task<Ok<IReadOnlyList<OrderListItem>>> ListOrders(string? status, string? responsible, string? customer, Guid? dealId, int? limit,
        int? offset, OrderQueries queries, AccessPolicy access, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(status, responsible, customer, dealId, limit ?? 100, offset ?? 0,
            await access.ScopeAsync(user, Capability.OrderRead, ct) switch
            {
                AccessScope.All => null,
                AccessScope.Department => new OrderScope(user.Name(), user.DepartmentOf()),
                _ => new OrderScope(user.Name(), null),
            }, ct));

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrder(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(id).Get() is { } order ? TypedResults.Ok(order) : Missing(id);

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> GetInvoicePdf(Guid id, string number, IOptions<DocumentOptions> options,
        UserLanguageStore languages, IOrderPapers papers, [AsParameters] OrderServices s) =>
        Paper(new OrderPaper(id, OrderPaper.Invoice, number), papers, options.Value, languages, s);

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> GetWaybillPdf(Guid id, string waybill, IOptions<DocumentOptions> options,
        UserLanguageStore languages, IOrderPapers papers, [AsParameters] OrderServices s) =>
        Paper(new OrderPaper(id, OrderPaper.Waybill, waybill), papers, options.Value, languages, s);

    private static async Task<Results<Ok<IReadOnlyList<OrderJournalEntry>>, ProblemHttpResult>> GetJournal(Guid id, long? afterSeq, int? limit,
        OrderQueries queries, IGrainFactory grains, CancellationToken ct) =>
        await grains.GetGrain<IOrderGrain>(id).Get() is null ? Missing(id) : TypedResults.Ok(await queries.JournalAsync(id, afterSeq ?? 0, limit ?? 1000, ct));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Submit(Guid id, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Submit(s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Approve(Guid id, ApproveOrderRequest? body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Approve(new ApproveOrderCommand(body?.Splits, body?.Step, body?.Comment), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Reject(Guid id, RejectOrderRequest body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.RejectStep(new RejectOrderCommand(body.Reason ?? "", body.Step), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Revise(Guid id, ReviseOrderRequest body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Revise(new ReviseOrderCommand(body.Lines, body.PaymentTerms), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Resubmit(Guid id, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Submit(s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> SetContract(Guid id, ContractRequest body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.SetContract(new SetContractCommand(body.ContractNumber, body.PaymentTerms), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> StartExecution(Guid id, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.StartExecution(s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> StartProduction(Guid id, string replenishmentId, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.StartProduction(replenishmentId, s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> ReceiveReplenishment(Guid id, string replenishmentId, ReceiveReplenishmentRequest body,
        [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.ReceiveReplenishment(new ReceiveReplenishmentCommand(replenishmentId, body.Batch ?? "", body.Expiry), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Ship(Guid id, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Ship(s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> IssueInvoice(Guid id, InvoiceRequest? body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.IssueInvoice(new IssueInvoiceCommand(body?.Amount, body?.DueDate), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> RecordPayment(Guid id, PaymentRequest body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.RecordPayment(new RecordPaymentCommand(body.PaymentId ?? "", body.Amount ?? 0, body.Invoice), s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(Guid id, ReasonRequest body, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Cancel(body.Reason ?? "", s.User.Actor()));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Archive(Guid id, [AsParameters] OrderServices s) =>
        Run(id, s.Grains, order => order.Archive(s.User.Actor()));

    /// <summary>The paper in the language of whoever downloads it (<see cref="PaperTexts"/>); 404 if the order vanished meanwhile.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Paper(OrderPaper paper, IOrderPapers papers, DocumentOptions options, UserLanguageStore languages,
        OrderServices s)
    {
        if (await s.Grains.GetGrain<IOrderGrain>(paper.OrderId).Get() is not { } order)
        {
            return Missing(paper.OrderId);
        }

        var language = await languages.GetAsync(s.User.Name());
        return papers.Render(paper, order, options.SellerName, language) is { } content
            ? TypedResults.File(content, Pdf, paper.FileName)
            : Problems.NotFound($"Order {order.Id} has no {paper.Kind} '{paper.Number}'.");
    }

    /// <summary>Runs a command on an order the access layer let through (404 if it vanished meanwhile): 200 with the order, or the refusal.</summary>
    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Run(Guid id, IGrainFactory grains, Func<IOrderGrain, Task<OrderResult>> command)
    {
        var grain = grains.GetGrain<IOrderGrain>(id);
        if (await grain.Get() is null)
        {
            return Missing(id);
        }

        var result = await command(grain);
        return result.Ok ? TypedResults.Ok(result.Order) : Problems.From(result.Error!);
    }

    private static ProblemHttpResult Missing(Guid id) => Problems.NotFound($"Order {id} does not exist.");
}
