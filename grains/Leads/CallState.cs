using SalesOrleans.Domain;
using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

/// <summary>
/// A call as stored: its events in timestamp order and what is known about it, plus the marks of what it still owes
/// after an acknowledgement (IWorkDue, grain_state.work_due). Each change is a plain method here — no awaits, no
/// grains — and <see cref="CallGrain"/> writes the state once after it.
/// </summary>
public sealed class CallState : IWorkDue, IWakeDue
{
    /// <summary>
    /// Adds an event (kept in timestamp order, a repeat ignored); false for a repeat, which changes nothing. A call
    /// without its end is given up on <paramref name="endLimit"/> after its last event (see <see cref="GiveUpEnd"/>).
    /// </summary>
    public bool Apply(string callId, CallEvent callEvent, Func<string, string?> userAtExtension, DateTimeOffset now, TimeSpan settleDelay, TimeSpan endLimit)
    {
        if (!CallAssembly.Add(Events, new CallEventRecord(callEvent.Event, callEvent.Ts, callEvent.HangupBy, callEvent.DurationMs, callEvent.SipCode)))
        {
            return false;
        }

        CallId = callId;
        Caller ??= string.IsNullOrWhiteSpace(callEvent.Caller) ? null : callEvent.Caller.Trim();
        Called ??= string.IsNullOrWhiteSpace(callEvent.Called) ? null : callEvent.Called.Trim();
        CallerName ??= string.IsNullOrWhiteSpace(callEvent.CallerName) ? null : callEvent.CallerName.Trim();
        // The extension ringing now (a transfer rings another): its owner gets the pop-up.
        if (!string.IsNullOrWhiteSpace(callEvent.Extension) && callEvent.Ts >= ExtensionTs)
        {
            Extension = callEvent.Extension.Trim();
            ExtensionTs = callEvent.Ts;
            RingsFor = userAtExtension(Extension);
        }

        // Not judged before the settle delay has passed since the last terminal event: a late, out-of-order event still counts.
        if (CallAssembly.IsTerminal(callEvent.Event) && !Settled)
        {
            SettleAt = now + settleDelay;
        }

        // Moved on only by more than a tenth of the limit: events seconds apart keep the stored wake, so their writes
        // change no indexed column and stay in place (HOT) on the telephony path.
        EndBy = Settled || HasEnd || EndGivenUp ? null
            : EndBy is { } endBy && now + endLimit - endBy <= endLimit / 10 ? endBy
            : now + endLimit;

        Changed();
        return true;
    }

    public void InquiryMade(CallInquiryResult result)
    {
        if (InquiryDone)
        {
            return;
        }

        Department = result.Department;
        ContactId = result.ContactId;
        LeadId = result.LeadId;
        Card = result.Card;
        InquiryDone = true;
        Changed();
    }

    /// <summary>
    /// The call's end never came by <see cref="EndBy"/>: it is judged without one, now (answered if it was, else missed).
    /// False when there is nothing to give up (settled, ended, or not yet due), which changes nothing.
    /// </summary>
    public bool GiveUpEnd(DateTimeOffset now)
    {
        if (Settled || HasEnd || EndGivenUp || EndBy is not { } endBy || endBy > now)
        {
            return false;
        }

        EndGivenUp = true;
        EndBy = null;
        SettleAt = now;
        Changed();
        return true;
    }

    public bool MarkAnswerHandled()
    {
        if (AnswerHandled)
        {
            return false;
        }

        AnswerHandled = true;
        return true;
    }

    public void MarkSettled(string outcome, string? callBackTaskFor)
    {
        if (Settled)
        {
            return;
        }

        Settled = true;
        Outcome = outcome;
        CallBackTaskFor = callBackTaskFor;
        Changed();
    }

    /// <summary>The call log shows <paramref name="version"/>: clears the mark unless the call changed since. True when it did clear.</summary>
    public bool LogShown(long version)
    {
        if (!LogDue || version != Version)
        {
            return false;
        }

        LogDue = false;
        return true;
    }

    /// <summary>Every change the call log shows: a new version, and the mark that the log is behind it.</summary>
    private void Changed()
    {
        Version++;
        LogDue = true;
    }

    public CallView View() => new(CallId!, Caller, Called, Department, Events.Select(e => e.Event).ToList(),
        Settled ? Outcome! : CallAssembly.Outcome(Events, EndGivenUp), ContactId, LeadId, CallBackTaskFor, CallAssembly.DurationMs(Events), Settled,
        Card, Extension, RingsFor);

    /// <summary>What is owed, for the follow-up grain.</summary>
    public CallWork Work(bool confirmLog = false) => new(View(), Version, CallerName, CallAssembly.ToTime(Events[0].Ts),
        // A call that ended without an "incoming" seen still makes its inquiry before it is judged (its contact gets the line).
        InquiryDue || (SettleDue && !InquiryDone), AnswerDue,
        SettleDue ? SettleAt ?? DateTimeOffset.MinValue : null, LogDue, confirmLog);

    /// <summary>An acknowledged "incoming" whose inquiry is not made yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool InquiryDue => !InquiryDone && Events.Any(e => e.Event == "incoming");

    /// <summary>A call that ended (or whose end was given up on) but is not judged yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool SettleDue => !Settled && (HasEnd || EndGivenUp);

    [System.Text.Json.Serialization.JsonIgnore]
    private bool HasEnd => Events.Any(e => CallAssembly.IsTerminal(e.Event));

    /// <summary>A call waiting for its end is woken when the end is overdue (grain_state.wake_at), asleep or not.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? WakeAt => Settled ? null : EndBy;

    /// <summary>Work left after the write: what the follow-up grain is handed and FollowUpSweeper wakes the call for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WorkDue => InquiryDue || AnswerDue || SettleDue || LogDue;

    /// <summary>An answered call of a lead whose answerer is known, not yet handed to the lead.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AnswerDue => !AnswerHandled && InquiryDone && LeadId is not null && RingsFor is not null && Events.Any(e => e.Event == "answered");

    public bool AnswerHandled { get; set; }

    /// <summary>
    /// The call log (read model) may not show this state yet: set with every change's write, cleared by a write once the
    /// log shows it (a settled call at once, a call still going when the sweep finds it quiet). A node that dies
    /// between storing and projecting leaves it set, so a survivor's sweep repairs the log.
    /// </summary>
    public bool LogDue { get; set; }

    /// <summary>Counts the changes the call log shows (events, inquiry, settling), so a projection can say which it showed.</summary>
    public long Version { get; set; }

    /// <summary>Until when a call without its end waits for it (its last event plus the end limit); null once it ended or was given up on.</summary>
    public DateTimeOffset? EndBy { get; set; }

    /// <summary>The end never came in time and the call was judged without it.</summary>
    public bool EndGivenUp { get; set; }

    /// <summary>When the call may be judged (the last terminal event plus the settle delay).</summary>
    public DateTimeOffset? SettleAt { get; set; }

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
