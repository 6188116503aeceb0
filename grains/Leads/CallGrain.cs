using SalesOrleans.Domain;
using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// One PBX call ("call:&lt;id&gt;"). Stores its events in timestamp order (duplicates ignored) and acknowledges an
/// event once it is stored; right after the reply, the "incoming" of an unknown caller makes the inquiry (so the lead
/// appears while the phone still rings) and the call is projected and pushed. That work interleaves with the next
/// events, so their acknowledgement waits for their own write only, not for the inquiry. After a terminal event
/// and a short settle time — late, out-of-order events still count — it logs the call on the contact and, for a
/// missed call, gives the responsible manager a call-back task.
/// </summary>
public sealed class CallGrain(
    [PersistentState("call", StorageNames.GroupCommit)] IPersistentState<CallState> state,
    InquiryIntake intake,
    CallWorkGate gate,
    IOptions<LeadOptions> options,
    ILeadDirectory directory,
    ILeadEventSink sink,
    ILogger<CallGrain> logger) : Grain, ICallGrain
{
    private const string Prefix = "call:";

    // Writes and projections of this call one at a time (the work interleaves with Record): a write always carries
    // the version the previous one left, and an older view never lands after a newer one.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private FollowUpWork? _work;
    private Task? _inquiry;

    /// <summary>Not settled before this (a late, out-of-order event still counts); each terminal event moves it on.</summary>
    private DateTimeOffset _settleAt;

    /// <summary>Changes to the state in this activation, and the change the call log last got (-1: not this activation).</summary>
    private long _changes;
    private long _projected = -1;

    /// <summary>The next round also clears the stored "call log due" mark once the log shows the state (sweep, recovery).</summary>
    private bool _confirmLog;

    public static string KeyOf(string callId) => Prefix + callId;

    /// <summary>The id of a missed call's call-back task on its contact: fixed by the call id (which may hold any text, so hashed).</summary>
    /// <summary>
    /// The key of the call's journal line on its contact and lead (or deal): fixed by the call, so a settling retried
    /// after the line was written but before the call stored that it had (a crash, a failed write) writes no second line.
    /// </summary>
    public static string JournalKey(string callId) => Prefix + callId;

    public static string CallBackTaskId(string callId) =>
        "CB-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(callId)))[..16];

    private CallState S => state.State;

    /// <summary>Everything the call owes after an acknowledgement, retried until done (FollowUpWork).</summary>
    private FollowUpWork Work => _work ??= new FollowUpWork(this, $"Call {this.GetPrimaryKeyString()[Prefix.Length..]}: follow-up work", Round, logger, interleave: true);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Work a crash left undone (FollowUpSweeper wakes such calls): an acknowledged "incoming" without its inquiry, a call
        // without its settling, a state the call log may not show.
        if (S.WorkDue)
        {
            _settleAt = DateTimeOffset.UtcNow + options.Value.CallSettleDelay;
            _confirmLog = true;
            Work.Kick();
        }

        return Task.CompletedTask;
    }

    public async Task<bool> Record(CallEvent callEvent)
    {
        var added = CallAssembly.Add(S.Events, new CallEventRecord(callEvent.Event, callEvent.Ts, callEvent.HangupBy, callEvent.DurationMs, callEvent.SipCode));
        if (!added)
        {
            return false;
        }

        S.CallId = this.GetPrimaryKeyString()[Prefix.Length..];
        S.Caller ??= string.IsNullOrWhiteSpace(callEvent.Caller) ? null : callEvent.Caller.Trim();
        S.Called ??= string.IsNullOrWhiteSpace(callEvent.Called) ? null : callEvent.Called.Trim();
        S.CallerName ??= string.IsNullOrWhiteSpace(callEvent.CallerName) ? null : callEvent.CallerName.Trim();
        // The extension ringing now (a transfer rings another): its owner gets the pop-up.
        if (!string.IsNullOrWhiteSpace(callEvent.Extension) && callEvent.Ts >= S.ExtensionTs)
        {
            S.Extension = callEvent.Extension.Trim();
            S.ExtensionTs = callEvent.Ts;
            S.RingsFor = directory.UserAtExtension(S.Extension);
        }

        // Stored with the mark that the call log is behind: a node dying before the projection leaves the call due, and
        // a survivor's sweep writes the log.
        S.LogDue = true;
        _changes++;
        // Stored is acknowledged: the PBX's retry of this event will be a duplicate. The rest happens after the reply.
        try
        {
            await Save();
        }
        catch
        {
            // Not stored: start again from storage, so the PBX's retry is not taken for a duplicate.
            DeactivateOnIdle();
            throw;
        }

        if (CallAssembly.IsTerminal(callEvent.Event) && !S.Settled)
        {
            _settleAt = DateTimeOffset.UtcNow + options.Value.CallSettleDelay;
        }

        Work.Kick();
        return true;
    }

    /// <summary>The sweep's wake-up: one more round now, and the stored marks cleared once the work is done.</summary>
    public Task Resume()
    {
        if (S.CallId is not null)
        {
            // Storage says due; memory may say otherwise (a write that failed after memory moved on): the round settles it.
            _confirmLog = true;
            Work.Kick();
        }

        return Task.CompletedTask;
    }

    private async Task Save(Func<bool>? beforeWrite = null)
    {
        await _writeGate.WaitAsync();
        try
        {
            // Checked and written without an await between: no event can slip in unseen.
            if (beforeWrite is not null && !beforeWrite())
            {
                return;
            }

            await state.WriteStateAsync();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            // Another activation wrote this call (or a write applied whose reply was lost): only storage knows the truth.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// One round of what the call owes: the inquiry when due, the settling once the settle time has passed, the call
    /// log; each step idempotent, a failure anywhere retried by FollowUpWork from the step that is still due.
    /// </summary>
    private async Task<TimeSpan?> Round()
    {
        if (S.InquiryDue)
        {
            // The inquiry grain answers a repeat the same, so trying again is safe.
            await gate.RunAsync(EnsureInquiry);
        }

        if (S.AnswerDue)
        {
            // The one who answered keeps the customer: an unassigned lead becomes theirs (the lead decides; a repeat changes nothing).
            await gate.RunAsync(async () =>
            {
                await GrainFactory.GetGrain<ILeadGrain>(S.LeadId!.Value).AnsweredBy(S.RingsFor!, S.CallId!);
                S.AnswerHandled = true;
                await Save();
            });
        }

        TimeSpan? settleIn = null;
        if (S.SettleDue)
        {
            var wait = _settleAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                settleIn = wait;
            }
            else
            {
                await gate.RunAsync(Settle);
            }
        }

        if (_projected != _changes)
        {
            var version = _changes;
            await sink.PublishCallAsync(View(), CallAssembly.ToTime(S.Events[0].Ts));
            _projected = version;
        }

        // The log shows the stored state. A settled call clears its mark at once (its last write); a call still going
        // keeps it until the sweep finds it quiet, so an event costs one write, not two.
        var written = false;
        if (S.LogDue && settleIn is null && !S.InquiryDue && !S.SettleDue && (S.Settled || _confirmLog))
        {
            try
            {
                await Save(() =>
                {
                    if (_projected != _changes)
                    {
                        // An event came meanwhile: its own round projects it and clears the mark.
                        return false;
                    }

                    S.LogDue = false;
                    return written = true;
                });
            }
            catch
            {
                S.LogDue = true;
                throw;
            }
        }

        if (settleIn is null && !S.WorkDue)
        {
            if (_confirmLog && !written)
            {
                // Woken by the sweep with nothing left in memory: storage still says due (a write failed after memory
                // moved on), so write what memory knows.
                await Save();
            }

            _confirmLog = false;
            if (S.Settled)
            {
                // A settled call only answers the odd late event or lookup: no reason to hold it in memory.
                DeactivateOnIdle();
            }
        }

        return settleIn;
    }

    public Task<CallView?> Get() => Task.FromResult(S.CallId is null ? null : View());

    /// <summary>The inquiry once, however many of Work and Settle ask for it meanwhile; a failure lets the next ask try again.</summary>
    private async Task EnsureInquiry()
    {
        _inquiry ??= MakeInquiryAndSave();
        try
        {
            await _inquiry;
        }
        catch
        {
            _inquiry = null;
            throw;
        }
    }

    private async Task MakeInquiryAndSave()
    {
        await MakeInquiry();
        _changes++;
        await Save();
    }

    private async Task MakeInquiry()
    {
        var phone = intake.Normalizer.NormalizePhone(S.Caller);
        if (phone is not null)
        {
            var inquiry = intake.Prepare(new RawInquiry(this.GetPrimaryKeyString(), LeadChannel.Phone, S.CallerName, phone, null, null, null,
                new RoutingInput(LeadChannel.Phone, CalledNumber: S.Called)));
            // Unrouted calls are triage in the call log as on their lead: one department everywhere.
            S.Department = inquiry.Department ?? Domain.Leads.Lead.Triage;
            var outcome = await intake.SubmitAsync(inquiry with { ReceivedAt = CallAssembly.ToTime(S.Events[0].Ts) });
            S.ContactId = outcome.ContactId;
            S.LeadId = outcome.LeadId;
            var contact = await GrainFactory.GetGrain<IContactGrain>(outcome.ContactId).Get();
            S.Card = new CallerCard(outcome.Kind == InquiryOutcomeKind.NewLead, contact?.Name ?? S.CallerName, contact?.Company,
                contact?.Responsible, contact?.OpenDealId ?? outcome.DealId, contact?.Inquiries ?? 1);
        }
        else
        {
            // A withheld or malformed number: the call is still logged, there is nobody to make a lead for.
            logger.LogInformation("Call {CallId}: caller '{Caller}' is not a phone number; no inquiry", S.CallId, S.Caller);
        }

        S.InquiryDone = true;
    }

    /// <summary>Judges the call once: logs it and, when missed, makes the call-back task. Idempotent.</summary>
    private async Task Settle()
    {
        if (S.Settled)
        {
            return;
        }

        if (!S.InquiryDone)
        {
            await EnsureInquiry();
        }

        var outcome = CallAssembly.Outcome(S.Events);
        var text = $"Call {S.CallId} from {S.Caller} to {S.Called}: {outcome}"
            + (CallAssembly.DurationMs(S.Events) is { } ms && outcome == "answered" ? $", {ms / 1000.0:0.#} s" : "");
        if (S.ContactId is { } contactId)
        {
            var contact = GrainFactory.GetGrain<IContactGrain>(contactId);
            // Keyed by the call: a retried settling (a later step failed, or the node died before the write below) finds
            // the line there and writes none, in this activation or the next, on whichever node.
            var key = JournalKey(S.CallId!);
            await contact.LogOnce(key, "Call", text, Domain.Roles.System);
            var view = await contact.Get();
            if (view?.OpenLeadId is { } leadId)
            {
                await GrainFactory.GetGrain<ILeadGrain>(leadId).LogOnce(key, text, Domain.Roles.System);
            }
            else if (view?.OpenDealId is { } dealId)
            {
                await GrainFactory.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text, key), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
            }

            if (CallAssembly.IsMissed(outcome) && S.CallBackTaskFor is null)
            {
                // The task's id comes from the call: a settling retried after the task was made but before this call
                // stored it (a crash, a failed write, a lost reply) finds that task instead of making a second one.
                var taskId = CallBackTaskId(S.CallId!);
                var task = await contact.AddTask(new NewContactTask($"Call back {S.CallerName ?? S.Caller}: missed call ({outcome.Replace('_', ' ')})", null, "call-back",
                    options.Value.CallBackHours, taskId), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
                S.CallBackTaskFor = task.Contact?.Tasks.FirstOrDefault(t => t.Id == taskId)?.Executor;
                if (!task.Ok)
                {
                    logger.LogWarning("Call {CallId}: no call-back task: {Error}", S.CallId, task.Error!.Message);
                }
            }
        }

        S.Settled = true;
        S.Outcome = outcome;
        S.LogDue = true;
        _changes++;
        await Save();
    }

    private CallView View() => new(S.CallId!, S.Caller, S.Called, S.Department, S.Events.Select(e => e.Event).ToList(),
        S.Settled ? S.Outcome! : CallAssembly.Outcome(S.Events), S.ContactId, S.LeadId, S.CallBackTaskFor, CallAssembly.DurationMs(S.Events), S.Settled,
        S.Card, S.Extension, S.RingsFor);
}

