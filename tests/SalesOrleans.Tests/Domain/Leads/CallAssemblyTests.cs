using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class CallAssemblyTests
{
    private static CallEventRecord E(string name, double ts, long? ms = null) => new(name, ts, null, ms, null);

    [Fact]
    public void Events_are_ordered_by_their_timestamp_and_repeats_are_ignored()
    {
        var events = new List<CallEventRecord>();
        Assert.True(CallAssembly.Add(events, E("incoming", 100.0)));
        Assert.True(CallAssembly.Add(events, E("answered", 102.5)));
        Assert.True(CallAssembly.Add(events, E("ringing", 100.4)));
        Assert.False(CallAssembly.Add(events, E("ringing", 100.4)));
        Assert.False(CallAssembly.Add(events, E("incoming", 100.0)));
        Assert.True(CallAssembly.Add(events, E("hangup", 160.5)));
        Assert.False(CallAssembly.Add(events, E("hangup", 161.0)));

        Assert.Equal(["incoming", "ringing", "answered", "hangup"], events.Select(e => e.Event));
        Assert.Equal("answered", CallAssembly.Outcome(events));
        Assert.Equal(58_000, CallAssembly.DurationMs(events));
    }

    [Fact]
    public void An_answer_that_arrives_after_the_hangup_still_counts()
    {
        var events = new List<CallEventRecord>();
        CallAssembly.Add(events, E("incoming", 10));
        CallAssembly.Add(events, E("hangup", 40, 25_000));
        Assert.Equal("cancelled", CallAssembly.Outcome(events));

        CallAssembly.Add(events, E("answered", 15));
        Assert.Equal("answered", CallAssembly.Outcome(events));
        Assert.Equal(25_000, CallAssembly.DurationMs(events));
    }

    [Fact]
    public void An_answer_stamped_after_the_pbx_gave_up_never_makes_a_negative_duration()
    {
        // Seen from a real PBX: its no-answer timeout fired, then the callee's 200 crossed the CANCEL.
        var events = new List<CallEventRecord>();
        CallAssembly.Add(events, E("incoming", 100));
        CallAssembly.Add(events, E("ringing", 100.2));
        CallAssembly.Add(events, E("no_answer", 130));
        CallAssembly.Add(events, E("answered", 130.556));

        Assert.Equal("answered", CallAssembly.Outcome(events));
        Assert.Null(CallAssembly.DurationMs(events));

        // The BYE of that call comes later: talk time runs from the answer to it.
        CallAssembly.Add(events, E("hangup", 190.556));
        Assert.Equal(60_000, CallAssembly.DurationMs(events));
    }

    [Fact]
    public void A_pbx_figure_on_an_end_before_the_answer_is_not_talk_time()
    {
        var events = new List<CallEventRecord> { E("incoming", 1), E("no_answer", 31, 0), E("answered", 31.5) };
        Assert.Null(CallAssembly.DurationMs(events));

        CallAssembly.Add(events, E("hangup", 50, 18_400));
        Assert.Equal(18_400, CallAssembly.DurationMs(events));
    }

    [Theory]
    [InlineData("busy", "busy", true)]
    [InlineData("no_answer", "no_answer", true)]
    [InlineData("cancelled", "cancelled", true)]
    [InlineData("hangup", "cancelled", true)]
    [InlineData("failed", "failed", false)]
    public void Unanswered_calls_end_in_their_terminal_kind(string terminal, string outcome, bool missed)
    {
        var events = new List<CallEventRecord> { E("incoming", 1), E("ringing", 2) };
        CallAssembly.Add(events, E(terminal, 3));
        Assert.Equal(outcome, CallAssembly.Outcome(events));
        Assert.Equal(missed, CallAssembly.IsMissed(outcome));
    }

    [Fact]
    public void A_call_without_a_terminal_event_is_open() =>
        Assert.Equal("open", CallAssembly.Outcome([E("incoming", 1), E("answered", 2)]));

    [Theory]
    [InlineData("Newchannel", null, null, null, "incoming")]
    [InlineData("Newstate", "Ringing", null, null, "ringing")]
    [InlineData("Newstate", "Up", null, null, "answered")]
    [InlineData("Hangup", null, "ANSWER", "16", "hangup")]
    [InlineData("Hangup", null, "BUSY", "17", "busy")]
    [InlineData("Hangup", null, null, "19", "no_answer")]
    [InlineData("Hangup", null, "CANCEL", "16", "cancelled")]
    [InlineData("Hangup", null, "CHANUNAVAIL", null, "failed")]
    public void Ami_events_map_to_the_webhook_model(string kind, string? state, string? dialStatus, string? cause, string expected)
    {
        var fields = new Dictionary<string, string?>
        {
            ["Event"] = kind, ["Uniqueid"] = "1700000000.17", ["Linkedid"] = "1700000000.15", ["CallerIDNum"] = "89161234567",
            ["CallerIDName"] = "Ivan", ["Exten"] = "84952233211", ["Timestamp"] = "1700000000.250", ["ChannelStateDesc"] = state,
            ["DialStatus"] = dialStatus, ["Cause"] = cause,
        };

        var (e, field, error) = CallAssembly.FromAmi(fields);

        Assert.Null(error);
        Assert.Null(field);
        Assert.Equal((expected, "1700000000.15", "89161234567", "84952233211", 1700000000.25), (e!.Event, e.CallId, e.Caller, e.Called, e.Ts));
    }

    [Fact]
    public void An_ami_ringing_on_an_internal_extension_names_the_phone_that_rings_and_keeps_the_dialled_number_apart()
    {
        Dictionary<string, string?> Ringing(string exten) => new()
        {
            ["Event"] = "Newstate", ["ChannelStateDesc"] = "Ringing", ["Uniqueid"] = "1.2", ["Linkedid"] = "1.1",
            ["CallerIDNum"] = "+79161234567", ["Exten"] = exten, ["Timestamp"] = "5.5",
        };

        var (onPhone, _, _) = CallAssembly.FromAmi(Ringing("202"));
        Assert.Equal(("ringing", "", "202"), (onPhone!.Event, onPhone.Called, onPhone.Extension));
        var (onDid, _, _) = CallAssembly.FromAmi(Ringing("74952233211"));
        Assert.Equal(("74952233211", (string?)null), (onDid!.Called, onDid.Extension));
        Assert.True(CallAssembly.IsExtension("20"));
        Assert.False(CallAssembly.IsExtension("2"));
        Assert.False(CallAssembly.IsExtension("1234567"));
        Assert.False(CallAssembly.IsExtension("20a"));
    }

    [Fact]
    public void Ami_events_that_mean_nothing_here_are_ignored_and_bad_ones_name_the_field()
    {
        Assert.Equal((null, null, null), CallAssembly.FromAmi(new Dictionary<string, string?> { ["Event"] = "Newstate", ["Uniqueid"] = "1.1", ["Timestamp"] = "5", ["ChannelStateDesc"] = "Down" }));
        Assert.Equal("Event", CallAssembly.FromAmi(new Dictionary<string, string?> { ["Uniqueid"] = "1.1" }).ErrorField);
        Assert.Equal("Uniqueid", CallAssembly.FromAmi(new Dictionary<string, string?> { ["Event"] = "Hangup" }).ErrorField);
        Assert.Equal("Timestamp", CallAssembly.FromAmi(new Dictionary<string, string?> { ["Event"] = "Hangup", ["Uniqueid"] = "1.1", ["Timestamp"] = "soon" }).ErrorField);
        Assert.Equal("Event", CallAssembly.FromAmi(new Dictionary<string, string?> { ["Event"] = "Dial", ["Uniqueid"] = "1.1", ["Timestamp"] = "5" }).ErrorField);
        Assert.Equal("CallerIDNum", CallAssembly.FromAmi(new Dictionary<string, string?> { ["Event"] = "Newchannel", ["Uniqueid"] = "1.1", ["Timestamp"] = "5" }).ErrorField);
    }
}
