using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// The crash window of a call's journal line: a settling wrote the line on the contact and its lead (or deal), then its
/// node died — or its own write failed — before the call stored that it had settled. The call's stored state is
/// unsettled, so a retry (the same activation's, or a survivor's after the sweep) settles again; the key derived from
/// the call makes the contact, lead and deal find the line and write none.
/// </summary>
[Trait("Category", "Grain")]
[Collection(LeadClusterCollection.Name)]
public class CallJournalRetryTests(LeadClusterFixture fixture)
{
    private static readonly ContactNormalizer Normalizer = new("RU");

    private static RecordingLeadSink Sink => LeadClusterFixture.Sink;

    private static string NewNumber() => $"916{Random.Shared.Next(0, 10_000_000):D7}";

    private Task<InquiryOutcome> Submit(string number, string name) =>
        fixture.Grains.GetGrain<IInquiryGrain>($"test:{Guid.NewGuid():N}").Submit(new InquiryInfo($"test:{Guid.NewGuid():N}", LeadChannel.WebForm,
            DateTimeOffset.UtcNow, name, Normalizer.NormalizePhone(number), null, "Uralmash", "Zwei Pumpen für die Kläranlage", "d1", "test"));

    private static CallEvent E(string id, string number, string name, double ts, int? sip = null) =>
        new(name, id, "+7" + number, "84952233211", ts, "Jürgen Müller", null, null, sip);

