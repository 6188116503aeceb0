using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;
using SalesOrleans.Processes;
using SalesOrleans.Stock;

namespace SalesOrleans.Orders;

/// <summary>
/// Thin shell around the <see cref="Order"/> aggregate: run the command, write state (with outbox and pending stock
/// actions) in one write, publish, then carry out the stock actions on the stock item grains and write their outcomes.
/// A node dying in between leaves the actions in the stored state; the next activation carries them out (their ids
/// make a repeat change nothing), so an approved order never loses or duplicates a reservation.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", StorageNames.GroupCommit)] IPersistentState<OrderState> state,
    IStockCatalog catalog,
    IDealDirectory directory,
    IOrderEventSink sink,
    IProcessCatalog processes,
    IOrderDocuments documents,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    private static readonly ActorInfo StockActor = new(Roles.System, [Roles.System]);

    /// <summary>Everything up to this seq reached every consumer; the outbox drops it on the next write.</summary>
    private OutboxDelivery? _delivery;
    private FollowUpWork? _stockWork;
    private FollowUpWork? _dealWork;

    /// <summary>
    /// Pending stock actions a stock item did not take (unreachable, failing over): retried with backoff; if this node
    /// dies meanwhile, the stored state says work is due and a survivor's sweep wakes the order (FollowUpSweeper).
    /// </summary>
    private FollowUpWork StockWork => _stockWork ??= new FollowUpWork(this, $"Order {this.GetPrimaryKey()}: stock actions", async () =>
    {
        if (!await TryCarryOutStock())
        {
            throw new InvalidOperationException($"{state.State.PendingStock.Count} stock actions are still pending (a stock item was unreachable).");
        }

        return FollowUpWork.Done;
    }, logger);

    /// <summary>
    /// Telling the linked deal, from rounds that interleave with commands (see <see cref="SyncDealRound"/>); retried with
    /// backoff (the sweep, as for stock actions, if this node dies).
    /// </summary>
    private FollowUpWork DealWork => _dealWork ??= new FollowUpWork(this, $"Order {this.GetPrimaryKey()}: updating deal {state.State.DealId}",
        SyncDealRound, logger, interleave: true);

    /// <summary>Order activities the linked deal shows in its journal.</summary>
    private static readonly OrderActivityKind[] NotedInDeal =
    [
        OrderActivityKind.Created, OrderActivityKind.Approved, OrderActivityKind.Rejected, OrderActivityKind.ExecutionStarted,
        OrderActivityKind.Shipped, OrderActivityKind.Invoiced, OrderActivityKind.Paid, OrderActivityKind.Completed, OrderActivityKind.Cancelled,
    ];

    private Order Domain => new(state.State, directory);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        Delivery.DeliveredSeq = s.Outbox.Count > 0 ? s.Outbox.Min(a => a.Seq) - 1 : s.Seq;
        if (s.Outbox.Count > 0)
        {
            // The node may have gone between the write and the publish: deliver again (consumers dedupe).
            await TryPublish();
        }

        if (s.PendingStock.Count > 0)
        {
            await CarryOutStock();
        }

        ScheduleDealSync();
    }

    /// <summary>
    /// Earlier versions kept a reminder registered while follow-up work was left; the sweep does that now, so such a
    /// reminder only asks for the work once more and is dropped.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await Resume();
    }

    /// <summary>
    /// The sweep's wake-up (FollowUpSweeper): storage says work is due. Carries out pending stock actions, asks for the
    /// deal sync, delivers the outbox; once nothing is left, writes the state with the delivered outbox pruned, which
    /// clears the mark. Work still going (a stock item away, the deal being told) keeps the mark, and the next sweep
    /// looks again.
    /// </summary>
    public async Task Resume()
    {
        var s = state.State;
        if (!s.Exists)
        {
            return;
        }

        if (s.PendingStock.Count > 0 && !await TryCarryOutStock())
        {
            StockWork.Kick(FollowUpWork.FirstRetry);
            return;
        }

        if (s.DealId is not null && s.Seq > s.DealSyncedSeq)
        {
            DealWork.Kick();
            return;
        }

        await TryPublish();
        if (s.Outbox.Count > 0)
        {
            await Commit();
        }
    }

    public async Task<OrderResult> Create(CreateOrderCommand command, ActorInfo actor)
    {
        var s = state.State;
        if (s.Exists)
        {
            // A retried create with the same id is answered with the order as it is.
            return s.CreatedBy == actor.User && s.Customer == command.Customer?.Trim()
                ? new OrderResult(s.ToView(), null)
                : Refused(new Rejection(RejectionCode.Conflict, $"Order {this.GetPrimaryKey()} already exists."));
        }

        // An order drives its deal through the system account, so only someone who may change the deal links one
        // (the deal decides). The system's own orders (made by the deal itself) are not asked: the deal may be the caller.
        if (command.DealId is { } dealId && !actor.Roles.Contains(Roles.System)
            && await GrainFactory.GetGrain<IDealGrain>(dealId).AcceptOrderLink(this.GetPrimaryKey(), actor) is { } refused)
        {
            return new OrderResult(null, refused);
        }

        var skus = new Dictionary<string, SkuDefinition>(StringComparer.Ordinal);
        foreach (var code in (command.Lines ?? []).Select(l => Catalog.NormalizeSkuCode(l.Sku)).Distinct())
        {
            if (Catalog.IsValidSkuCode(code) && await catalog.FindSkuAsync(code) is { } sku)
            {
                skus[code] = sku;
            }
        }

        var warehouse = Catalog.NormalizeWarehouseId(command.Warehouse);
        var warehouseExists = Catalog.IsValidWarehouseId(warehouse) && await catalog.FindWarehouseAsync(warehouse) is not null;
        var lines = (command.Lines ?? []).Select(l => new NewOrderLine(l.Sku, l.Quantity, l.Price, l.DueDate)).ToList();
        var order = new NewOrder(command.Customer, command.Contact, command.Responsible, command.Warehouse, command.Currency, lines,
            command.DealId, command.ContractNumber, command.PaymentTerms);
        order = order with { CompanyId = command.CompanyId };
        return await Execute(o => o.Start(this.GetPrimaryKey(), order, skus, warehouseExists, actor.ToActor(), clock.GetUtcNow()),
            onRefused: () => state.State = new OrderState());
    }

    public async Task<OrderView?> Get()
    {
        if (state.State.PendingStock.Count > 0)
        {
            // Reading also moves along stock actions a crash or an unreachable stock item left behind.
            await CarryOutStock();
        }

        return state.State.Exists ? state.State.ToView() : null;
    }

    /// <summary>Sends the order (a draft, or a revised one: a new round) along its route, which <see cref="IApprovalRoutes"/> finds.</summary>
    public async Task<OrderResult> Submit(ActorInfo actor)
    {
        if (!state.State.Exists)
        {
            return Refused(new Rejection(RejectionCode.NotFound, $"Order {this.GetPrimaryKey()} does not exist."));
        }

        var route = ServiceProvider.GetService<IApprovalRoutes>() is { } routes ? await routes.ForOrderAsync(state.State.DealId) : ApprovalRoute.Default;
        return await Run(o => o.Submit(route, actor.ToActor(), clock.GetUtcNow()));
    }

    public Task<OrderResult> Approve(ApproveOrderCommand command, ActorInfo actor) =>
        Run(o => o.Approve(command.Splits?.Select(s => new LineSplit(s.Line, s.Production, s.Supplier)).ToList(), command.Step, command.Comment, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> RejectStep(RejectOrderCommand command, ActorInfo actor) =>
        Run(o => o.Reject(command.Reason, command.Step, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> Revise(ReviseOrderCommand command, ActorInfo actor) =>
        Run(o => o.Revise(command.Lines?.Select(l => new LineRevision(l.Line, l.Quantity, l.Price)).ToList(), command.PaymentTerms, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> Reject(string reason, ActorInfo actor) => Run(o => o.Reject(reason, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> SetContract(SetContractCommand command, ActorInfo actor) =>
        Run(o => o.SetContract(command.ContractNumber, command.PaymentTerms, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> StartExecution(ActorInfo actor) => Run(o => o.StartExecution(actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> StartProduction(string replenishmentId, ActorInfo actor) =>
        Run(o => o.StartProduction(replenishmentId, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> ReceiveReplenishment(ReceiveReplenishmentCommand command, ActorInfo actor) =>
        Run(o => o.Receive(command.ReplenishmentId, command.Batch, command.Expiry, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> Ship(ActorInfo actor) => Run(o => o.Ship(actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> IssueInvoice(IssueInvoiceCommand command, ActorInfo actor) =>
        Run(o => o.IssueInvoice(command.Amount, command.DueDate, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> RecordPayment(RecordPaymentCommand command, ActorInfo actor) =>
        Run(o => o.RecordPayment(command.PaymentId, command.Amount, command.Invoice, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> Cancel(string reason, ActorInfo actor) => Run(o => o.Cancel(reason, actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> Archive(ActorInfo actor) => Run(o => o.Archive(actor.ToActor(), clock.GetUtcNow()));

    public Task<OrderResult> ReportProduction(ReportProductionCommand command, ActorInfo actor) =>
        Run(o => o.ReportProduction(command.ReplenishmentId, command.Percent, command.ExpectedOn, actor.ToActor(), clock.GetUtcNow()));

    private async Task<OrderResult> Run(Action<Order> command)
    {
        if (!state.State.Exists)
        {
            return Refused(new Rejection(RejectionCode.NotFound, $"Order {this.GetPrimaryKey()} does not exist."));
        }

        return await Execute(command);
    }

    private async Task<OrderResult> Execute(Action<Order> command, Action? onRefused = null)
    {
        var seqBefore = state.State.Seq;
        var pendingBefore = state.State.PendingStock.Count;
        try
        {
            command(Domain);
        }
        catch (Rejection rejection)
        {
            onRefused?.Invoke();
            return Refused(rejection);
        }

        if (state.State.Seq != seqBefore || state.State.PendingStock.Count != pendingBefore)
        {
            await Commit();
        }

        await CarryOutStock();
        return new OrderResult(state.State.ToView(), null);
    }

    /// <summary>Carries out the pending stock actions; what a stock item did not take is left to <see cref="StockWork"/>.</summary>
    private async Task CarryOutStock()
    {
        if (!await TryCarryOutStock())
        {
            StockWork.Kick(FollowUpWork.FirstRetry);
        }
    }

    /// <summary>Carries out the pending stock actions (in parallel: they touch different reservations) and writes their outcomes; false when some stay pending.</summary>
    private async Task<bool> TryCarryOutStock()
    {
        while (state.State.PendingStock.Count > 0)
        {
            var actions = state.State.PendingStock.ToList();
            var outcomes = (await Task.WhenAll(actions.Select(CarryOut))).OfType<StockOutcome>().ToList();
            if (outcomes.Count > 0)
            {
                Domain.ApplyStock(outcomes, clock.GetUtcNow());
                await Commit();
            }

            if (outcomes.Count < actions.Count)
            {
                // A stock item was unreachable: the actions stay pending (stored) and are tried again.
                return false;
            }
        }

        return true;
    }

    private async Task<StockOutcome?> CarryOut(StockAction action)
    {
        var reference = Domain.Reference;
        var item = GrainFactory.GetGrain<IStockItemGrain>(StockKeys.Of(action.Sku, state.State.Warehouse));
        try
        {
            switch (action.Kind)
            {
                case StockActionKind.Reserve:
                {
                    var result = await item.Reserve(new ReserveStockCommand(action.ReservationId, action.Quantity, reference, action.Line, AllowPartial: true), StockActor);
                    return new StockOutcome(action, result.Reservation?.Quantity ?? 0, result.Error?.Message);
                }

                case StockActionKind.Release:
                {
                    var result = await item.Release(new ReleaseStockCommand(action.ReservationId, Reason: "order cancelled"), StockActor);
                    return new StockOutcome(action, 0, result.Error?.Message);
                }

                case StockActionKind.Receive:
                {
                    var result = await item.Receive(new ReceiveStockCommand(action.Batch!, action.Quantity, action.Expiry, null, $"{reference}-{action.Replenishment}",
                        $"{action.Replenishment} for order {reference}", new ReserveReceiptFor(action.ReservationId, reference, action.Line, action.Quantity)), StockActor);
                    return result.Ok
                        ? new StockOutcome(action, result.Reservation?.Quantity ?? action.Quantity)
                        : new StockOutcome(action, 0, result.Error!.Message);
                }

                case StockActionKind.Ship:
                {
                    var result = await item.Ship(new ShipStockCommand(action.ReservationId, null, $"{action.Waybill}-{action.ReservationId}"), StockActor);
                    // Shipped is absolute, so a repeat (or a refusal because it already went) reports the same total.
                    var shipped = result.Reservation?.Shipped ?? (await item.GetReservation(action.ReservationId))?.Shipped ?? 0;
                    return new StockOutcome(action, shipped, result.Error?.Message);
                }

                default:
                    throw new InvalidOperationException($"Unknown stock action {action.Kind}.");
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Order {OrderId}: stock action {Kind} on {Sku} failed; will retry", state.State.Id, action.Kind, action.Sku);
            return null;
        }
    }

    private async Task Commit()
    {
        var s = state.State;
        var delivered = s.DealId is null ? Delivery.DeliveredSeq : Math.Min(Delivery.DeliveredSeq, s.DealSyncedSeq);
        s.Outbox.RemoveAll(a => a.Seq <= delivered);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory may now differ from storage: start over from what was stored.
            DeactivateOnIdle();
            throw;
        }

        await TryPublish();
        ScheduleDealSync();
    }

    /// <summary>
    /// Tells the linked deal what happened (journal notes, invoice and waybill documents, the paid field, stage moves),
    /// from a timer that interleaves with commands: the deal may be the one that is creating this order right now,
    /// waiting for it, so the order must neither call back from inside that call nor stop answering while it waits for
    /// the deal. The sync writes nothing itself (a write could race a command's write): the synced seq is stored with
    /// the next write, and after a crash the rest is told again (documents by fixed ids, so nothing is attached twice).
    /// </summary>
    private void ScheduleDealSync()
    {
        var s = state.State;
        if (s.DealId is not null && s.Seq > s.DealSyncedSeq)
        {
            DealWork.Kick();
        }
    }

    /// <summary>One round of the deal sync: throws when the deal could not be told (retried), runs again when more happened meanwhile.</summary>
    private async Task<TimeSpan?> SyncDealRound()
    {
        var s = state.State;
        if (s.DealId is null || s.Seq <= s.DealSyncedSeq)
        {
            return FollowUpWork.Done;
        }

        await SyncDealOnce();
        // Whatever happened meanwhile is told in the next round.
        return s.Seq > s.DealSyncedSeq ? TimeSpan.Zero : FollowUpWork.Done;
    }

    private async Task SyncDealOnce()
    {
        var s = state.State;
        var upTo = s.Seq;
        // Taken before any await: commands interleave with this timer and prune the outbox.
        var activities = s.Outbox.Where(a => a.Seq > s.DealSyncedSeq && a.Seq <= upTo && NotedInDeal.Contains(a.Kind)).ToList();
        var order = s.ToView();
        var deal = GrainFactory.GetGrain<IDealGrain>(s.DealId!.Value);
        var view = await deal.Get();
        if (view is not null)
        {
            foreach (var activity in activities)
            {
                // Keyed by the order's activity: a sync retried after the note was written (the order's write lost) writes none.
                await deal.AddNote(new AddNoteCommand($"Order {s.Id:N}: {activity.Text}", $"order:{s.Id:N}:{activity.Seq}"), StockActor);
                // An invoice or a waybill also goes onto the deal as a PDF document (a stage gate may ask for it).
                view = await documents.AttachAsync(view, order, activity) ?? view;
            }

            // The deal's amount follows the order's total, an order problem clears, production readiness shows.
            var readiness = ProductionReadiness.Of(s);
            var applied = await deal.ApplyOrderState(new DealOrderStateCommand(s.Id, s.Status.ToString(), s.Total, readiness?.Percent, readiness?.ExpectedOn));
            view = applied.Deal ?? view;
            await MoveDeal(deal, view);
        }

        s.DealSyncedSeq = Math.Max(s.DealSyncedSeq, upTo);
    }

    /// <summary>
    /// Carries out the link the deal's process version declares: the amount paid goes into its paid field (an advance
    /// passing a gate), then the order's state moves the deal through the mapped stages (execution, shipped, completed
    /// = won; a payment; a cancelled order to the lost stage). A refused step is logged and tried again on the next change.
    /// </summary>
    private async Task MoveDeal(IDealGrain deal, DealView view)
    {
        var s = state.State;
        if (view.Status != "Open" || s.Status == OrderStatus.Archived)
        {
            return;
        }

        var link = (await processes.GetAsync(view.ProcessKind, view.ProcessVersion))?.OrderLink;
        if (link is null)
        {
            return;
        }

        var parameters = DealOrderLink.ParametersFor(link, s.Paid, view.Parameters);
        if (parameters.Count > 0)
        {
            var set = await deal.SetParameters(new SetParametersCommand(parameters), StockActor);
            if (!set.Ok)
            {
                logger.LogWarning("Order {OrderId}: deal {DealId} refused the paid amount: {Error}", s.Id, view.Id, set.Error!.Message);
            }
            else
            {
                view = set.Deal!;
            }
        }

        foreach (var (stage, lostReason) in DealOrderLink.MovesFor(link, s.Status, s.Paid, view.Stage))
        {
            if (view.Status != "Open")
            {
                // Automatic routing may have closed the deal already (a paid field passing the last gate).
                return;
            }

            var moved = await deal.Move(new MoveDealCommand(stage, lostReason, $"Order {s.Status.ToString().ToLowerInvariant()}."), StockActor);
            if (!moved.Ok)
            {
                logger.LogWarning("Order {OrderId} is {Status} but deal {DealId} cannot move to {Stage}: {Error}", s.Id, s.Status, view.Id, stage, moved.Error!.Message);
                return;
            }

            view = moved.Deal!;
        }
    }

    private Task TryPublish() =>
        Delivery.DeliverAsync(state.State.Seq, from => sink.PublishAsync(new OrderPublication(state.State.ToView(), state.State.Outbox.Where(a => a.Seq > from).ToList())), TryPublish);

    private OutboxDelivery Delivery => _delivery ??= new OutboxDelivery(this, logger, $"order {this.GetPrimaryKey()}");

    private static OrderResult Refused(Rejection rejection) => new(null, rejection.ToError());
}
