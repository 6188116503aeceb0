using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// One PBX call ("call:&lt;id&gt;"), straight-line: every method checks, applies the change to the plain
/// <see cref="CallState"/>, writes once and answers. An event is acknowledged once stored; what the call owes after
/// that — the inquiry of an unknown caller (so the lead appears while the phone still rings), telling the lead who
/// answered, settling after the last terminal event plus a settle delay, the call log — is stored as marks with the
/// event and done by the call's own <see cref="CallFollowUpGrain"/>, which reports each step back here. The call
/// hands its marks over after each write (one-way: it never waits for the work), on activation, and when
/// FollowUpSweeper wakes it because a dead node left them set.
/// </summary>
public sealed class CallGrain(
    [PersistentState("call", StorageNames.GroupCommit)] IPersistentState<CallState> state,
    IOptions<LeadOptions> options,
    ILeadDirectory directory,
    TimeProvider clock,
    ILogger<CallGrain> logger) : Grain, ICallGrain
{
    private const string Prefix = CallKeys.Prefix;

    public static string KeyOf(string callId) => CallKeys.Of(callId);

    /// <summary>
    /// The key of the call's journal line on its contact and lead (or deal): fixed by the call, so a settling retried
    /// after the line was written but before the call stored that it had (a crash, a failed write) writes no second line.
    /// </summary>
    public static string JournalKey(string callId) => Prefix + callId;

    /// <summary>The id of a missed call's call-back task on its contact: fixed by the call id (which may hold any text, so hashed).</summary>
    public static string CallBackTaskId(string callId) =>
        "CB-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(callId)))[..16];

    private CallState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Work a crash left undone (FollowUpSweeper wakes such calls): confirm the call log too, it may be behind.
        if (S.CallId is not null && S.WorkDue)
        {
            HandOver(confirmLog: true);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> Record(CallEvent callEvent)
    {
        if (!S.Apply(this.GetPrimaryKeyString()[Prefix.Length..], callEvent, directory.UserAtExtension, clock.GetUtcNow(), options.Value.CallSettleDelay, options.Value.CallEndLimit))
        {
            return false;
        }

        // Stored is acknowledged: the PBX's retry of this event will be a duplicate. The rest happens after the reply.
        await Save();
        HandOver();
        return true;
    }

    /// <summary>
    /// The sweeps' wake-up: a call whose end is overdue is judged without it (DueWakeSweeper, grain_state.wake_at); the
    /// stored marks go to the follow-up grain, which clears them once the work is done (FollowUpSweeper).
    /// </summary>
    public async Task Resume()
    {
        if (S.CallId is not null && S.GiveUpEnd(clock.GetUtcNow()))
        {
            logger.LogInformation("Call {CallId}: no end event within {Limit}; judged without one", S.CallId, options.Value.CallEndLimit);
            await Save();
            HandOver();
            return;
        }

        if (S.CallId is not null)
        {
            // Storage says due; memory may say otherwise (a write that failed after memory moved on): confirm the log,
            // and write once more if nothing is due, so the stored mark clears.
            if (S.WorkDue)
            {
                HandOver(confirmLog: true);
            }
            else
            {
                await Save();
            }
        }
    }

    public Task<CallView?> Get() => Task.FromResult(S.CallId is null ? null : S.View());

    public Task<CallWork?> InquiryMade(CallInquiryResult result) => Step(() =>
    {
        var wasDone = S.InquiryDone;
        S.InquiryMade(result);
        return !wasDone;
    });

    public Task<CallWork?> AnswerHandled() => Step(S.MarkAnswerHandled);

    public async Task<CallWork?> Settled(string outcome, string? callBackTaskFor, long logShown)
    {
        var work = await Step(() =>
        {
            var was = S.Settled;
            S.MarkSettled(outcome, callBackTaskFor);
            return !was | S.LogShown(logShown);
        });
        DeactivateWhenDone();
        return work;
    }

    public async Task<CallWork?> LogShown(long version)
    {
        var work = await Step(() => S.LogShown(version));
        DeactivateWhenDone();
        return work;
    }

    private void DeactivateWhenDone()
    {
        if (S is { Settled: true, WorkDue: false })
        {
            // A settled call only answers the odd late event or lookup: no reason to hold it in memory.
            DeactivateOnIdle();
        }
    }

    /// <summary>Applies a step the follow-up grain reports and writes it when it changed something.</summary>
    private async Task<CallWork?> Step(Func<bool> apply)
    {
        if (S.CallId is null)
        {
            return null;
        }

        if (apply())
        {
            await Save();
        }

        return S.Work();
    }

    private async Task Save()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Not stored (or another activation wrote this call — InconsistentStateException): memory may be ahead of
            // storage, so start again from storage; the PBX's retry is then judged against what was stored.
            logger.LogDebug(ex, "Call {CallId}: write failed; starting again from storage", S.CallId);
            DeactivateOnIdle();
            throw;
        }
    }

    private void HandOver(bool confirmLog = false)
    {
        if (S.WorkDue)
        {
            // One-way: the call never waits for its follow-up grain, which calls the call back (no cycle of waits).
            GrainFactory.GetGrain<ICallFollowUpGrain>(this.GetPrimaryKeyString()).Take(S.Work(confirmLog)).Ignore();
        }
    }
}
