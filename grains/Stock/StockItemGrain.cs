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
/// await in between, so each sees every change before it. Changes that arrive while a write is in flight are flushed
/// together by the next write; each caller is answered only once the write holding its change is durable. Storage
/// serializes an immutable snapshot, never the live state, because it does so off the grain's scheduler.
/// </para>
/// A failed write leaves memory ahead of storage: every waiting caller gets the error, the activation refuses new
/// work and deactivates, and the next call starts over from what was stored (reservation and operation ids make
/// retries safe).
/// </summary>
[Reentrant]
public sealed class StockItemGrain(
    [PersistentState("stockItem", StorageNames.GroupCommit)] IPersistentState<StockItemState> state,
    IStockCatalog catalog,
    IStockEventSink sink,
    TimeProvider clock,
    ILogger<StockItemGrain> logger) : Grain, IStockItemGrain
{
    private string _sku = "";
    private string _warehouse = "";
    private StockItemState _live = null!;
    private StockItem _item = null!;

    /// <summary>The snapshot last written successfully, and its view as of that write.</summary>
    private StockItemState _durable = null!;
    private StockItemView? _durableView;

    /// <summary>The write in flight, and the one after it that gathers every change made meanwhile.</summary>
    private TaskCompletionSource? _inFlight;
    private TaskCompletionSource? _next;
    private Exception? _broken;

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
        _live = state.State;
        _item = new StockItem(_live, _sku, _warehouse);
        _durable = _live.Snapshot();
        _publishedSeq = _live.Outbox.Count > 0 ? _live.Outbox.Min(m => m.Seq) - 1 : _live.Seq;
        if (_durable.Seq > _publishedSeq)
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
    /// them (consumers dedupe) and, once they are, writes the state without them so the mark clears.
    /// </summary>
    public async Task Resume()
    {
        ThrowIfBroken();
        await WhenDurable();
        await Publish();
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
    private Task WhenDurable() => _next?.Task ?? _inFlight?.Task ?? Task.CompletedTask;

    /// <summary>Joins the next write (starting it when none is in flight) and completes when it is durable.</summary>
    private Task Persist()
    {
        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var durable = _next.Task;
        if (_inFlight is null)
        {
            _ = WriteLoop();
        }

        return durable;
    }

    private async Task WriteLoop()
    {
        while (_next is { } batch)
        {
            _next = null;
            _inFlight = batch;
            try
            {
                _live.Outbox.RemoveAll(m => m.Seq <= _publishedSeq);
                var snapshot = _live.Snapshot();
                var view = _item.ToView(clock.GetUtcNow());
                state.State = snapshot;
                await state.WriteStateAsync();
                _durable = snapshot;
                _durableView = view;
            }
            catch (Exception ex)
            {
                Break(ex);
                return;
            }

            _inFlight = null;
            batch.TrySetResult();
            PublishWork.Kick();
        }
    }

    private void Break(Exception ex)
    {
        logger.LogWarning(ex, "Writing stock item {Sku}@{Warehouse} failed; the activation starts over from storage", _sku, _warehouse);
        _broken = ex;
        _inFlight?.TrySetException(ex);
        _next?.TrySetException(ex);
        _inFlight = null;
        _next = null;
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
