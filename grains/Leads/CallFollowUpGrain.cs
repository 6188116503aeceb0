using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// What a call owes after acknowledging an event ("call:&lt;id&gt;", the call's own key): the inquiry, telling the lead
/// who answered, settling (the call's line on the contact and its lead or deal, the call-back task of a missed call)
/// and the call log. Non-reentrant, memory only: it holds the newest <see cref="CallWork"/> the call handed over and
/// runs it as <see cref="FollowUpWork"/> rounds (not interleaving, retried with backoff, never swallowed by a timer).
/// Each step is idempotent (ids and journal keys derived from the call) and reported back to the call, which stores it
/// and answers what is still owed; the call's stored marks (grain_state.work_due) bring the work back after a crash,
/// through FollowUpSweeper and <see cref="CallGrain.Resume"/>.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class CallFollowUpGrain(
    InquiryIntake intake,
    IOptions<LeadOptions> options,
    ILeadEventSink sink,
    TimeProvider clock,
    ILogger<CallFollowUpGrain> logger) : Grain, ICallFollowUpGrain
{
    private const string Prefix = "call:";

    private CallWork? _work;
    private bool _confirmLog;
    private long _projected = -1;
    private FollowUpWork? _rounds;

    private FollowUpWork Rounds => _rounds ??= new FollowUpWork(this, $"Call {this.GetPrimaryKeyString()[Prefix.Length..]}: follow-up work", Round, logger);

    private ICallGrain Call => GrainFactory.GetGrain<ICallGrain>(this.GetPrimaryKeyString());

    public Task Take(CallWork work)
    {
        _confirmLog |= work.ConfirmLog;
        Keep(work);
        Rounds.Kick();
        return Task.CompletedTask;
    }

    /// <summary>The newest of what the call said (a step's answer may be newer than a hand-over still on its way).</summary>
    private void Keep(CallWork? work)
    {
        if (work is not null && (_work is null || work.Version > _work.Version || (work.Version == _work.Version && work != _work)))
        {
            _work = work;
        }
    }

    /// <summary>One round of what the call owes, step by step; a failure anywhere is retried from the step still due.</summary>
    private async Task<TimeSpan?> Round()
    {
        if (_work is null)
        {
            return FollowUpWork.Done;
        }

        // A call whose end came before its "incoming" waits out the settle delay first: a late "incoming" names the caller.
        if (_work.InquiryDue && (_work.View.Events.Contains("incoming") || _work.SettleAt is not { } due || due <= clock.GetUtcNow()))
        {
            // The inquiry grain answers a repeat the same, so trying again is safe.
            Keep(await Call.InquiryMade(await MakeInquiry(_work)));
        }

        if (_work.AnswerDue)
        {
            // The one who answered keeps the customer: an unassigned lead becomes theirs (the lead decides; a repeat changes nothing).
            await GrainFactory.GetGrain<ILeadGrain>(_work.View.LeadId!.Value).AnsweredBy(_work.View.RingsFor!, _work.View.CallId);
            Keep(await Call.AnswerHandled());
        }

        if (_work.SettleAt is { } settleAt)
        {
            var wait = settleAt - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                // Project what there is meanwhile; the settling waits for late events.
                await Project();
                return wait;
            }

            var (outcome, callBackTaskFor) = await Settle(_work);
            // The log shows the judged call before the call stores it, so the call's one write for the settling also
            // clears its "log due" mark (the version the settling makes). Should that write fail, the retry judges
            // and projects again; should an event come meanwhile, the version differs and the next round projects it.
            var judged = _work.Version + 1;
            await sink.PublishCallAsync(_work.View with { Settled = true, Outcome = outcome, CallBackTaskFor = callBackTaskFor }, _work.StartedAt);
            _projected = Math.Max(_projected, judged);
            Keep(await Call.Settled(outcome, callBackTaskFor, judged));
        }

        await Project();

        // The log shows the stored state. A settled call clears its mark at once (its last write); a call still going
        // keeps it until the sweep finds it quiet, so an event costs one write, not two.
        if (_work.LogDue && (_work.View.Settled || _confirmLog))
        {
            Keep(await Call.LogShown(_projected));
        }

        _confirmLog = false;
        if (_work.View.Settled && !_work.Due)
        {
            DeactivateOnIdle();
        }

        return FollowUpWork.Done;
    }

    private async Task Project()
    {
        if (_projected < _work!.Version)
        {
            var version = _work.Version;
            await sink.PublishCallAsync(_work.View, _work.StartedAt);
            _projected = version;
        }
    }

    private async Task<CallInquiryResult> MakeInquiry(CallWork work)
    {
        var phone = intake.Normalizer.NormalizePhone(work.View.Caller);
        if (phone is null)
        {
            // A withheld or malformed number: the call is still logged, there is nobody to make a lead for.
            logger.LogInformation("Call {CallId}: caller '{Caller}' is not a phone number; no inquiry", work.View.CallId, work.View.Caller);
            return new CallInquiryResult(null, null, null, null);
        }

        var inquiry = intake.Prepare(new RawInquiry(this.GetPrimaryKeyString(), LeadChannel.Phone, work.CallerName, phone, null, null, null,
            new RoutingInput(LeadChannel.Phone, CalledNumber: work.View.Called)));
        var outcome = await intake.SubmitAsync(inquiry with { ReceivedAt = work.StartedAt });
        var contact = await GrainFactory.GetGrain<IContactGrain>(outcome.ContactId).Get();
        // Unrouted calls are triage in the call log as on their lead: one department everywhere.
        return new CallInquiryResult(inquiry.Department ?? Lead.Triage, outcome.ContactId, outcome.LeadId,
            new CallerCard(outcome.Kind == InquiryOutcomeKind.NewLead, contact?.Name ?? work.CallerName, contact?.Company,
                contact?.Responsible, contact?.OpenDealId ?? outcome.DealId, contact?.Inquiries ?? 1));
    }

    /// <summary>Judges the call: logs it on the contact and its open lead or deal and, when missed, makes the call-back task. Idempotent.</summary>
    private async Task<(string Outcome, string? CallBackTaskFor)> Settle(CallWork work)
    {
        var call = work.View;
        var outcome = call.Outcome;
        string? callBackTaskFor = null;
        var text = $"Call {call.CallId} from {call.Caller} to {call.Called}: {outcome}"
            + (call.DurationMs is { } ms && outcome == "answered" ? $", {ms / 1000.0:0.#} s" : "");
        if (call.ContactId is { } contactId)
        {
            var contact = GrainFactory.GetGrain<IContactGrain>(contactId);
            // Keyed by the call: a retried settling (a later step failed, or the node died before the call stored it)
            // finds the line there and writes none, in this activation or the next, on whichever node.
            var key = CallGrain.JournalKey(call.CallId);
            await contact.LogOnce(key, "Call", text, Domain.Roles.System);
            var view = await contact.Get();
            if (view?.OpenLeadId is { } leadId)
            {
                await GrainFactory.GetGrain<ILeadGrain>(leadId).LogOnce(key, text, Domain.Roles.System);
            }
            else if (view?.OpenDealId is { } dealId
                // A deal converted from a lead has the lead's id: the lead notes it where the first attempt's note
                // already is, or forwards it to the deal (keyed there too), so a conversion between two attempts notes once.
                && !await GrainFactory.GetGrain<ILeadGrain>(dealId).LogOnce(key, text, Domain.Roles.System))
            {
                await GrainFactory.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text, key), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
            }

            if (CallAssembly.IsMissed(outcome))
            {
                // The task's id comes from the call: a settling retried after the task was made but before the call
                // stored it (a crash, a failed write, a lost reply) finds that task instead of making a second one.
                var taskId = CallGrain.CallBackTaskId(call.CallId);
                var task = await contact.AddTask(new NewContactTask($"Call back {work.CallerName ?? call.Caller}: missed call ({outcome.Replace('_', ' ')})", null, "call-back",
                    options.Value.CallBackHours, taskId), new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
                callBackTaskFor = task.Contact?.Tasks.FirstOrDefault(t => t.Id == taskId)?.Executor;
                if (!task.Ok)
                {
                    logger.LogWarning("Call {CallId}: no call-back task: {Error}", call.CallId, task.Error!.Message);
                }
            }
        }

        return (outcome, callBackTaskFor);
    }
}
