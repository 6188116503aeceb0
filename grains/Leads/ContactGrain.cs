using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// A contact's history, responsibility and tasks. Calls no other grain, so leads, calls and identities may call it
/// freely. A timer (while active) and one reminder (asleep) flag overdue tasks and escalate them, as deals do.
/// </summary>
// Customers come and go all day: an idle one leaves memory after minutes, not the default quarter hour.
[CollectionAgeLimit(Minutes = 5)]
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.GroupCommit)] IPersistentState<ContactGrainState> state,
    ILeadDirectory directory,
    IOptions<LeadOptions> options,
    ILeadEventSink sink,
    TimeProvider clock,
    ILogger<ContactGrain> logger) : Grain, IContactGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";

    private OutboxDelivery? _delivery;
    private NextWake? _nextWake;

    private ContactState S => state.State.Contact;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Outbox.Count > 0)
        {
            await TryPublish([]);
        }
        else
        {
            Delivery.DeliveredSeq = S.Seq;
        }

        if (S.Exists)
        {
            await CheckDeadlines(reminderTick: false);
        }
    }

    public async Task<ContactView> Register(InquiryInfo inquiry, Guid leadId, string? department, string? responsible)
    {
        await Run(c => c.Register(this.GetPrimaryKey(), inquiry, leadId, department, responsible, clock.GetUtcNow()));
        return S.ToView();
    }

    public Task<ContactView?> Get() => Task.FromResult(S.Exists ? S.ToView() : null);

    public async Task<ContactView?> RecordInquiry(InquiryInfo inquiry, string? notify)
    {
        if (!S.Exists)
        {
            return null;
        }

        await Run(c => c.RecordInquiry(inquiry, clock.GetUtcNow()));
        return S.ToView();
    }

    public Task AddIdentity(string identity) => Run(c => c.AddIdentity(identity, clock.GetUtcNow()));

    public Task SetResponsible(string user, string? department) => Run(c => c.SetResponsible(user, department, clock.GetUtcNow()));

    public Task LeadClosed(Guid leadId, Guid? dealId, string? dealOwner) => Run(c => c.LeadClosed(leadId, dealId, dealOwner, clock.GetUtcNow()));

    public Task Log(string kind, string text, string actor) => Run(c => c.Log(kind, text, actor, clock.GetUtcNow()));

    public Task LogOnce(string key, string kind, string text, string actor) => Run(c => c.Log(kind, text, actor, clock.GetUtcNow(), key));

    public async Task<ContactView> Import(ImportedContact contact, ActorInfo actor)
    {
        await Run(c => c.Import(this.GetPrimaryKey(), contact, actor.User, clock.GetUtcNow()));
        return S.ToView();
    }

    public async Task<ContactResult> AddTask(NewContactTask task, ActorInfo actor)
    {
        var who = actor.ToActor();
        if (!who.ActsAsSupervisor && !actor.Roles.Contains(Roles.Marketer) && actor.User != S.Responsible)
        {
            return new ContactResult(null, new Rejection(RejectionCode.Forbidden, "Only marketers, supervisors and the responsible manager give tasks about a contact.").ToError());
        }

        return await RunResult(c => c.AddTask(task, who, clock.GetUtcNow()));
    }

    public Task<ContactResult> CompleteTask(string taskId, string? result, ActorInfo actor) =>
        RunResult(c => c.CompleteTask(taskId, result, actor.ToActor(), clock.GetUtcNow()));

    public Task<ContactResult> ReassignTask(string taskId, string executor, string? reason, ActorInfo actor) =>
        RunResult(c => c.ReassignTask(taskId, executor, reason, actor.ToActor(), clock.GetUtcNow()));

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadlines(reminderTick: true);

    private Task CheckDeadlines(bool reminderTick) =>
        S.Exists ? Run(c => c.CheckDeadlines(clock.GetUtcNow(), options.Value.TaskEscalationGraceHours), reminderTick) : Task.CompletedTask;

    private async Task<ContactResult> RunResult(Action<Contact> command)
    {
        if (!S.Exists)
        {
            return new ContactResult(null, new Rejection(RejectionCode.NotFound, $"Contact {this.GetPrimaryKey()} does not exist.").ToError());
        }

        try
        {
            await Run(command);
        }
        catch (Rejection rejection)
        {
            return new ContactResult(null, rejection.ToError());
        }

        return new ContactResult(S.ToView(), null);
    }

    // A refused command throws before touching state (the aggregate checks first), so only successes are written.
    private async Task Run(Action<Contact> command, bool reminderTick = false)
    {
        var contact = new Contact(S, directory, options.Value.HeadOfSales);
        command(contact);
        if (contact.Recorded.Count == 0)
        {
            await ScheduleWake(contact, reminderTick, inCommand: false);
            return;
        }

        var changedTasks = S.Tasks.Where(t => t.UpdatedSeq > Delivery.DeliveredSeq).Select(t => t.Id).ToList();
        S.Outbox.RemoveAll(a => a.Seq <= Delivery.DeliveredSeq);
        try
        {
            await ScheduleWake(contact, reminderTick: false, inCommand: true);
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        await TryPublish(changedTasks);
    }

    /// <summary>The sweep's wake-up (FollowUpSweeper): delivers the outbox, then writes the state without it so the mark clears.</summary>
    public Task Resume() => S.Exists ? Delivery.ResumeAsync(S.Seq, S.Outbox, () => TryPublish([]), () => state.WriteStateAsync()) : Task.CompletedTask;

    private Task TryPublish(IReadOnlyList<string> changedTasks) =>
        Delivery.DeliverAsync(S.Seq, from =>
            {
                var tasks = changedTasks.Count > 0 ? changedTasks : S.Tasks.Where(t => t.UpdatedSeq > from).Select(t => t.Id).ToList();
                return sink.PublishContactAsync(new ContactPublication(S.ToView(), S.Outbox.Where(a => a.Seq > from).ToList(), tasks));
            },
            () => TryPublish([]));

    private OutboxDelivery Delivery => _delivery ??= new OutboxDelivery(this, logger, $"contact {this.GetPrimaryKey()}");

    /// <summary>A timer for the next task deadline while active; one reminder, moved only when the wake comes earlier.</summary>
    private async Task ScheduleWake(Contact contact, bool reminderTick, bool inCommand)
    {
        var due = await Wake.ArmAsync(contact.NextWakeAt, state.State.ReminderDueAt, clock.GetUtcNow(), reminderTick);
        if (due != state.State.ReminderDueAt)
        {
            state.State.ReminderDueAt = due;
            if (!inCommand)
            {
                await state.WriteStateAsync();
            }
        }
    }

    private NextWake Wake => _nextWake ??= new NextWake(this, DeadlineReminder, () => CheckDeadlines(reminderTick: false));
}

/// <summary>The contact grain's stored record: the contact and the grain's reminder bookkeeping.</summary>
public sealed class ContactGrainState : IWorkDue
{
    public ContactState Contact { get; set; } = new();

    /// <summary>
    /// Events in the outbox may not have reached the read model (they are published after the write): stored with the
    /// state, so if the node dies first a survivor's sweep wakes the grain (FollowUpSweeper). Cleared by the write after
    /// they went out.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => Contact.Outbox.Count > 0;

    public DateTimeOffset? ReminderDueAt { get; set; }
}
