using System.Text.RegularExpressions;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Stock;

/// <summary>
/// The stock of one SKU in one warehouse over its <see cref="StockItemState"/>. Every command checks everything
/// first and only then mutates, journaling one movement per batch it touches. Invariants, whatever the order of
/// commands: per batch 0 ≤ reserved ≤ on hand; every reservation's batches are covered by the batches' reserved;
/// expired batches are never reserved.
/// </summary>
public sealed partial class StockItem
{
    public const decimal MaxQuantity = 1_000_000_000m;
    public const int MaxDecimals = 3;

    /// <summary>How many recent operation ids are kept for idempotent retries.</summary>
    public const int KeepOperations = 1000;

    /// <summary>
    /// How many closed reservations are kept, so a late retry of their reserve still finds them. Few: the whole state
    /// is written on every flush, and a retry comes within seconds.
    /// </summary>
    public const int KeepClosedReservations = 200;

    private static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    private readonly StockItemState _state;
    private readonly string _sku;
    private readonly string _warehouse;
    private Dictionary<string, AppliedOperation>? _operations;
    private int? _closedReservations;
    private int? _openReservations;

    public StockItem(StockItemState state, string sku, string warehouse)
    {
        if (state.Exists && (state.Sku != sku || state.Warehouse != warehouse))
        {
            throw new ArgumentException($"State of {state.Sku}@{state.Warehouse} given for {sku}@{warehouse}.");
        }

        _state = state;
        _sku = sku;
        _warehouse = warehouse;
    }

    public StockItemState State => _state;

    public string Sku => _sku;

    public string Warehouse => _warehouse;

    public decimal OnHand => _state.Batches.Sum(b => b.OnHand);

    public decimal Reserved => _state.Batches.Sum(b => b.Reserved);

    /// <summary>What can still be reserved: the free part of batches that have not expired.</summary>
    public decimal Available(DateTimeOffset now) => _state.Batches.Where(b => !b.IsExpired(now)).Sum(b => b.Free);

    /// <summary>The free part of expired batches: on hand, never available (write it off with an adjustment).</summary>
    public decimal ExpiredFree(DateTimeOffset now) => _state.Batches.Where(b => b.IsExpired(now)).Sum(b => b.Free);

    /// <summary>Counted once, then kept up to date (views ask on every reply, reservations may be many).</summary>
    public int OpenReservations => _openReservations ??= _state.Reservations.Values.Count(r => r.IsOpen);

    public StockReservation? FindReservation(string id) => _state.Reservations.GetValueOrDefault(id.Trim());

    /// <summary>Batches in the order they are reserved and shipped: earliest expiry first, then earliest receipt.</summary>
    public IEnumerable<StockBatch> BatchesFifo() =>
        _state.Batches.OrderBy(b => b.Expiry ?? DateOnly.MaxValue).ThenBy(b => b.ReceivedAt).ThenBy(b => b.Number, StringComparer.Ordinal);

    // ---------------------------------------------------------------- commands

