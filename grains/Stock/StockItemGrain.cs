using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Stock;

/// <summary>
/// Thin shell around the <see cref="StockItem"/> aggregate that commits bursts of commands in one state write.
/// <para>
/// The grain is reentrant, but every command validates and applies its change to the live state in one turn with no
/// await in between, so each sees every change before it. Writes go through a <see cref="CoalescingWriter"/>: changes
/// that arrive while a write is in flight are flushed together by the next write; each caller is answered only once the
/// write holding its change is durable. Storage serializes an immutable snapshot, never the live state, because it does
/// so off the grain's scheduler.
/// </para>
/// <para>
/// Where the storage writes the stock read model in the same commit (<see cref="IProjectingGrainStorage"/>, the
/// group-commit storage with <c>StockRowsInCommit</c>), the outbox holds only the movements since the last durable write
/// — they ride the next write into the journal — and nothing is owed afterwards but a best-effort live push. Elsewhere
/// (in-memory grain tests) movements stay in the outbox until <see cref="IStockEventSink"/> took them (FollowUpWork).
/// </para>
/// A failed write leaves memory ahead of storage: every waiting caller gets the error, the activation refuses new
/// work and deactivates, and the next call starts over from what was stored (reservation and operation ids make
/// retries safe).
/// </summary>
[Reentrant]
public sealed class StockItemGrain(
    [PersistentState(StockItemGrain.StateName, StorageNames.GroupCommit)] IPersistentState<StockItemState> state,
    IStockCatalog catalog,
    IStockEventSink sink,
    TimeProvider clock,
    ILogger<StockItemGrain> logger) : Grain, IStockItemGrain
{
    public const string StateName = "stockItem";

    private string _sku = "";
    private string _warehouse = "";
    private StockItemState _live = null!;
    private StockItem _item = null!;

    /// <summary>The snapshot last written successfully, and its view as of that write.</summary>
    private StockItemState _durable = null!;
    private StockItemView? _durableView;

    private CoalescingWriter _writer = null!;
    private Exception? _broken;

    /// <summary>The storage writes the read-model rows with the state.</summary>
    private bool _rowsInCommit;

    private bool _catalogChecked;

    /// <summary>Every movement up to this seq reached every consumer; the outbox drops them on the next write.</summary>
    private long _publishedSeq;
    private Task? _publishing;
    private FollowUpWork? _publishWork;

    /// <summary>Publishing durable movements, retried with backoff until it succeeds (FollowUpWork).</summary>
    private FollowUpWork PublishWork => _publishWork ??= new FollowUpWork(this, $"Stock item {_sku}@{_warehouse}: publishing movements",
        async () =>
        {
            await Publish();
            return FollowUpWork.Done;
        }, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_sku, _warehouse) = StockKeys.Parse(this.GetPrimaryKeyString());
        _rowsInCommit = ServiceProvider.GetKeyedService<IProjectingGrainStorage>(StorageNames.GroupCommit)?.ProjectsInCommit(StateName) == true;
        _live = state.State;
        _item = new StockItem(_live, _sku, _warehouse);
        _durable = _live.Snapshot();
        _writer = new CoalescingWriter(WriteOnce);
        _publishedSeq = _live.Outbox.Count > 0 ? _live.Outbox.Min(m => m.Seq) - 1 : _live.Seq;
        if (_rowsInCommit)
        {
            // A stored outbox is written again with the next write (rewriting its rows changes nothing); nothing to publish.
            _publishedSeq = _live.Seq;
        }
        else if (_durable.Seq > _publishedSeq)
        {
            // The node may have gone between a write and its publication: deliver again (consumers dedupe).
            PublishWork.Kick();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Best effort: hand the last movements to the read model now rather than at the next activation.
        if (_broken is null && _durable.Seq > _publishedSeq)
        {
            try
            {
                await Publish();
            }
            catch (Exception ex)
            {
                // The outbox is stored: the next activation delivers it.
                logger.LogInformation(ex, "Stock item {Sku}@{Warehouse}: publishing on deactivation failed; the next activation does it", _sku, _warehouse);
            }
        }
    }

    /// <summary>
    /// The sweep's wake-up (FollowUpSweeper): storage says movements may be undelivered (its outbox is not empty). Delivers
    /// them (consumers dedupe; with rows in commit, the write does) and writes the state without them so the mark clears.
    /// </summary>
    public async Task Resume()
    {
        ThrowIfBroken();
        await WhenDurable();
        if (!_rowsInCommit)
        {
            await Publish();
        }

        if (_durable.Outbox.Count > 0)
        {
            await Persist();
        }
    }

    public Task<StockResult> Receive(ReceiveStockCommand command, ActorInfo actor) =>
        Run(actor, (item, a, now) => item.Receive(command, a, now));

    public Task<StockResult> Reserve(ReserveStockCommand command, ActorInfo actor) =>
        Run(actor, (item, a, now) => item.Reserve(command, a, now));

    public Task<StockResult> Release(ReleaseStockCommand command, ActorInfo actor) =>
        Run(actor, (item, a, now) => item.Release(command, a, now));

    public Task<StockResult> Ship(ShipStockCommand command, ActorInfo actor) =>
        Run(actor, (item, a, now) => item.Ship(command, a, now));

    public Task<StockResult> Adjust(AdjustStockCommand command, ActorInfo actor) =>
        Run(actor, (item, a, now) =>
        {
            item.Adjust(command, a, now);
            return null;
        });

    public async Task<StockItemView?> Get()
    {
        ThrowIfBroken();
        await WhenDurable();
        return _durable.Exists ? DurableView() : null;
    }

    public async Task<StockReservationView?> GetReservation(string reservationId)
    {
        ThrowIfBroken();
        await WhenDurable();
        return _durable.Reservations.GetValueOrDefault((reservationId ?? "").Trim())?.ToView(_sku, _warehouse);
    }

    private async Task<StockResult> Run(ActorInfo actor, Func<StockItem, Actor, DateTimeOffset, StockReservation?> command)
    {
        ThrowIfBroken();
        if (!_live.Exists && !_catalogChecked)
        {
            if (await CheckCatalog() is { } unknown)
            {
                return Refused(unknown);
            }

            ThrowIfBroken();
        }

        // From here until the change is applied nothing awaits: interleaved commands never see a half-made change.
        var now = clock.GetUtcNow();
        var seqBefore = _live.Seq;
        StockReservation? reservation;
        try
        {
            reservation = command(_item, actor.ToActor(), now);
        }
        catch (Rejection rejection)
        {
            // Answer once what the refusal was judged against is durable: if that write fails the caller retries.
            await WhenDurable();
            return Refused(rejection);
        }

        await (_live.Seq != seqBefore ? Persist() : WhenDurable());
        return new StockResult(DurableView(), reservation?.ToView(_sku, _warehouse), null);
    }

    private async Task<Rejection?> CheckCatalog()
    {
        if (await catalog.FindSkuAsync(_sku) is null)
        {
            return new Rejection(RejectionCode.NotFound, $"Unknown SKU '{_sku}'.", "sku");
        }

        if (await catalog.FindWarehouseAsync(_warehouse) is null)
        {
            return Rejection.Invalid("warehouse", $"Unknown warehouse '{_warehouse}'.");
        }

        _catalogChecked = true;
        return null;
    }

    /// <summary>Completes once every change applied so far is durable.</summary>
    private Task WhenDurable() => _writer.WhenDurable();

    /// <summary>Joins the next write (starting it when none is in flight) and completes when it is durable.</summary>
    private Task Persist() => _writer.WriteAsync();

    /// <summary>One write of the live state as it is now (the writer calls it; its snapshot is taken before any await).</summary>
    private async Task WriteOnce()
    {
        // Memory is ahead of storage after a failed write: the callers of later writes get the error too, and retry.
        ThrowIfBroken();
        if (!_rowsInCommit)
        {
            _live.Outbox.RemoveAll(m => m.Seq <= _publishedSeq);
        }

        var snapshot = _live.Snapshot();
        var view = _item.ToView(clock.GetUtcNow());
        state.State = snapshot;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            Break(ex);
            throw;
        }

        _durable = snapshot;
        _durableView = view;
        if (_rowsInCommit)
        {
            // Its movements are in the journal now, written with the state: the next write carries only newer ones.
            var movements = snapshot.Outbox.Where(m => m.Seq > _publishedSeq).ToList();
            _live.Outbox.RemoveAll(m => m.Seq <= snapshot.Seq);
            _publishedSeq = Math.Max(_publishedSeq, snapshot.Seq);
            PushLive(snapshot, movements);
        }
        else
        {
            PublishWork.Kick();
        }
    }

    /// <summary>With the rows in the commit only the live push is left: best effort, as every push (browsers reload).</summary>
    private void PushLive(StockItemState snapshot, List<StockMovement> movements)
    {
        if (movements.Count == 0)
        {
            return;
        }

        try
        {
            var pushed = sink.PublishAsync(new StockPublication(_sku, _warehouse, snapshot.Seq, snapshot.Batches, [], [], movements, Projected: true));
            if (!pushed.IsCompletedSuccessfully)
            {
                _ = pushed.ContinueWith(t => logger.LogDebug(t.Exception, "Stock item {Sku}@{Warehouse}: live push failed", _sku, _warehouse),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Stock item {Sku}@{Warehouse}: live push failed", _sku, _warehouse);
        }
    }

    private void Break(Exception ex)
    {
        logger.LogWarning(ex, "Writing stock item {Sku}@{Warehouse} failed; the activation starts over from storage", _sku, _warehouse);
        _broken ??= ex;
        DeactivateOnIdle();
    }

    private void ThrowIfBroken()
    {
        if (_broken is not null)
        {
            throw new InvalidOperationException($"Stock item {_sku}@{_warehouse} is reloading after a failed write; retry.", _broken);
        }
    }

    /// <summary>The view of what is durable: computed at write time, or afresh when nothing is pending (time moves expiry).</summary>
    private StockItemView DurableView() =>
        _live.Seq == _durable.Seq || _durableView is null ? _item.ToView(clock.GetUtcNow()) : _durableView;

    /// <summary>Delivers every durable movement not yet published, one publication at a time; throws when it fails (PublishWork retries).</summary>
    private Task Publish()
    {
        if (_publishing is { IsCompleted: false })
        {
            return _publishing;
        }

        return _publishing = PublishLoop();
    }

    private async Task PublishLoop()
    {
        while (_durable.Seq > _publishedSeq)
        {
            var snapshot = _durable;
            var from = _publishedSeq;
            var movements = snapshot.Outbox.Where(m => m.Seq > from).ToList();
            var current = snapshot.Batches.Select(b => b.Number).ToHashSet(StringComparer.Ordinal);
            var emptied = movements.Select(m => m.Batch).Where(b => !current.Contains(b)).Distinct(StringComparer.Ordinal).ToList();
            var reservations = movements.Select(m => m.ReservationId).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(id => snapshot.Reservations.GetValueOrDefault(id)).OfType<StockReservation>().ToList();
            // A failure leaves the writes durable and the movements in the outbox: PublishWork tries again.
            await sink.PublishAsync(new StockPublication(_sku, _warehouse, snapshot.Seq, snapshot.Batches, emptied, reservations, movements));
            _publishedSeq = Math.Max(_publishedSeq, snapshot.Seq);
        }
    }

    private static StockResult Refused(Rejection rejection) => new(null, null, rejection.ToError());
}
