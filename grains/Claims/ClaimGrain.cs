using SalesOrleans.Domain;
using SalesOrleans.Domain.Claims;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Claims;

/// <summary>Where a claim's changes go after its write: the read model (claims list, company rollup, analytics).</summary>
public interface IClaimEventSink
{
    Task PublishAsync(ClaimView claim, double? hoursToResolve, CancellationToken ct = default);
}

/// <summary>
/// Thin shell around the <see cref="Claim"/> aggregate: load, run the command, write, publish to the read model, and
/// keep a timer (while active) and one reminder (while asleep) for the deadline, so an overdue claim escalates by itself.
/// </summary>
// Claims are worked for days: an idle one leaves memory after minutes (its reminder wakes it at the deadline).
[CollectionAgeLimit(Minutes = 5)]
public sealed class ClaimGrain(
    [PersistentState("claim", StorageNames.GroupCommit)] IPersistentState<ClaimGrainState> state,
    IDealDirectory directory,
    IClaimEventSink sink,
    IGrainFactory grains,
    TimeProvider clock,
    ILogger<ClaimGrain> logger) : Grain, IClaimGrain, IRemindable
{
    private NextWake? _nextWake;

    private ClaimState S => state.State.Claim;

    private NextWake Wake => _nextWake ??= new NextWake(this, "deadline", () => CheckDeadline(reminderTick: false));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Id == Guid.Empty)
        {
            return;
        }

        // The node may have died between the write and the publication: publish again (the projector keeps the newest seq).
        await Publish();
        await CheckDeadline(reminderTick: false);
    }

    public async Task<ClaimResult> Open(OpenClaimCommand command, ActorInfo actor)
    {
        if (S.Id != Guid.Empty)
        {
            // A retried open by the same person answers the claim as it is.
            return S.CreatedBy == actor.User && S.Reason == command.Reason?.Trim().ToLowerInvariant()
                ? new ClaimResult(View(), null)
                : Refused(new Rejection(RejectionCode.Conflict, $"Claim {this.GetPrimaryKey()} already exists."));
        }

        ClaimOrder? order = null;
        if (command.OrderId is { } orderId)
        {
            if (await grains.GetGrain<IOrderGrain>(orderId).Get() is not { } o)
            {
                return Refused(Rejection.Invalid("orderId", $"Order {orderId} does not exist."));
            }

            order = new ClaimOrder(o.Id, o.Status, o.Customer, o.CompanyId, o.DealId, o.Responsible,
                o.Lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Shipped)),
                o.Lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.First().Name));
            if (order.CompanyId is null && order.DealId is { } dealId && await grains.GetGrain<IDealGrain>(dealId).Get() is { CompanyId: { } fromDeal })
            {
                order = order with { CompanyId = fromDeal };
            }
        }

        var items = command.Items?.Select(i => new ClaimItem(i.Sku ?? "", i.Name, i.Quantity)).ToList();
        var claim = new NewClaim(order, command.CompanyId, command.Company, command.Reason, command.Description, items, command.Responsible, command.DeadlineHours);
        return await Run(c => c.Open(this.GetPrimaryKey(), claim, actor.ToActor(), clock.GetUtcNow()), mustExist: false);
    }

    public Task<ClaimView?> Get() => Task.FromResult(S.Id == Guid.Empty ? null : View());

    public Task<ClaimResult> Assign(string responsible, string? comment, ActorInfo actor) =>
        Run(c => c.Assign(responsible, comment, actor.ToActor(), clock.GetUtcNow()));

    public Task<ClaimResult> Escalate(string? comment, ActorInfo actor) =>
        Run(c => c.Escalate(comment, actor.ToActor(), clock.GetUtcNow()));

    public Task<ClaimResult> Resolve(ResolveClaimCommand command, ActorInfo actor) =>
        Run(c => c.Resolve(command.Resolution, command.Cost, command.Comment, actor.ToActor(), clock.GetUtcNow()));

    public Task<ClaimResult> AddNote(string text, ActorInfo actor) =>
        Run(c => c.AddNote(text, actor.ToActor(), clock.GetUtcNow()));

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadline(reminderTick: true);

    private async Task<ClaimResult> Run(Action<Claim> command, bool mustExist = true)
    {
        if (mustExist && S.Id == Guid.Empty)
        {
            return Refused(new Rejection(RejectionCode.NotFound, $"Claim {this.GetPrimaryKey()} does not exist."));
        }

        var before = S.Seq;
        try
        {
            command(new Claim(S, directory));
        }
        catch (Rejection rejection)
        {
            if (!mustExist)
            {
                state.State.Claim = new ClaimState();
            }

            return Refused(rejection);
        }

        if (S.Seq != before)
        {
            await Save();
        }

        await CheckDeadline(reminderTick: false);
        return new ClaimResult(View(), null);
    }

    private async Task Save()
    {
        await state.WriteStateAsync();
        await Publish();
    }

    private async Task Publish()
    {
        try
        {
            await sink.PublishAsync(View(), new Claim(S, directory).HoursToResolve());
        }
        catch (Exception ex)
        {
            // The grain's state is the truth; the next activation (or command) publishes again.
            logger.LogWarning(ex, "Claim {ClaimId}: publishing seq {Seq} failed", S.Id, S.Seq);
        }
    }

    private async Task CheckDeadline(bool reminderTick)
    {
        if (S.Id == Guid.Empty)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (new Claim(S, directory).CheckOverdue(now))
        {
            await Save();
        }

        DateTimeOffset? wake = S.Status == ClaimStatus.Open && S.OverdueAt is null ? S.Deadline : null;
        var due = await Wake.ArmAsync(wake, state.State.ReminderDueAt, now, reminderTick);
        if (due != state.State.ReminderDueAt)
        {
            state.State.ReminderDueAt = due;
            await state.WriteStateAsync();
        }
    }

    private ClaimView View() => S.ToView();

    private static ClaimResult Refused(Rejection rejection) => new(null, rejection.ToError());
}

/// <summary>The claim grain's stored record: the claim and its reminder bookkeeping.</summary>
public sealed class ClaimGrainState
{
    public ClaimState Claim { get; set; } = new();

    public DateTimeOffset? ReminderDueAt { get; set; }
}

public static class ClaimViews
{
    public static ClaimView ToView(this ClaimState s) => new(
        s.Id, s.OrderId, s.DealId, s.CompanyId, s.Company, s.Reason, s.Description,
        s.Items.Select(i => new ClaimItemView(i.Sku, i.Name, i.Quantity)).ToList(),
        s.Responsible, s.Department, s.Status.ToString(), s.CreatedAt, s.CreatedBy, s.Deadline, s.OverdueAt, s.EscalatedTo, s.EscalatedAt,
        s.Resolution?.ToString().ToLowerInvariant(), s.Cost, s.ResolutionComment, s.ResolvedAt, s.ResolvedBy, s.Manager,
        s.Journal.Select(a => new ClaimActivityView(a.Seq, a.At, a.Actor, a.Kind, a.Text)).ToList(), s.Seq);
}