    /// <summary>Receives goods into a batch (new or existing with the same expiry); optionally reserves part of them for a waiting line.</summary>
    /// <returns>The reservation made for <see cref="ReceiveStockCommand.ReserveFor"/>, if any.</returns>
    public StockReservation? Receive(ReceiveStockCommand command, Actor actor, DateTimeOffset now)
    {
        RequireRole(actor, "receive goods", Roles.Warehouse, Roles.Admin, Roles.System);
        var batchNumber = RequireBatch("batch", command.Batch);
        var quantity = RequireQuantity("quantity", command.Quantity);
        var receiptId = OptionalId("receiptId", command.ReceiptId);
        var source = OptionalText("source", command.Source, 200);
        var receivedAt = command.ReceivedAt ?? now;
        if (receivedAt > now + FutureTolerance)
        {
            throw Rejection.Invalid("receivedAt", "'receivedAt' must not be in the future.");
        }

        var reserveFor = command.ReserveFor;
        string? reservationId = null;
        string? order = null;
        decimal reserveQuantity = 0;
        if (reserveFor is not null)
        {
            reservationId = RequireId("reserveFor.reservationId", reserveFor.ReservationId);
            order = RequireOrder("reserveFor.order", "reserveFor.line", reserveFor.Order, reserveFor.Line);
            reserveQuantity = RequireQuantity("reserveFor.quantity", reserveFor.Quantity);
        }

        if (receiptId is not null && IsRepeat(receiptId, MovementKind.Receipt, "receiptId"))
        {
            return reservationId is null ? null : FindReservation(reservationId);
        }

        var existing = FindBatch(batchNumber);
        if (existing is not null && existing.Expiry != command.Expiry)
        {
            throw new Rejection(RejectionCode.Conflict,
                $"Batch {batchNumber} is already here with expiry {Describe(existing.Expiry)}, not {Describe(command.Expiry)}.", "expiry");
        }

        var batch = existing is null
            ? new StockBatch(batchNumber, receivedAt, command.Expiry, quantity, 0)
            : existing with { OnHand = existing.OnHand + quantity };
        if (batch.OnHand > MaxQuantity)
        {
            throw Rejection.Invalid("quantity", $"Batch {batchNumber} would hold more than {Catalog.Format(MaxQuantity)}.");
        }

        if (reservationId is not null)
        {
            if (_state.Reservations.ContainsKey(reservationId))
            {
                throw new Rejection(RejectionCode.Conflict, $"Reservation {reservationId} already exists.", "reserveFor.reservationId");
            }

            if (reserveQuantity > quantity)
            {
                throw new Rejection(RejectionCode.Invalid,
                    $"Cannot reserve {Catalog.Format(reserveQuantity)} of a receipt of {Catalog.Format(quantity)}.", "reserveFor.quantity", available: quantity, requested: reserveQuantity);
            }

            if (batch.IsExpired(now))
            {
                throw Rejection.Invalid("reserveFor", $"Batch {batchNumber} expired on {Describe(batch.Expiry)} and cannot be reserved.");
            }
        }

        // All checks passed: from here on nothing throws.
        Touch(now);
        ReplaceBatch(existing, batch);
        Record(MovementKind.Receipt, batchNumber, quantity, 0, actor, now, reference: source, operationId: receiptId);
        StockReservation? reservation = null;
        if (reservationId is not null)
        {
            ReplaceBatch(batch, batch with { Reserved = batch.Reserved + reserveQuantity });
            var seq = Record(MovementKind.Reservation, batchNumber, 0, reserveQuantity, actor, now, reservationId, order, operationId: receiptId);
            reservation = new StockReservation(reservationId, reserveFor!.Order.Trim(), reserveFor.Line, reserveQuantity,
                [new BatchQuantity(batchNumber, reserveQuantity)], 0, 0, now, null, seq);
            AddReservation(reservation);
        }

        Remember(receiptId, MovementKind.Receipt);
        return reservation;
    }

    /// <summary>
    /// Reserves for an order line from the batches that have not expired, FIFO. A retry with the same reservation id
    /// (same order and line) returns the reservation as it is. Short stock is refused, or with
    /// <see cref="ReserveStockCommand.AllowPartial"/> reserves what there is (null when nothing).
    /// </summary>
    public StockReservation? Reserve(ReserveStockCommand command, Actor actor, DateTimeOffset now)
    {
        RequireRole(actor, "reserve stock", Roles.Manager, Roles.Supervisor, Roles.Warehouse, Roles.Admin, Roles.System);
        var id = RequireId("reservationId", command.ReservationId);
        var reference = RequireOrder("order", "line", command.Order, command.Line);
        var quantity = RequireQuantity("quantity", command.Quantity);
        if (_state.Reservations.TryGetValue(id, out var existing))
        {
            if (existing.Order == command.Order.Trim() && existing.Line == command.Line && (command.AllowPartial || existing.Quantity == quantity))
            {
                return existing;
            }

            throw new Rejection(RejectionCode.Conflict,
                $"Reservation {id} already exists for {Catalog.Format(existing.Quantity)} on {Reference(existing.Order, existing.Line)}.", "reservationId");
        }

        var available = Available(now);
        var take = quantity;
        if (available < quantity)
        {
            if (!command.AllowPartial)
            {
                throw new Rejection(RejectionCode.Insufficient,
                    $"Only {Catalog.Format(available)} of {_sku} available in {_warehouse}; {Catalog.Format(quantity)} requested.", "quantity", available: available, requested: quantity);
            }

            take = available;
            if (take == 0)
            {
                return null;
            }
        }

        // Plan first (FIFO over free, unexpired batches), then apply.
        var plan = new List<(StockBatch Batch, decimal Quantity)>();
        var remaining = take;
        foreach (var batch in BatchesFifo())
        {
            if (remaining == 0)
            {
                break;
            }

            if (batch.IsExpired(now) || batch.Free <= 0)
            {
                continue;
            }

            var part = Math.Min(batch.Free, remaining);
            plan.Add((batch, part));
            remaining -= part;
        }

        Touch(now);
        long seq = 0;
        foreach (var (batch, part) in plan)
        {
            ReplaceBatch(batch, batch with { Reserved = batch.Reserved + part });
            seq = Record(MovementKind.Reservation, batch.Number, 0, part, actor, now, id, reference);
        }

        var reservation = new StockReservation(id, command.Order.Trim(), command.Line, take,
            plan.Select(p => new BatchQuantity(p.Batch.Number, p.Quantity)).ToList(), 0, 0, now, null, seq);
        AddReservation(reservation);
        return reservation;
    }

