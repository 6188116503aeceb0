using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;
using SalesOrleans.Processes;

namespace SalesOrleans.Leads;

/// <summary>
/// Thin shell around the <see cref="Lead"/> aggregate: run the command, write state and outbox in one write,
/// publish, then tell the queue and the contact. A timer (active) and one reminder (asleep) watch the SLA.
/// Calls the queue, the contact and the deal; none of them calls a lead back inside a call of theirs.
/// </summary>
// Customers come and go all day: an idle one leaves memory after minutes, not the default quarter hour.
[CollectionAgeLimit(Minutes = 5)]
public sealed class LeadGrain(
    [PersistentState("lead", StorageNames.GroupCommit)] IPersistentState<LeadGrainState> state,
    ILeadDirectory directory,
    IOptions<LeadOptions> options,
    IProcessCatalog catalog,
    ILeadEventSink sink,
    TimeProvider clock,
    ILogger<LeadGrain> logger) : Grain, ILeadGrain, IRemindable
{
    private const string SlaReminder = "sla";

    private NextWake? _nextWake;
    private OutboxDelivery? _delivery;

    private LeadState S => state.State.Lead;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists)
        {
            return;
        }

        if (S.Outbox.Count > 0)
        {
            await TryPublish();
        }
        else
        {
            Delivery.DeliveredSeq = S.Seq;
        }

        await CheckSla(reminderTick: false);
    }

    public async Task<LeadResult> Open(OpenLeadCommand command)
    {
        if (S.Exists)
        {
            return S.InquiryKey == command.Inquiry.Key
                ? new LeadResult(Domain().ToView(), null)
                : Refused(new Rejection(RejectionCode.Conflict, $"Lead {this.GetPrimaryKey()} already exists."));
        }

        var lead = Domain();
        try
        {
            lead.Open(this.GetPrimaryKey(), command, clock.GetUtcNow());
            // The queue's decision goes into the same write: the queue answers a repeated request for this lead the
            // same way, so a crash before the write only repeats the question. The contact is told by its registrar.
            if (S.Department != Lead.Triage)
            {
                await AskQueue(lead);
            }
        }
        catch (Rejection rejection)
        {
            state.State.Lead = new LeadState();
            return Refused(rejection);
        }
        catch
        {
            state.State.Lead = new LeadState();
            throw;
        }

        await Commit(lead);
        SalesMetrics.LeadsCreated.Add(1, new KeyValuePair<string, object?>("department", S.Department));
        RecordAssignment();
        return new LeadResult(Domain().ToView(), null);
    }

    public Task<LeadView?> Get() => Task.FromResult(S.Exists ? Domain().ToView() : null);

    public Task<LeadResult> Assign(string assignee, string? reason, ActorInfo actor) =>
        Run(l => l.Assign(assignee, reason, actor.ToActor(), clock.GetUtcNow()), AfterAssignment);

    public Task<LeadResult> Take(ActorInfo actor) =>
        Run(l => l.Take(actor.ToActor(), clock.GetUtcNow()), AfterAssignment);

    public Task<LeadResult> AnsweredBy(string user, string callId) =>
        Run(l => l.AssignToAnswerer(user, callId, clock.GetUtcNow()), AfterAssignment);

    public Task<LeadResult> StartQualifying(string? note, ActorInfo actor) =>
        Run(l => l.StartQualifying(note, actor.ToActor(), clock.GetUtcNow()));

    public Task<LeadResult> Disqualify(string reason, ActorInfo actor) =>
        Run(l => l.Disqualify(reason, actor.ToActor(), clock.GetUtcNow()), async before =>
        {
            await ReleaseFromQueue(before.Assignee);
            await GrainFactory.GetGrain<IContactGrain>(S.ContactId).LeadClosed(S.Id, null, null);
        });

    public async Task<LeadResult> Convert(ConvertLeadCommand command, ActorInfo actor)
    {
        if (!S.Exists)
        {
            return NotFound();
        }

        var lead = Domain();
        try
        {
            lead.CheckConversion(command, actor.ToActor());
        }
        catch (Rejection rejection)
        {
            return Refused(rejection);
        }

        var process = await catalog.GetLatestAsync(command.ProcessKind.Trim());
        if (process is null)
        {
            return Refused(Rejection.Invalid("processKind", $"Unknown process '{command.ProcessKind}'."));
        }

        // The deal gets what the lead learned, in whichever of the process's fields can hold it.
        var parameters = new Dictionary<string, string>();
        void Put(string value, params string[] names)
        {
            if (process.Fields.FirstOrDefault(f => names.Contains(f.Name, StringComparer.OrdinalIgnoreCase)) is { } field)
            {
                parameters[field.Name] = value.Trim();
            }
        }

        Put(command.Needs!, "needs", "need", "request");
        Put(command.LegalDetails!, "legalDetails");
        Put(command.Contacts!, "contacts");
        var company = (string.IsNullOrWhiteSpace(command.Company) ? S.Company : command.Company.Trim())!;
        var title = string.IsNullOrWhiteSpace(command.Title) ? $"{company}: {Shorten(command.Needs!)}" : command.Title.Trim();
        var owner = S.Assignee!;
        // The deal's id is the lead's: a retried conversion finds the deal it already made.
        var created = await GrainFactory.GetGrain<IDealGrain>(S.Id).Create(
            new CreateDealCommand(process.Kind, title, company, string.IsNullOrWhiteSpace(command.Contact) ? S.Name : command.Contact.Trim(), owner, S.Department,
                command.Lines is { Count: > 0 } ? null : command.Amount, command.Currency, command.Lines, parameters), actor);
        if (!created.Ok)
        {
            return new LeadResult(null, created.Error);
        }

        // The lead's company record goes with it (the deal keeps the name as text for display).
        if (S.CompanyId is { } companyId && created.Deal is { CompanyId: null })
        {
            await GrainFactory.GetGrain<IDealGrain>(S.Id).LinkCompany(new LinkCompanyCommand(companyId, company, S.ContactId, S.Name), actor);
        }

        return await Run(l => l.MarkConverted(S.Id, process.Kind, actor.ToActor(), clock.GetUtcNow()), async before =>
        {
            await ReleaseFromQueue(before.Assignee);
            await GrainFactory.GetGrain<IContactGrain>(S.ContactId).LeadClosed(S.Id, S.Id, owner);
        });
    }

    public async Task<bool> HandOver(string from, string to, string reason)
    {
        if (!S.Exists)
        {
            return false;
        }

        var lead = Domain();
        if (!lead.HandOver(from, to, reason, clock.GetUtcNow()))
        {
            return false;
        }

        // The queue that asked has already moved its count; only the contact learns who is responsible now.
        await Commit(lead);
        await GrainFactory.GetGrain<IContactGrain>(S.ContactId).SetResponsible(to, S.Department);
        return true;
    }

    public Task<LeadResult> AddInquiry(InquiryInfo inquiry) => Run(l => l.AddInquiry(inquiry, clock.GetUtcNow()));

    public async Task Log(string text, string actor)
    {
        if (S.Exists)
        {
            await Run(l => l.Note(text, actor, clock.GetUtcNow()));
        }
    }

    public async Task<bool> LogOnce(string key, string text, string actor)
    {
        if (!S.Exists)
        {
            return false;
        }

        if (S.Status == LeadStatus.Converted)
        {
            // The deal carries the customer now; a note the lead already holds (written before the conversion) stays the only one.
            if (Domain().ForwardedNoteTarget(key) is { } dealId)
            {
                await GrainFactory.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text, key), new ActorInfo(actor, [actor]));
            }

            return true;
        }

        await Run(l => l.Note(text, actor, clock.GetUtcNow(), key));
        return true;
    }

    public Task<LeadResult> AddNote(string text, ActorInfo actor) => Run(l => l.Note(text, actor.User, clock.GetUtcNow()));

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckSla(reminderTick: true);

    private sealed record Before(string? Assignee, string Department);

    private async Task<LeadResult> Run(Action<Lead> command, Func<Before, Task>? after = null)
    {
        if (!S.Exists)
        {
            return NotFound();
        }

        var before = new Before(S.Assignee, S.Department);
        var lead = Domain();
        try
        {
            command(lead);
        }
        catch (Rejection rejection)
        {
            return Refused(rejection);
        }

        if (lead.Recorded.Count > 0)
        {
            await Commit(lead);
            if (after is not null)
            {
                await after(before);
            }
        }

        return new LeadResult(Domain().ToView(), null);
    }

    /// <summary>After a hand assignment or a take: the queues count it, the contact learns who is responsible.</summary>
    private async Task AfterAssignment(Before before)
    {
        if (before.Assignee is not null && before.Department != Lead.Triage)
        {
            await Queue(before.Department).Release(S.Id);
        }

        if (S.Department != Lead.Triage && S.Assignee is not null)
        {
            await Queue(S.Department).NoteAssigned(S.Id, S.Assignee);
        }

        RecordAssignment();

        await GrainFactory.GetGrain<IContactGrain>(S.ContactId).SetResponsible(S.Assignee!, S.Department == Lead.Triage ? null : S.Department);
    }

    private async Task AskQueue(Lead lead)
    {
        var decision = await Queue(S.Department).RequestAssignment(S.Id);
        var now = clock.GetUtcNow();
        if (decision.Assignee is not null && S.Status == LeadStatus.New)
        {
            try
            {
                lead.Assign(decision.Assignee, decision.Reason, Actor.System, now);
            }
            catch (Rejection rejection)
            {
                // The person left between the queue's snapshot and now: the lead waits for a supervisor.
                logger.LogWarning("Lead {LeadId}: queue pick {User} refused: {Message}", S.Id, decision.Assignee, rejection.Message);
                lead.Note($"The queue picked {decision.Assignee}, who cannot take leads: {rejection.Message}", Roles.System, now);
            }
        }
        else if (decision.Assignee is null)
        {
            lead.Note($"Waiting in the {S.Department} queue: {decision.Reason}", Roles.System, now);
        }

    }

    private async Task ReleaseFromQueue(string? assignee)
    {
        if (S.Department != Lead.Triage)
        {
            await Queue(S.Department).Release(S.Id);
        }
    }

    private void RecordAssignment()
    {
        if (S.Assignee is not null)
        {
            SalesMetrics.AssignmentLatency.Record(Math.Max(0, (clock.GetUtcNow() - S.CreatedAt).TotalSeconds),
                new KeyValuePair<string, object?>("department", S.Department));
        }
    }

    private ILeadQueueGrain Queue(string department) => GrainFactory.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf(department));

    private async Task CheckSla(bool reminderTick)
    {
        if (!S.Exists)
        {
            return;
        }

        var lead = Domain();
        lead.CheckSla(clock.GetUtcNow());
        if (lead.Recorded.Count > 0)
        {
            await Commit(lead);
        }
        else
        {
            await ScheduleWake(lead, reminderTick, inCommand: false);
        }
    }

    private async Task Commit(Lead lead)
    {
        S.Outbox.RemoveAll(a => a.Seq <= Delivery.DeliveredSeq);
        try
        {
            await ScheduleWake(lead, reminderTick: false, inCommand: true);
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        await TryPublish();
    }

    /// <summary>The sweep's wake-up (FollowUpSweeper): delivers the outbox, then writes the state without it so the mark clears.</summary>
    public Task Resume() => S.Exists ? Delivery.ResumeAsync(S.Seq, S.Outbox, TryPublish, () => state.WriteStateAsync()) : Task.CompletedTask;

    private Task TryPublish() =>
        Delivery.DeliverAsync(S.Seq, from => sink.PublishLeadAsync(new LeadPublication(Domain().ToView(), S.Outbox.Where(a => a.Seq > from).ToList())), TryPublish);

    private OutboxDelivery Delivery => _delivery ??= new OutboxDelivery(this, logger, $"lead {this.GetPrimaryKey()}");

    private async Task ScheduleWake(Lead lead, bool reminderTick, bool inCommand)
    {
        var due = await Wake.ArmAsync(lead.NextWakeAt, state.State.ReminderDueAt, clock.GetUtcNow(), reminderTick);
        if (due != state.State.ReminderDueAt)
        {
            state.State.ReminderDueAt = due;
            if (!inCommand)
            {
                await state.WriteStateAsync();
            }
        }
    }

    private NextWake Wake => _nextWake ??= new NextWake(this, SlaReminder, () => CheckSla(reminderTick: false));

    private Lead Domain() => new(S, directory, options.Value.SlaOf, options.Value.HeadOfSales);

    private static string Shorten(string text) => text.Length <= 60 ? text.Trim() : text[..57].Trim() + "...";

    private LeadResult NotFound() => Refused(new Rejection(RejectionCode.NotFound, $"Lead {this.GetPrimaryKey()} does not exist."));

    private static LeadResult Refused(Rejection rejection) => new(null, rejection.ToError());
}

/// <summary>The lead grain's stored record.</summary>
public sealed class LeadGrainState : IWorkDue
{
    public LeadState Lead { get; set; } = new();

    /// <summary>
    /// Events in the outbox may not have reached the read model (they are published after the write): stored with the
    /// state, so if the node dies first a survivor's sweep wakes the grain (FollowUpSweeper). Cleared by the write after
    /// they went out.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => Lead.Outbox.Count > 0;

    public DateTimeOffset? ReminderDueAt { get; set; }
}