    /// <summary>Until the call is settled and the contact has published <paramref name="marker"/> after it (so every line the settling wrote is in the sink).</summary>
    private async Task<CallView> SettledAndFlushed(ICallGrain call, IContactGrain contact, Guid contactId)
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        var view = await Poll.Until(async () => await call.Get() is { Settled: true } settled ? settled : null, "the call never settled", 20);
        await contact.Log("Note", marker, "system");
        await Poll.Until(() => Task.FromResult(Sink.ContactActivitiesOf(contactId).Any(a => a.Text == marker)), "the contact's journal never reached the sink", 20);
        return view;
    }

    [Fact]
    public async Task A_settling_retried_after_the_call_was_logged_on_the_contact_and_lead_logs_it_once()
    {
        var number = NewNumber();
        var known = await Submit(number, "Ольга Смирнова");
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        var lead = fixture.Grains.GetGrain<ILeadGrain>(known.LeadId!.Value);
        var id = Guid.NewGuid().ToString("N");
        // What the first settling wrote before its node died: the line on the contact and on the lead, the call unsettled.
        var text = $"Call {id} from +7{number} to 84952233211: no_answer";
        await contact.LogOnce(CallGrain.JournalKey(id), "Call", text, "system");
        await lead.LogOnce(CallGrain.JournalKey(id), text, "system");

        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));
        await call.Record(E(id, number, "incoming", 7000.0));
        await call.Record(E(id, number, "no_answer", 7030.0, 480));
        var view = await SettledAndFlushed(call, contact, known.ContactId);

        Assert.Equal("no_answer", view.Outcome);
        Assert.Single(Sink.ContactActivitiesOf(known.ContactId), a => a.Kind == "Call" && a.Text.Contains(id));
        Assert.Single(Sink.ActivitiesOf(known.LeadId!.Value), a => a.Text.StartsWith($"Call {id} "));
        // The rest of the settling still happened: the call-back task.
        Assert.Single((await contact.Get())!.Tasks, t => t.Id == CallGrain.CallBackTaskId(id));
    }

    [Fact]
    public async Task A_settling_retried_after_the_call_was_noted_on_the_customers_open_deal_notes_it_once()
    {
        var number = NewNumber();
        var known = await Submit(number, "Stefan Größer");
        var lead = fixture.Grains.GetGrain<ILeadGrain>(known.LeadId!.Value);
        var assignee = (await lead.Get())!.Assignee!;
        var converted = await lead.Convert(new ConvertLeadCommand(TestProcesses.Kind, null, null, "Zwei Pumpen", "Uralmash AG", "Stefan +7916", 5000m, "EUR"),
            new ActorInfo(assignee, ["manager"]));
        Assert.True(converted.Ok, converted.Error?.Message);
        var dealId = converted.Lead!.DealId!.Value;
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        var id = Guid.NewGuid().ToString("N");
        var text = $"Call {id} from +7{number} to 84952233211: busy";
        await contact.LogOnce(CallGrain.JournalKey(id), "Call", text, "system");
        var first = await fixture.Grains.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text, CallGrain.JournalKey(id)), new ActorInfo("system", ["system"]));
        Assert.True(first.Ok, first.Error?.Message);

        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));
        await call.Record(E(id, number, "incoming", 8000.0));
        await call.Record(E(id, number, "busy", 8001.0, 486));
        await SettledAndFlushed(call, contact, known.ContactId);

        Assert.Single(Sink.ContactActivitiesOf(known.ContactId), a => a.Kind == "Call" && a.Text.Contains(id));
        // The deal got the note once: asked again (a second settling), it answers the same and records nothing.
        var again = await fixture.Grains.GetGrain<IDealGrain>(dealId).AddNote(new AddNoteCommand(text, CallGrain.JournalKey(id)), new ActorInfo("system", ["system"]));
        Assert.True(again.Ok);
        Assert.Single(LeadClusterFixture.Deals.ActivitiesOf(dealId).DistinctBy(a => a.Seq), a => a.Kind == ActivityKind.Note && a.Text.StartsWith($"Call {id} "));
    }

    [Fact]
    public async Task A_settling_that_fails_after_logging_and_is_retried_in_the_same_activation_logs_the_call_once()
    {
        // The settling logs the call, then the call-back task's look-up throws twice: each retry runs the whole
        // settling again, and only the key keeps the journal to one line (no memory of the activation helps).
        var number = NewNumber();
        var known = await Submit(number, "Наталья Кузнецова");
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        var responsible = $"u-retry-{Guid.NewGuid():N}"[..16];
        await contact.SetResponsible(responsible, "d1");
        LeadClusterFixture.Directory.FailingLookups[responsible] = 2;
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));

        await call.Record(E(id, number, "incoming", 9000.0));
        await call.Record(E(id, number, "no_answer", 9030.0, 480));
        var view = await SettledAndFlushed(call, contact, known.ContactId);

        Assert.Equal(0, LeadClusterFixture.Directory.FailingLookups[responsible]);
        Assert.Equal(responsible, view.CallBackTaskFor);
        Assert.Single(Sink.ContactActivitiesOf(known.ContactId), a => a.Kind == "Call" && a.Text.Contains(id));
        Assert.Single(Sink.ActivitiesOf(known.LeadId!.Value), a => a.Text.StartsWith($"Call {id} "));
    }

    [Fact]
    public async Task A_lead_converted_between_a_failed_settling_and_its_retry_gets_the_call_noted_once_not_again_on_its_deal()
    {
        // The first settling notes the call on the contact and the open lead, then fails making the call-back task (the
        // responsible's look-up throws) and keeps failing until the test has converted the lead. The retry finds no open
        // lead but the new deal; the deal has the lead's id, the lead holds the call's key, so nothing is noted twice.
        var number = NewNumber();
        var known = await Submit(number, "Dieter Weiß");
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        var lead = fixture.Grains.GetGrain<ILeadGrain>(known.LeadId!.Value);
        var responsible = $"u-conv-{Guid.NewGuid():N}"[..16];
        await contact.SetResponsible(responsible, "d1");
        const int failing = 1_000_000;
        LeadClusterFixture.Directory.FailingLookups[responsible] = failing;
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));

        await call.Record(E(id, number, "incoming", 9500.0));
        await call.Record(E(id, number, "no_answer", 9530.0, 480));
        await Poll.Until(() => Task.FromResult(LeadClusterFixture.Directory.FailingLookups[responsible] < failing
            && Sink.ActivitiesOf(known.LeadId!.Value).Any(a => a.Text.StartsWith($"Call {id} "))), "the first settling noted the call on the lead and failed", 30);

        var assignee = (await lead.Get())!.Assignee!;
        var converted = await lead.Convert(new ConvertLeadCommand(TestProcesses.Kind, null, null, "Drei Pumpen", "Weiß & Söhne KG", "Dieter +7916", 7200m, "EUR"),
            new ActorInfo(assignee, ["manager"]));
        Assert.True(converted.Ok, converted.Error?.Message);
        var dealId = converted.Lead!.DealId!.Value;
        LeadClusterFixture.Directory.FailingLookups[responsible] = 0;

        var view = await SettledAndFlushed(call, contact, known.ContactId);
        Assert.Equal("no_answer", view.Outcome);
        Assert.NotNull(view.CallBackTaskFor);
        Assert.Single((await contact.Get())!.Tasks, t => t.Id == CallGrain.CallBackTaskId(id));
        Assert.Single(Sink.ContactActivitiesOf(known.ContactId), a => a.Kind == "Call" && a.Text.Contains(id));
        Assert.Single(Sink.ActivitiesOf(known.LeadId!.Value), a => a.Text.StartsWith($"Call {id} "));
        // Everything the deal was told is in its feed once a later note is there: the call is not among it.
        var marker = $"marker-{Guid.NewGuid():N}";
        var deal = fixture.Grains.GetGrain<IDealGrain>(dealId);
        Assert.True((await deal.AddNote(new AddNoteCommand(marker, null), new ActorInfo("system", ["system"]))).Ok);
        await Poll.Until(() => Task.FromResult(LeadClusterFixture.Deals.ActivitiesOf(dealId).Any(a => a.Text == marker)), "the deal's feed", 20);
        Assert.DoesNotContain(LeadClusterFixture.Deals.ActivitiesOf(dealId), a => a.Text.StartsWith($"Call {id} "));
        // Asked again now (a third settling), the converted lead still forwards nothing.
        Assert.True(await lead.LogOnce(CallGrain.JournalKey(id), "again", "system"));
        Assert.Single(Sink.ActivitiesOf(known.LeadId!.Value), a => a.Text.StartsWith($"Call {id} "));
    }
}