    /// <summary>Gives back what a reservation holds (all, or a quantity), latest-expiring batches first so it keeps the oldest.</summary>
    public StockReservation Release(ReleaseStockCommand command, Actor actor, DateTimeOffset now)
    {
        RequireRole(actor, "release reservations", Roles.Manager, Roles.Supervisor, Roles.Warehouse, Roles.Admin, Roles.System);
        var reservation = RequireReservation(command.ReservationId);
        var operationId = OptionalId("operationId", command.OperationId);
        var reason = OptionalText("reason", command.Reason, 200);
        if (operationId is not null && IsRepeat(operationId, MovementKind.Release, "operationId"))
        {
            return reservation;
        }

        var held = reservation.Held;
        var quantity = command.Quantity is { } q ? RequireQuantity("quantity", q) : held;
        if (quantity == 0)
        {
            // Releasing everything of a reservation that holds nothing: already done.
            return reservation;
        }

        if (quantity > held)
        {
            throw new Rejection(RejectionCode.ExceedsReserved,
                $"Reservation {reservation.Id} holds {Catalog.Format(held)}; cannot release {Catalog.Format(quantity)}.", "quantity", available: held, requested: quantity);
        }

        Touch(now);
        var parts = Take(reservation, quantity, latestFirst: true);
        long seq = 0;
        foreach (var (batchNumber, part) in parts)
        {
            var batch = FindBatch(batchNumber)!;
            ReplaceBatch(batch, batch with { Reserved = batch.Reserved - part });
            seq = Record(MovementKind.Release, batchNumber, 0, -part, actor, now, reservation.Id, Reference(reservation.Order, reservation.Line), reason, operationId);
        }

        Remember(operationId, MovementKind.Release);
        return Update(reservation, parts, shipped: 0, released: quantity, seq, now);
    }

    /// <summary>Ships from a reservation (all it holds, or a quantity), consuming its batches FIFO.</summary>
    public StockReservation Ship(ShipStockCommand command, Actor actor, DateTimeOffset now)
    {
        RequireRole(actor, "ship goods", Roles.Warehouse, Roles.Admin, Roles.System);
        var reservation = RequireReservation(command.ReservationId);
        var shipmentId = OptionalId("shipmentId", command.ShipmentId);
        if (shipmentId is not null && IsRepeat(shipmentId, MovementKind.Shipment, "shipmentId"))
        {
            return reservation;
        }

        var held = reservation.Held;
        if (held == 0)
        {
            throw new Rejection(RejectionCode.ExceedsReserved,
                $"Reservation {reservation.Id} holds nothing to ship (shipped {Catalog.Format(reservation.Shipped)}, released {Catalog.Format(reservation.Released)}).",
                "reservationId", available: 0, requested: command.Quantity);
        }

        var quantity = command.Quantity is { } q ? RequireQuantity("quantity", q) : held;
        if (quantity > held)
        {
            throw new Rejection(RejectionCode.ExceedsReserved,
                $"Reservation {reservation.Id} holds {Catalog.Format(held)}; cannot ship {Catalog.Format(quantity)}.", "quantity", available: held, requested: quantity);
        }

        Touch(now);
        var parts = Take(reservation, quantity, latestFirst: false);
        long seq = 0;
        foreach (var (batchNumber, part) in parts)
        {
            var batch = FindBatch(batchNumber)!;
            ReplaceBatch(batch, batch with { OnHand = batch.OnHand - part, Reserved = batch.Reserved - part });
            seq = Record(MovementKind.Shipment, batchNumber, -part, -part, actor, now, reservation.Id, Reference(reservation.Order, reservation.Line), operationId: shipmentId);
        }

        Remember(shipmentId, MovementKind.Shipment);
        return Update(reservation, parts, shipped: quantity, released: 0, seq, now);
    }

