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
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private IGrainTimer? _settleTimer;
    private IGrainTimer? _workTimer;

    // Writes and projections of this call one at a time (the work interleaves with Record): a write always carries
    // the version the previous one left, and an older view never lands after a newer one.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Task? _inquiry;
    private Task? _settling;
    private Task? _publishLoop;
    private bool _publishAgain;

    public static string KeyOf(string callId) => Prefix + callId;

    private CallState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Work a crash left undone (CallSweeper wakes such calls): an acknowledged "incoming" without its inquiry, a call
        // without its settling.
        if (S.InquiryDue)
        {
            ArmWork(TimeSpan.Zero);
        }

        if (S.SettleDue)
        {
            ArmSettle();
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

        ArmWork(TimeSpan.Zero);
        if (CallAssembly.IsTerminal(callEvent.Event) && !S.Settled)
        {
            ArmSettle();
        }

        return true;
    }

    private async Task Save()
    {
        await _writeGate.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void ArmWork(TimeSpan due) =>
        _workTimer ??= this.RegisterGrainTimer(_ => Work(),
            new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true, Interleave = true });

    /// <summary>After the reply: the inquiry when due, then the projection and the live push (once for events that came together).</summary>
    private async Task Work()
    {
        _workTimer?.Dispose();
        _workTimer = null;
        if (S.InquiryDue)
        {
            try
            {
                await gate.RunAsync(EnsureInquiry);
            }
            catch (Exception ex)
            {
                // The inquiry grain answers a repeat the same, so trying again is safe.
                logger.LogWarning(ex, "Call {CallId}: making the inquiry failed; retrying", S.CallId);
                ArmWork(RetryDelay);
                return;
            }
        }

        await Publish();
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

    private void ArmSettle()
    {
        _settleTimer?.Dispose();
        // Interleaved like Work: a late event is acknowledged while the call settles (it waits for the gate).
        _settleTimer = this.RegisterGrainTimer(_ => Settling(),
            new GrainTimerCreationOptions { DueTime = options.Value.CallSettleDelay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true, Interleave = true });
    }

    /// <summary>One settling at a time: a timer that fires while one runs joins it.</summary>
    private Task Settling() => _settling is { IsCompleted: false } ? _settling : _settling = gate.RunAsync(Settle);

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
            await contact.Log("Call", text, Domain.Roles.System);
            var view = await contact.Get();
            if (view?.OpenLeadId is { } leadId)
            {
                await GrainFactory.GetGrain<ILeadGrain>(leadId).Log(text, Domain.Roles.System);
            }
            else if (view?.OpenDealId is { } dealId)
            {
                await GrainFactory.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
            }

            if (CallAssembly.IsMissed(outcome) && S.CallBackTaskFor is null)
            {
                var task = await contact.AddTask(new NewContactTask($"Call back {S.CallerName ?? S.Caller}: missed call ({outcome.Replace('_', ' ')})", null, "call-back",
                    options.Value.CallBackHours), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
                S.CallBackTaskFor = task.Contact?.Tasks[^1].Executor;
                if (!task.Ok)
                {
                    logger.LogWarning("Call {CallId}: no call-back task: {Error}", S.CallId, task.Error!.Message);
                }
            }
        }

        S.Settled = true;
        S.Outcome = outcome;
        await Save();
        await Publish();
        // A settled call only answers the odd late event or lookup: no reason to hold it in memory.
        DeactivateOnIdle();
    }

    /// <summary>
    /// Projects and pushes the call as it is now. An ask while a projection runs makes one more round with the newest
    /// view and completes with it, so whoever awaits this knows its state is out.
    /// </summary>
    private Task Publish()
    {
        if (_publishLoop is { IsCompleted: false })
        {
            _publishAgain = true;
            return _publishLoop;
        }

        return _publishLoop = PublishLoop();
    }

    private async Task PublishLoop()
    {
        do
        {
            _publishAgain = false;
            try
            {
                await sink.PublishCallAsync(View(), CallAssembly.ToTime(S.Events[0].Ts));
            }
            catch (Exception ex)
            {
                // The call log row is rewritten whole with the next event or settle; a missed one is only late.
                logger.LogWarning(ex, "Projecting call {CallId} failed", S.CallId);
            }
        }
        while (_publishAgain);
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

    /// <summary>Work left after the write: what OnActivateAsync resumes and CallSweeper wakes the call for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => InquiryDue || SettleDue;

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
