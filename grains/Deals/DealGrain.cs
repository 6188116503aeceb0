using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Infrastructure;
using SalesOrleans.Processes;

namespace SalesOrleans.Deals;

/// <summary>
/// Thin shell around the <see cref="Deal"/> aggregate: load state and process, run the command, write state with its
/// outbox in one write, publish, and keep a timer (while active) and one reminder (while asleep) for the next deadline.
/// </summary>
public sealed class DealGrain(
    [PersistentState("deal", StorageNames.GroupCommit)] IPersistentState<DealGrainState> state,
    IProcessCatalog catalog,
    IDealDirectory directory,
    IDealEventSink sink,
    TimeProvider clock,
    ILogger<DealGrain> logger,
    Microsoft.Extensions.Options.IOptions<DealOptions> options) : Grain, IDealGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";

    private ProcessDefinition? _process;
    private NextWake? _nextWake;
    private OutboxDelivery? _delivery;

    private OutboxDelivery Delivery => _delivery ??= new OutboxDelivery(this, logger, $"deal {this.GetPrimaryKey()}");

    /// <summary>Overdue tasks are counted in the metrics once, up to this seq.</summary>
    private long _overdueCountedSeq;

    // With ReplyBeforeProjection: the publication running behind the replies, the newest view and who had a share before.
    private Task? _behind;
    private DealView? _behindView;
    private HashSet<string>? _behindPeople;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Deal.Exists)
        {
            return;
        }

        var deal = await Load();
        if (state.State.Deal.Outbox.Count > 0)
        {
            // The node may have died between the write and the publish: deliver again (consumers dedupe).
            await TryPublish(deal, deal.ToView(), republish: true, sharesBefore: null);
        }
        else
        {
            Delivery.DeliveredSeq = state.State.Deal.Seq;
        }

        await CheckDeadlines(fromReminderTick: false);
    }

    public async Task<DealResult> Create(CreateDealCommand command, ActorInfo actor)
    {
        if (state.State.Deal.Exists)
        {
            // A retried create with the same id is answered with the deal as it is.
            return state.State.Deal.CreatedBy == actor.User && state.State.Deal.Title == command.Title?.Trim()
                ? new DealResult((await Load()).ToView(), null)
                : Refused(new Rejection(RejectionCode.Conflict, $"Deal {this.GetPrimaryKey()} already exists."));
        }

        if (string.IsNullOrWhiteSpace(command.ProcessKind))
        {
            return Refused(Rejection.Invalid("processKind", "'processKind' is required."));
        }

        var process = await catalog.GetLatestAsync(command.ProcessKind.Trim());
        if (process is null)
        {
            return Refused(Rejection.Invalid("processKind", $"Unknown process '{command.ProcessKind}'."));
        }

        var deal = new Deal(state.State.Deal, process, directory);
        var lines = command.Lines?.Select(l => l.ToLine()).ToList();
        var newDeal = new NewDeal(command.Title, command.Company, command.Contact, command.Owner, command.Department, command.Amount, command.Currency, lines, command.Parameters,
            command.CompanyId, command.ContactId, command.Parent is { } parent ? new SubProcessOrigin(parent.DealId, parent.Title, parent.Stage) : null);
        return await Execute(deal, d => d.Start(this.GetPrimaryKey(), newDeal, actor.ToActor(), clock.GetUtcNow()));
    }

    public async Task<DealView?> Get() => state.State.Deal.Exists ? (await Load()).ToView() : null;

    public async Task<DealResult> Move(MoveDealCommand command, ActorInfo actor)
    {
        Deal? moved = null;
        var result = await Run(d =>
        {
            moved = d;
            d.Move(command.ToStage, actor.ToActor(), command.LostReason, command.Comment, clock.GetUtcNow(), command.CancelOpenTasks);
        });

        // The answer says which open tasks the move cancelled.
        return result.Ok && moved is not null
            ? result with { Deal = result.Deal! with { CancelledTasks = moved.CancelledByMove.Select(t => t.ToView()).ToList() } }
            : result;
    }

    public async Task<CommandError?> AcceptOrderLink(Guid orderId, ActorInfo creator)
    {
        if (!state.State.Deal.Exists)
        {
            return new Rejection(RejectionCode.NotFound, $"Deal {this.GetPrimaryKey()} does not exist.", "dealId").ToError();
        }

        try
        {
            (await Load()).AcceptOrderLink(orderId, creator.ToActor());
            return null;
        }
        catch (Rejection rejection)
        {
            return rejection.ToError();
        }
    }

    public Task<DealResult> Reopen(ReopenDealCommand command, ActorInfo actor) =>
        Run(d => d.Reopen(actor.ToActor(), command.Comment, clock.GetUtcNow()));

    public Task<DealResult> ChangeDetails(ChangeDealDetailsCommand command, bool orderExists, ActorInfo actor) =>
        Run(d => d.ChangeDetails(new DealDetailsChange(command.Title, command.Amount, command.Currency, command.ExpectedCloseDate, command.Owner),
            orderExists, actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> CompleteTask(CompleteTaskCommand command, ActorInfo actor) =>
        Run(d => d.CompleteTask(command.TaskId, command.Result, actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> ReassignTask(ReassignTaskCommand command, ActorInfo actor) =>
        Run(d => d.ReassignTask(command.TaskId, command.Executor, actor.ToActor(), command.Reason, clock.GetUtcNow()));

    public Task<DealResult> AttachDocument(AttachDocumentCommand command, ActorInfo actor) =>
        Run(d => d.AttachDocument(new DocumentInfo(command.DocumentId, command.Kind, command.FileName, command.ContentType, command.Size), actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> SetParameters(SetParametersCommand command, ActorInfo actor) =>
        Run(d => d.SetParameters(command.Values ?? new Dictionary<string, string?>(), actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> AddNote(AddNoteCommand command, ActorInfo actor) =>
        Run(d => d.AddNote(command.Text, actor.ToActor(), clock.GetUtcNow(), command.Key));

    public Task<DealResult> SetParty(EnvironmentPartyView party, ActorInfo actor) =>
        Run(d => d.SetParty(party.ToParty(), actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> RemoveParty(string partyId, ActorInfo actor) =>
        Run(d => d.RemoveParty(partyId, actor.ToActor(), clock.GetUtcNow()));

    public Task<DealResult> SetLines(SetDealLinesCommand command, bool orderExists, ActorInfo actor) =>
        Run(d => d.SetLines((command.Lines ?? []).Select(l => l.ToLine()).ToList(), orderExists, actor.ToActor(), clock.GetUtcNow()));

    public async Task ReportOrderProblem(string problem)
    {
        if (state.State.Deal.Exists)
        {
            await Run(d => d.ReportOrderProblem(problem, clock.GetUtcNow()));
        }
    }

    public Task<DealResult> ApplyOrderState(DealOrderStateCommand command) =>
        Run(d => d.ApplyOrderState(new DealOrderInfo(command.OrderId, command.Status, command.Total, command.ProductionPercent, command.ProductionExpectedOn), clock.GetUtcNow()));

    public Task<DealResult> LinkCompany(LinkCompanyCommand command, ActorInfo actor) =>
        Run(d => d.LinkCompany(command.CompanyId, command.CompanyName, command.ContactId, command.ContactName, actor.ToActor(), clock.GetUtcNow()));

    public async Task<DealResult> ApplySubProcessState(SubProcessStateCommand command)
    {
        if (!SubProcessStates.TryGetValue(command.Status ?? "", out var status))
        {
            return Refused(Rejection.Invalid("status", $"'status' must be one of {string.Join(", ", SubProcessStates.Keys)}."));
        }

        return await Run(d => d.ApplySubProcessState(command.ChildId, status, command.Reason, clock.GetUtcNow()));
    }

    public async Task TellSubProcessState(SubProcessStateCommand command)
    {
        var result = await ApplySubProcessState(command);
        if (!result.Ok)
        {
            logger.LogWarning("Deal {DealId}: sub-process {ChildId} state not applied: {Error}", this.GetPrimaryKey(), command.ChildId, result.Error!.Message);
        }
    }

    private static readonly Dictionary<string, SubProcessStatus> SubProcessStates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Open"] = SubProcessStatus.Running,
        ["Won"] = SubProcessStatus.Won,
        ["Lost"] = SubProcessStatus.Lost,
        ["Failed"] = SubProcessStatus.Failed,
    };

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadlines(fromReminderTick: true);

    private async Task<DealResult> Run(Action<Deal> command)
    {
        if (!state.State.Deal.Exists)
        {
            return Refused(new Rejection(RejectionCode.NotFound, $"Deal {this.GetPrimaryKey()} does not exist."));
        }

        var t = DealCommandTimings.Start();
        var deal = await Load();
        DealCommandTimings.Stop(DealCommandTimings.Phase.Load, t);
        return await Execute(deal, command, t);
    }

    private async Task<DealResult> Execute(Deal deal, Action<Deal> command, long started = 0)
    {
        var t = DealCommandTimings.Start();
        var begin = started != 0 ? started : t;
        var sharesBefore = deal.WorkloadShares();
        try
        {
            command(deal);
        }
        catch (Rejection rejection)
        {
            return Refused(rejection);
        }

        t = DealCommandTimings.Stop(DealCommandTimings.Phase.Command, t);
        var view = deal.ToView();
        DealCommandTimings.Stop(DealCommandTimings.Phase.View, t);
        if (deal.Recorded.Count > 0)
        {
            await Commit(deal, view, sharesBefore);
        }

        DealCommandTimings.Stop(DealCommandTimings.Phase.InGrain, begin);
        return new DealResult(view, null);
    }

    private async Task CheckDeadlines(bool fromReminderTick)
    {
        if (!state.State.Deal.Exists)
        {
            return;
        }

        var deal = await Load();
        var sharesBefore = deal.WorkloadShares();
        deal.CheckDeadlines(clock.GetUtcNow());
        if (deal.Recorded.Count > 0)
        {
            await Commit(deal, deal.ToView(), sharesBefore, fromReminderTick);
        }
        else
        {
            await ScheduleWake(deal, fromReminderTick, inCommand: false);
        }
    }

    private async Task Commit(Deal deal, DealView view, IReadOnlyDictionary<string, WorkloadShare> sharesBefore, bool fromReminderTick = false)
    {
        var t = DealCommandTimings.Start();
        state.State.Deal.Outbox.RemoveAll(a => a.Seq <= Delivery.DeliveredSeq);
        DealHistoryBound.Trim(state.State.Deal, Delivery.DeliveredSeq);
        try
        {
            await ScheduleWake(deal, fromReminderTick, inCommand: true);
            t = DealCommandTimings.Stop(DealCommandTimings.Phase.Prepare, t);
            await state.WriteStateAsync();
            t = DealCommandTimings.Stop(DealCommandTimings.Phase.Write, t);
        }
        catch
        {
            // Memory may now differ from storage: start over from what was stored.
            DeactivateOnIdle();
            throw;
        }

        // Each flag once, even when an unpublished outbox is still there at the next command.
        var counted = Math.Max(Delivery.DeliveredSeq, _overdueCountedSeq);
        SalesMetrics.TasksOverdue.Add(state.State.Deal.Outbox.Count(a => a.Seq > counted && a.Kind == ActivityKind.TaskOverdue));
        _overdueCountedSeq = state.State.Deal.Seq;

        if (options.Value.ReplyBeforeProjection)
        {
            PublishBehind(view, sharesBefore);
        }
        else
        {
            await TryPublish(deal, view, republish: false, sharesBefore.Keys);
        }

        DealCommandTimings.Stop(DealCommandTimings.Phase.AfterWrite, t);
    }

    /// <summary>
    /// Publishes after the reply (the write is durable, the outbox in it): one publication at a time per deal, each
    /// carrying everything committed since the last (commands that landed meanwhile are coalesced into one). A failed
    /// delivery is retried by the outbox delivery's follow-up work; a node dying first leaves the outbox to the sweep.
    /// </summary>
    private void PublishBehind(DealView view, IReadOnlyDictionary<string, WorkloadShare> sharesBefore)
    {
        _behindView = view;
        (_behindPeople ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(sharesBefore.Keys);
        if (_behind is not { IsCompleted: false })
        {
            _behind = PublishPending();
        }
    }

    private async Task PublishPending()
    {
        // The reply goes first.
        await Task.Yield();
        try
        {
            while (state.State.Deal.Exists && Delivery.DeliveredSeq < state.State.Deal.Seq)
            {
                var people = _behindPeople;
                _behindPeople = null;
                var deal = await Load();
                var view = _behindView is { } newest && newest.Seq == state.State.Deal.Seq ? newest : deal.ToView();
                var before = Delivery.DeliveredSeq;
                await TryPublish(deal, view, republish: people is null, people);
                if (Delivery.DeliveredSeq == before)
                {
                    // Failed: the follow-up work retries (with everyone involved told).
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Publishing deal {Deal} behind its replies failed; the sweep delivers its outbox", this.GetPrimaryKey());
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_behind is { IsCompleted: false } behind)
        {
            // Let a publication under way land; what does not stays in the stored outbox for the next activation or the sweep.
            await Task.WhenAny(behind, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>
    /// The sweep's wake-up (FollowUpSweeper): delivers the outbox (as after a crash: everyone involved is told their share),
    /// then writes the state without it so the mark clears.
    /// </summary>
    public async Task Resume()
    {
        var s = state.State.Deal;
        if (!s.Exists)
        {
            return;
        }

        // Woken for a deadline (DueWakeSweeper): flag what is due; this writes the next wake.
        await CheckDeadlines(fromReminderTick: false);

        await Delivery.ResumeAsync(s.Seq, s.Outbox, async () =>
            {
                var deal = await Load();
                await TryPublish(deal, deal.ToView(), republish: true, sharesBefore: null);
            }, () => state.WriteStateAsync());
    }

    /// <summary>Delivers the outbox to this node's consumers and the workload shares to the people involved; retried on failure.</summary>
    private async Task TryPublish(Deal deal, DealView view, bool republish, IEnumerable<string>? sharesBefore)
    {
        var s = state.State.Deal;
        await Delivery.DeliverAsync(s.Seq, async from =>
            {
                var activities = s.Outbox.Where(a => a.Seq > from).ToList();
                var changedTasks = s.Tasks.Where(t => t.UpdatedSeq > from).Select(t => t.Id).ToList();
                var timer = DealCommandTimings.Start();
                await sink.PublishAsync(new DealPublication(view, activities, changedTasks));
                timer = DealCommandTimings.Stop(DealCommandTimings.Phase.Project, timer);

                var sharesAfter = deal.WorkloadShares();
                // After a crash we no longer know who had a share before, so everyone the deal ever involved is told.
                var people = republish || sharesBefore is null
                    ? s.Tasks.Select(t => t.Executor).Append(s.Owner).ToHashSet()
                    : sharesBefore.Concat(sharesAfter.Keys).ToHashSet();
                await Task.WhenAll(people.Select(person =>
                {
                    var share = sharesAfter.GetValueOrDefault(person, WorkloadShare.None);
                    return GrainFactory.GetGrain<IManagerGrain>(person)
                        .ReportShare(new WorkloadShareReport(s.Id, s.Seq, share.OpenTasks, share.OverdueTasks, share.OpenDeals));
                }));
                DealCommandTimings.Stop(DealCommandTimings.Phase.Shares, timer);
            },
            async () =>
            {
                var current = await Load();
                await TryPublish(current, current.ToView(), republish: true, sharesBefore: null);
            });
    }

    /// <summary>Arms the next wake; a change of the reminder is written here only outside a command (which writes anyway).</summary>
    private async Task ScheduleWake(Deal deal, bool fromReminderTick, bool inCommand)
    {
        var now = clock.GetUtcNow();
        var due = await Wake.ArmAsync(deal.NextWakeAt, state.State.ReminderDueAt, now, fromReminderTick);
        // A command keeps a stored wake that is still ahead and earlier than the new one (issue 12): wake_at is indexed,
        // so changing it makes the state write a non-HOT update with new entries in all of grain_state's indexes, and most
        // commands would change it (a task done, a task added). Waking early is harmless: the wake finds nothing due and
        // stores the exact next one (outside a command, below). A timer for the exact wake is armed all the same.
        if (inCommand && state.State.ReminderDueAt is { } stored && stored > now && (due is null || due > stored))
        {
            due = stored;
        }

        // A tick of a reminder an earlier version registered (now dropped) writes too, so the wake lands in grain_state.wake_at.
        if (due != state.State.ReminderDueAt || (fromReminderTick && !inCommand))
        {
            state.State.ReminderDueAt = due;
            if (!inCommand)
            {
                await state.WriteStateAsync();
            }
        }
    }

    // No reminder: the next wake is stored with the state (grain_state.wake_at) and DueWakeSweeper wakes a sleeping deal.
    // (Where deals are not in the group-commit storage — the in-memory grain tests — nothing sweeps: a reminder, as before.)
    private NextWake Wake => _nextWake ??= new NextWake(this, DeadlineReminder, () => CheckDeadlines(fromReminderTick: false),
        useReminder: ServiceProvider.GetKeyedService<IGrainStateMarks>(StorageNames.GroupCommit) is null);

    private async Task<Deal> Load()
    {
        var s = state.State.Deal;
        _process ??= await catalog.GetAsync(s.ProcessKind, s.ProcessVersion)
            ?? throw new InvalidOperationException($"Process {s.ProcessKind} v{s.ProcessVersion} of deal {s.Id} is missing.");
        return new Deal(s, _process, directory);
    }

    private static DealResult Refused(Rejection rejection) => new(null, rejection.ToError());
}

/// <summary>The deal grain's stored record: the deal itself and the grain's own bookkeeping.</summary>
public sealed class DealGrainState : IWorkDue, IWakeDue
{
    public DealState Deal { get; set; } = new();

    /// <summary>
    /// Events in the outbox may not have reached the read model and the managers' workloads (they are published after the write): stored with the
    /// state, so if the node dies first a survivor's sweep wakes the grain (FollowUpSweeper). Cleared by the write after
    /// they went out.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => Deal.Outbox.Count > 0;

    /// <summary>When the deal next wakes for a deadline (stored as grain_state.wake_at); null when nothing is ahead.</summary>
    public DateTimeOffset? ReminderDueAt { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? WakeAt => ReminderDueAt;
}