    /// <summary>
    /// A count of one batch: set it to what was counted, or change it by a delta (found goods, write-offs). Never below
    /// zero and never below what is reserved in the batch. An unknown batch with a positive count is created.
    /// </summary>
    public void Adjust(AdjustStockCommand command, Actor actor, DateTimeOffset now)
    {
        RequireRole(actor, "adjust stock", Roles.Warehouse, Roles.Admin, Roles.System);
        var batchNumber = RequireBatch("batch", command.Batch);
        var reason = Catalog.RequireText("reason", command.Reason, 200);
        var adjustmentId = OptionalId("adjustmentId", command.AdjustmentId);
        if ((command.Counted is null) == (command.Delta is null))
        {
            throw Rejection.Invalid("counted", "Give exactly one of 'counted' (the count's result) or 'delta'.");
        }

        var field = command.Counted is null ? "delta" : "counted";
        var value = command.Counted ?? command.Delta!.Value;
        RequireScale(field, value);
        if (Math.Abs(value) > MaxQuantity)
        {
            throw Rejection.Invalid(field, $"'{field}' must not exceed {Catalog.Format(MaxQuantity)}.");
        }

        if (command.Counted is < 0)
        {
            throw Rejection.Invalid("counted", "A count cannot be negative.");
        }

        if (command.Delta == 0)
        {
            throw Rejection.Invalid("delta", "'delta' must not be zero.");
        }

        if (adjustmentId is not null && IsRepeat(adjustmentId, MovementKind.Adjustment, "adjustmentId"))
        {
            return;
        }

        var batch = FindBatch(batchNumber);
        var current = batch?.OnHand ?? 0;
        var target = command.Counted ?? current + command.Delta!.Value;
        if (batch is null && target <= 0)
        {
            throw new Rejection(RejectionCode.NotFound, $"There is no batch {batchNumber} of {_sku} in {_warehouse}.", "batch");
        }

        if (target < 0)
        {
            throw new Rejection(RejectionCode.Insufficient,
                $"Batch {batchNumber} has {Catalog.Format(current)} on hand; it cannot go below zero.", field, available: current, requested: -command.Delta!.Value);
        }

        if (target > MaxQuantity)
        {
            throw Rejection.Invalid(field, $"Batch {batchNumber} would hold more than {Catalog.Format(MaxQuantity)}.");
        }

        if (batch is not null && target < batch.Reserved)
        {
            throw new Rejection(RejectionCode.Conflict,
                $"{Catalog.Format(batch.Reserved)} of batch {batchNumber} are reserved; release them before counting it below that.", field, available: batch.Reserved);
        }

        if (batch is not null && command.Expiry is not null && command.Expiry != batch.Expiry)
        {
            throw new Rejection(RejectionCode.Conflict, $"Batch {batchNumber} expires {Describe(batch.Expiry)}, not {Describe(command.Expiry)}.", "expiry");
        }

        if (target == current)
        {
            // The count confirms the books: nothing moves.
            Remember(adjustmentId, MovementKind.Adjustment);
            return;
        }

        Touch(now);
        ReplaceBatch(batch, batch is null ? new StockBatch(batchNumber, now, command.Expiry, target, 0) : batch with { OnHand = target });
        Record(MovementKind.Adjustment, batchNumber, target - current, 0, actor, now, reason: reason, operationId: adjustmentId);
        Remember(adjustmentId, MovementKind.Adjustment);
    }