public sealed class CallState : IWorkDue
{
    /// <summary>An acknowledged "incoming" whose inquiry is not made yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool InquiryDue => !InquiryDone && Events.Any(e => e.Event == "incoming");

    /// <summary>A call that ended but is not judged yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool SettleDue => !Settled && Events.Any(e => CallAssembly.IsTerminal(e.Event));

    /// <summary>Work left after the write: what OnActivateAsync resumes and FollowUpSweeper wakes the call for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => InquiryDue || AnswerDue || SettleDue || LogDue;

    /// <summary>An answered call of a lead whose answerer is known, not yet handed to the lead.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AnswerDue => !AnswerHandled && InquiryDone && LeadId is not null && RingsFor is not null && Events.Any(e => e.Event == "answered");

    public bool AnswerHandled { get; set; }

    /// <summary>
    /// The call log (read model) may not show this state yet: set with every event's write, cleared by a write once the
    /// log shows it (a settled call at once, a call still going when the sweep finds it quiet). A node that dies
    /// between storing and projecting leaves it set, so a survivor's sweep repairs the log.
    /// </summary>
    public bool LogDue { get; set; }

    public string? CallId { get; set; }

    public string? Caller { get; set; }

    public string? Called { get; set; }

    public string? CallerName { get; set; }

    public string? Department { get; set; }

    public List<CallEventRecord> Events { get; set; } = [];

    public bool InquiryDone { get; set; }

    public Guid? ContactId { get; set; }

    public Guid? LeadId { get; set; }

    public bool Settled { get; set; }

    public string? Outcome { get; set; }

    public string? CallBackTaskFor { get; set; }

    public CallerCard? Card { get; set; }

    public string? Extension { get; set; }

    public double ExtensionTs { get; set; }

    public string? RingsFor { get; set; }
}
