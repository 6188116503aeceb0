using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

/// <summary>
/// A call whose end never comes (the PBX lost the hang-up, its webhook retries gave up) is not left "in progress" for
/// ever: its last event plus the end limit is stored as its wake, and when that passes it is judged without an end —
/// answered if it was, else missed (no_end) with its call-back task like any missed call.
/// </summary>
[Trait("Category", "Unit")]
public class CallEndTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 30, 0, TimeSpan.FromHours(3));
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(4);

    private static CallEvent E(string name, double ts) => new(name, "c-1", "+79161234567", "84952233211", ts, "Иван", null, null, null, "101");

    private static CallState Ringing()
    {
        var call = new CallState();
        Assert.True(call.Apply("c-1", E("incoming", 1000), _ => "k.weber", T0, Settle, Limit));
        Assert.True(call.Apply("c-1", E("ringing", 1001), _ => "k.weber", T0.AddSeconds(1), Settle, Limit));
        return call;
    }

    [Fact]
    public void A_call_waits_for_its_end_from_its_last_event_and_is_judged_missed_when_none_comes()
    {
        // From the first event; the ringing a second later keeps that wake (a write that moves no index entry).
        var call = Ringing();
        Assert.Equal(T0 + Limit, call.WakeAt);
        Assert.Equal("open", call.View().Outcome);
        Assert.False(call.SettleDue);

        // Not before its time: nothing changes.
        var version = call.Version;
        Assert.False(call.GiveUpEnd(T0.AddHours(3)));
        Assert.Equal(version, call.Version);

        Assert.True(call.GiveUpEnd(T0 + Limit));
        Assert.True(call.SettleDue);
        Assert.True(call.WorkDue);
        Assert.Null(call.WakeAt);
        Assert.Equal(CallAssembly.NoEnd, call.View().Outcome);
        Assert.True(CallAssembly.IsMissed(call.View().Outcome));
        Assert.Equal(T0 + Limit, call.Work().SettleAt);
        Assert.False(call.GiveUpEnd(T0.AddHours(9)));
    }

    [Fact]
    public void An_answered_call_without_an_end_is_judged_answered_without_a_duration()
    {
        var call = Ringing();
        // An event long after the last (here an hour: a long talk, then a transfer) moves the wake on.
        call.Apply("c-1", E("answered", 1005), _ => "k.weber", T0.AddSeconds(5), Settle, Limit);
        Assert.Equal(T0 + Limit, call.WakeAt);
        call.Apply("c-1", E("ringing", 4600), _ => "e.keller", T0.AddHours(1), Settle, Limit);
        Assert.Equal(T0.AddHours(1) + Limit, call.WakeAt);
        Assert.False(call.GiveUpEnd(T0 + Limit));

        Assert.True(call.GiveUpEnd(T0.AddHours(5)));
        Assert.Equal("answered", call.View().Outcome);
        Assert.False(CallAssembly.IsMissed(call.View().Outcome));
        Assert.Null(call.View().DurationMs);
    }

    [Fact]
    public void An_end_that_comes_takes_the_wake_away_and_an_event_after_giving_up_sets_none()
    {
        var call = Ringing();
        call.Apply("c-1", E("hangup", 1030), _ => "k.weber", T0.AddSeconds(30), Settle, Limit);
        Assert.Null(call.WakeAt);
        Assert.Equal(T0.AddSeconds(33), call.SettleAt);
        Assert.False(call.GiveUpEnd(T0.AddHours(5)));
        Assert.Equal("cancelled", call.View().Outcome);

        // Given up, then a late non-terminal event: no wake again (the sweep would wake it every minute for nothing).
        var late = Ringing();
        Assert.True(late.GiveUpEnd(T0.AddHours(5)));
        Assert.True(late.Apply("c-1", E("answered", 1002), _ => "k.weber", T0.AddHours(5).AddSeconds(1), Settle, Limit));
        Assert.Null(late.WakeAt);
        Assert.True(late.SettleDue);
    }
}