    // ---------------------------------------------------------------- helpers

    private StockReservation RequireReservation(string? id)
    {
        var key = RequireId("reservationId", id);
        return _state.Reservations.GetValueOrDefault(key)
            ?? throw new Rejection(RejectionCode.NotFound, $"There is no reservation {key} of {_sku} in {_warehouse}.", "reservationId");
    }

    /// <summary>Splits a quantity over the reservation's batches: FIFO (as stored) for shipping, the reverse for releasing.</summary>
    private static List<(string Batch, decimal Quantity)> Take(StockReservation reservation, decimal quantity, bool latestFirst)
    {
        var parts = new List<(string, decimal)>();
        var remaining = quantity;
        var batches = latestFirst ? reservation.Batches.Reverse() : reservation.Batches;
        foreach (var held in batches)
        {
            if (remaining == 0)
            {
                break;
            }

            var part = Math.Min(held.Quantity, remaining);
            if (part > 0)
            {
                parts.Add((held.Batch, part));
                remaining -= part;
            }
        }

        return parts;
    }

    private StockReservation Update(StockReservation reservation, List<(string Batch, decimal Quantity)> parts, decimal shipped, decimal released, long seq, DateTimeOffset now)
    {
        var taken = parts.ToDictionary(p => p.Batch, p => p.Quantity);
        var batches = reservation.Batches
            .Select(b => b with { Quantity = b.Quantity - taken.GetValueOrDefault(b.Batch) })
            .Where(b => b.Quantity > 0)
            .ToList();
        var closed = batches.Count == 0;
        var open = OpenReservations; // counted before this one closes
        var updated = reservation with
        {
            Batches = batches,
            Shipped = reservation.Shipped + shipped,
            Released = reservation.Released + released,
            ClosedAt = closed ? now : null,
            UpdatedSeq = seq,
        };
        _state.Reservations[reservation.Id] = updated;
        if (closed)
        {
            _openReservations = open - 1;
            PruneClosedReservations();
        }

        return updated;
    }

    private void AddReservation(StockReservation reservation)
    {
        _openReservations = OpenReservations + 1;
        _state.Reservations[reservation.Id] = reservation;
    }

    /// <summary>Called right after a reservation closed: counts it (counting all closed ones the first time) and drops the oldest beyond the limit.</summary>
    private void PruneClosedReservations()
    {
        _closedReservations = _closedReservations + 1 ?? _state.Reservations.Values.Count(r => !r.IsOpen);
        // Amortised: prune a tenth at a time, oldest closed first.
        if (_closedReservations <= KeepClosedReservations + KeepClosedReservations / 10)
        {
            return;
        }

        var drop = _state.Reservations.Values.Where(r => !r.IsOpen).OrderBy(r => r.ClosedAt).ThenBy(r => r.UpdatedSeq)
            .Take(_closedReservations.Value - KeepClosedReservations).Select(r => r.Id).ToList();
        foreach (var id in drop)
        {
            _state.Reservations.Remove(id);
        }

        _closedReservations -= drop.Count;
    }

    private StockBatch? FindBatch(string number) => _state.Batches.FirstOrDefault(b => b.Number == number);

    /// <summary>Puts <paramref name="updated"/> in place of <paramref name="old"/> (or adds it); an empty batch is dropped.</summary>
    private void ReplaceBatch(StockBatch? old, StockBatch updated)
    {
        var index = old is null ? -1 : _state.Batches.IndexOf(old);
        if (updated.OnHand == 0 && updated.Reserved == 0)
        {
            if (index >= 0)
            {
                _state.Batches.RemoveAt(index);
            }

            return;
        }

        if (index >= 0)
        {
            _state.Batches[index] = updated;
        }
        else
        {
            _state.Batches.Add(updated);
        }
    }

    private void Touch(DateTimeOffset now)
    {
        if (!_state.Exists)
        {
            _state.Sku = _sku;
            _state.Warehouse = _warehouse;
            _state.CreatedAt = now;
        }
    }

    private long Record(MovementKind kind, string batch, decimal onHandDelta, decimal reservedDelta, Actor actor, DateTimeOffset now,
        string? reservationId = null, string? reference = null, string? reason = null, string? operationId = null)
    {
        var movement = new StockMovement(++_state.Seq, now, kind, batch, onHandDelta, reservedDelta, actor.User, reservationId, reference, reason, operationId);
        _state.Outbox.Add(movement);
        return movement.Seq;
    }

    private Dictionary<string, AppliedOperation> Operations =>
        _operations ??= _state.Operations.GroupBy(o => o.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>True when the operation id was applied before (a retry); refused when it was used for another kind of command.</summary>
    private bool IsRepeat(string operationId, MovementKind kind, string field)
    {
        if (!Operations.TryGetValue(operationId, out var applied))
        {
            return false;
        }

        return applied.Kind == kind
            ? true
            : throw new Rejection(RejectionCode.Conflict, $"'{operationId}' was already used for a {applied.Kind.ToString().ToLowerInvariant()}.", field);
    }

    private void Remember(string? operationId, MovementKind kind)
    {
        if (operationId is null)
        {
            return;
        }

        var applied = new AppliedOperation(operationId, kind, _state.Seq);
        _state.Operations.Add(applied);
        Operations[operationId] = applied;
        if (_state.Operations.Count > KeepOperations + KeepOperations / 10)
        {
            var drop = _state.Operations.Count - KeepOperations;
            foreach (var old in _state.Operations.Take(drop))
            {
                if (Operations.TryGetValue(old.Id, out var current) && current == old)
                {
                    Operations.Remove(old.Id);
                }
            }

            _state.Operations.RemoveRange(0, drop);
        }
    }

    private static void RequireRole(Actor actor, string what, params string[] roles)
    {
        if (!actor.Roles.Any(roles.Contains))
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only {string.Join(", ", roles.Where(r => r != Roles.System))} may {what}.");
        }
    }

    public static decimal RequireQuantity(string field, decimal quantity)
    {
        if (quantity <= 0)
        {
            throw Rejection.Invalid(field, $"'{field}' must be positive.");
        }

        if (quantity > MaxQuantity)
        {
            throw Rejection.Invalid(field, $"'{field}' must not exceed {Catalog.Format(MaxQuantity)}.");
        }

        RequireScale(field, quantity);
        return quantity;
    }

    private static void RequireScale(string field, decimal quantity)
    {
        if (decimal.Round(quantity, MaxDecimals) != quantity)
        {
            throw Rejection.Invalid(field, $"'{field}' has more than {MaxDecimals} decimals.");
        }
    }

    public static string RequireId(string field, string? id)
    {
        var value = (id ?? "").Trim();
        if (value.Length == 0)
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        if (!IdPattern().IsMatch(value))
        {
            throw Rejection.Invalid(field, $"'{field}' must be 1-100 letters, digits, '.', '_', ':' or '-'.");
        }

        return value;
    }

    private static string? OptionalId(string field, string? id) => string.IsNullOrWhiteSpace(id) ? null : RequireId(field, id);

    private static string RequireBatch(string field, string? batch)
    {
        var value = (batch ?? "").Trim();
        if (value.Length == 0)
        {
            throw Rejection.Invalid(field, $"'{field}' is required (the batch or lot number).");
        }

        if (!BatchPattern().IsMatch(value))
        {
            throw Rejection.Invalid(field, $"'{field}' must be 1-64 letters, digits, '.', '_', '/' or '-'.");
        }

        return value;
    }

    private static string RequireOrder(string orderField, string lineField, string? order, int? line)
    {
        var value = Catalog.RequireText(orderField, order, 100);
        if (line is < 1)
        {
            throw Rejection.Invalid(lineField, $"'{lineField}' must be 1 or more.");
        }

        return Reference(value, line);
    }

    private static string? OptionalText(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Catalog.RequireText(field, value, maxLength);

    /// <summary>How a reservation names its order line in the journal: "ORDER" or "ORDER#line".</summary>
    public static string Reference(string order, int? line) => line is null ? order.Trim() : $"{order.Trim()}#{line}";

    private static string Describe(DateOnly? expiry) => expiry?.ToString("yyyy-MM-dd") ?? "none";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchPattern();
}
