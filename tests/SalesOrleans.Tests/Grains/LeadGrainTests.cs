using System.Diagnostics;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.Tests.Support;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Grains;

[Trait("Category", "Grain")]
[Collection(LeadClusterCollection.Name)]
public class LeadGrainTests(LeadClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly ContactNormalizer Normalizer = new("RU");
    private static readonly ActorInfo System = new("system", ["system"]);

    private static RecordingLeadSink Sink => LeadClusterFixture.Sink;

    /// <summary>A fresh mobile number per test: "916" and seven random digits.</summary>
    private static string NewNumber() => $"916{Random.Shared.Next(0, 10_000_000):D7}";

    private static InquiryInfo Inquiry(string? phone, string? email = null, string? department = "d1", string? need = "Two pumps", LeadChannel channel = LeadChannel.WebForm) =>
        new($"test:{Guid.NewGuid():N}", channel, DateTimeOffset.UtcNow, "Ivan Petrov",
            phone is null ? null : Normalizer.NormalizePhone(phone), email is null ? null : ContactNormalizer.NormalizeEmail(email), "Uralmash", need, department, "test");

    private Task<InquiryOutcome> Submit(InquiryInfo inquiry) => fixture.Grains.GetGrain<IInquiryGrain>(inquiry.Key).Submit(inquiry);

    private ILeadGrain Lead(Guid id) => fixture.Grains.GetGrain<ILeadGrain>(id);

    [Fact]
    public async Task The_same_new_number_in_three_spellings_at_the_same_instant_makes_one_lead()
    {
        var n = NewNumber();
        string[] spellings = [$"8 ({n[..3]}) {n[3..6]}-{n[6..8]}-{n[8..]}", $"+7 {n[..3]} {n[3..]}", $"7{n}"];
        var inquiries = Enumerable.Range(0, 12).Select(i => Inquiry(spellings[i % 3])).ToList();

        var outcomes = await Task.WhenAll(inquiries.Select(Submit));

        var created = Assert.Single(outcomes, o => o.Kind == InquiryOutcomeKind.NewLead);
        Assert.All(outcomes, o => Assert.Equal(created.ContactId, o.ContactId));
        Assert.All(outcomes, o => Assert.Equal(created.LeadId, o.LeadId));
        var lead = (await Lead(created.LeadId!.Value).Get())!;
        Assert.Equal(12, lead.Inquiries.Count);
        Assert.Equal("+7" + n, lead.Phone);
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(created.ContactId).Get())!;
        Assert.Equal((12, ContactKind.Potential, lead.Id), (contact.Inquiries, contact.Kind, contact.OpenLeadId));

        // A replayed inquiry answers its first outcome and changes nothing.
        Assert.Equal(outcomes[3], await Submit(inquiries[3]));
        Assert.Equal(12, (await Lead(lead.Id).Get())!.Inquiries.Count);
    }

    [Fact]
    public async Task Two_inquiries_at_the_same_instant_that_share_only_one_of_their_identities_make_one_contact_and_one_lead()
    {
        // A web form with phone and address against a mail with the address only, or a call from the phone only.
        // (Two inquiries that share nothing make two contacts, whatever comes later to link them.)
        for (var round = 0; round < 60; round++)
        {
            var n = NewNumber();
            var mail = $"shared.{Guid.NewGuid():N}@example.ru";
            var both = Inquiry($"+7{n}", mail);
            var one = round % 4 < 2 ? Inquiry(null, mail) : Inquiry($"8{n}");
            var pair = round % 2 == 0 ? new[] { both, one } : [one, both];

            var outcomes = await Task.WhenAll(pair.Select(Submit));

            var created = Assert.Single(outcomes, o => o.Kind == InquiryOutcomeKind.NewLead);
            Assert.All(outcomes, o => Assert.Equal(created.ContactId, o.ContactId));
            var contact = (await fixture.Grains.GetGrain<IContactGrain>(created.ContactId).Get())!;
            Assert.Equal(2, contact.Inquiries);
            Assert.Equal(created.LeadId, contact.OpenLeadId);
            Assert.Contains("+7" + n, contact.Phones);
            Assert.Contains(mail, contact.Emails);
        }
    }

    [Fact]
    public async Task A_known_address_joins_the_history_tells_the_assignee_and_its_new_phone_joins_the_contact()
    {
        var email = $"buyer.{Guid.NewGuid():N}@Example.RU";
        var first = await Submit(Inquiry(null, email));
        var lead = (await Lead(first.LeadId!.Value).Get())!;
        Assert.Equal(LeadStatus.Assigned, lead.Status);
        Assert.StartsWith("round robin", lead.AssignmentReason);

        var phone = NewNumber();
        var again = await Submit(Inquiry(phone, email.ToUpperInvariant(), need: "Any news on the pumps?"));
        var byPhone = await Submit(Inquiry("8" + phone, null, department: null));

        Assert.Equal((InquiryOutcomeKind.JoinedHistory, first.ContactId, lead.Assignee), (again.Kind, again.ContactId, again.Notified));
        Assert.Equal((InquiryOutcomeKind.JoinedHistory, first.ContactId), (byPhone.Kind, byPhone.ContactId));
        Assert.Contains(Sink.ActivitiesOf(lead.Id), a => a.Kind == LeadActivityKind.Notified && a.Subject == lead.Assignee && a.Text.Contains("got in touch again"));
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(first.ContactId).Get())!;
        Assert.Equal(["+7" + phone], contact.Phones);
        Assert.Equal([email.ToLowerInvariant()], contact.Emails);
        Assert.Equal(lead.Assignee, contact.Responsible);
    }

    [Fact]
    public async Task A_thousand_leads_at_once_are_each_assigned_exactly_once_and_round_robin_spread_is_at_most_one()
    {
        const int count = 1000;
        var inquiries = Enumerable.Range(0, count).Select(_ => Inquiry(null, $"race.{Guid.NewGuid():N}@example.ru", "race")).ToList();
        var watch = Stopwatch.StartNew();

        var outcomes = await Task.WhenAll(inquiries.Select(Submit));
        watch.Stop();
        output.WriteLine($"{count} inquiries → leads assigned in {watch.ElapsedMilliseconds} ms ({count / watch.Elapsed.TotalSeconds:0} leads/s, in-memory storage)");

        var leads = await Task.WhenAll(outcomes.Select(o => Lead(o.LeadId!.Value).Get()));
        Assert.All(leads, l => Assert.Equal(LeadStatus.Assigned, l!.Status));
        var perManager = leads.GroupBy(l => l!.Assignee!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], perManager.Keys.Order());
        Assert.True(perManager.Values.Max() - perManager.Values.Min() <= 1, string.Join(", ", perManager));
        // Exactly one assignment each, and the queue counts exactly what the leads say.
        Assert.All(leads, l => Assert.Single(Sink.ActivitiesOf(l!.Id), a => a.Kind == LeadActivityKind.Assigned));
        var queue = await fixture.Grains.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf("race")).Get();
        Assert.Equal(perManager.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)), queue.Members.Select(m => (m.User, m.OpenLeads)));
        Assert.Equal(count, queue.Members.Sum(m => m.Assigned));
    }

    [Fact]
    public async Task Capacity_and_presence_hold_leads_back_and_a_freed_place_takes_the_waiting_lead()
    {
        var queue = fixture.Grains.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf("cap"));
        await queue.Configure(AssignmentPolicyKind.RoundRobin, 1);
        var a = (await Lead((await Submit(Inquiry(NewNumber(), department: "cap"))).LeadId!.Value).Get())!;
        var b = (await Lead((await Submit(Inquiry(NewNumber(), department: "cap"))).LeadId!.Value).Get())!;
        var waiting = (await Lead((await Submit(Inquiry(NewNumber(), department: "cap"))).LeadId!.Value).Get())!;

        Assert.Equal(["c1", "c2"], new[] { a.Assignee!, b.Assignee! }.Order());
        Assert.Equal(LeadStatus.New, waiting.Status);
        Assert.Contains(Sink.ActivitiesOf(waiting.Id), x => x.Kind == LeadActivityKind.Note && x.Text.Contains("at capacity"));
        Assert.Equal([waiting.Id], (await queue.Get()).Waiting);

        // c1 goes absent: freeing c1's place does not help; freeing c2's does.
        await queue.SetPresence("c1", true);
        var c1Lead = a.Assignee == "c1" ? a : b;
        var c2Lead = a.Assignee == "c2" ? a : b;
        Assert.True((await Lead(c1Lead.Id).Disqualify("Duplicate of an older request", new ActorInfo("csup", ["supervisor"]))).Ok);
        // Nothing is to happen here: give a wrong assignment 300 ms to show itself.
        await Task.Delay(300);
        Assert.Equal(LeadStatus.New, (await Lead(waiting.Id).Get())!.Status);

        Assert.True((await Lead(c2Lead.Id).Disqualify("Spam", new ActorInfo("c2", ["manager"]))).Ok);
        var assigned = await Sink.WaitFor(waiting.Id, LeadActivityKind.Assigned, TimeSpan.FromSeconds(10));
        Assert.Equal("c2", assigned.Subject);
        Assert.Contains("waited in the queue", assigned.Text);
        Assert.Contains("c1 absent", assigned.Text);
        await queue.SetPresence("c1", false);
    }

    [Fact]
    public async Task Converting_makes_the_deal_and_the_customers_next_inquiry_lands_in_the_deals_journal()
    {
        var phone = NewNumber();
        var outcome = await Submit(Inquiry(phone));
        var lead = Lead(outcome.LeadId!.Value);
        var view = (await lead.Get())!;
        var owner = new ActorInfo(view.Assignee!, ["manager"]);

        var incomplete = await lead.Convert(new ConvertLeadCommand(TestProcesses.Kind, null, null, "Two pumps", null, "Ivan +7916", 5000m, "EUR"), owner);
        Assert.Equal(("legalDetails", RejectionCode.Invalid), (incomplete.Error!.Field, incomplete.Error.Code));
        var converted = await lead.Convert(new ConvertLeadCommand(TestProcesses.Kind, null, null, "Two pumps", "OOO Uralmash", "Ivan +7916", 5000m, "EUR"), owner);

        Assert.True(converted.Ok, converted.Error?.Message);
        Assert.Equal((LeadStatus.Converted, view.Id), (converted.Lead!.Status, converted.Lead.DealId));
        var deal = (await fixture.Grains.GetGrain<IDealGrain>(view.Id).Get())!;
        Assert.Equal((view.Assignee, "Uralmash", "Two pumps"), (deal.Owner, deal.Company, deal.Parameters["needs"]));
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(outcome.ContactId).Get())!;
        Assert.Equal((ContactKind.Customer, (Guid?)deal.Id, (Guid?)null), (contact.Kind, contact.OpenDealId, contact.OpenLeadId));

        var later = await Submit(Inquiry(phone, need: "Need spare parts"));
        Assert.Equal((InquiryOutcomeKind.JoinedHistory, (Guid?)deal.Id, view.Assignee), (later.Kind, later.DealId, later.Notified));
        Assert.Contains(LeadClusterFixture.Deals.ActivitiesOf(deal.Id), a => a.Text.Contains("Need spare parts"));
        Assert.Contains(Sink.ContactActivitiesOf(contact.Id), a => a.Kind == "Notified" && a.Subject == view.Assignee);
    }

    [Fact]
    public async Task A_lead_nobody_can_take_breaches_its_sla_and_escalates_to_the_supervisor()
    {
        var outcome = await Submit(Inquiry(NewNumber(), department: "empty"));

        var breach = await Sink.WaitFor(outcome.LeadId!.Value, LeadActivityKind.SlaBreached, TimeSpan.FromSeconds(10));

        var lead = (await Lead(outcome.LeadId.Value).Get())!;
        Assert.Equal(["assign"], lead.SlaBreaches);
        Assert.InRange(breach.At - lead.CreatedAt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        Assert.Contains(Sink.ActivitiesOf(lead.Id), a => a.Kind == LeadActivityKind.Notified && a.Subject == "esup" && a.Seq > breach.Seq);
    }

    [Fact]
    public async Task A_triage_lead_is_assigned_by_hand_and_a_marketer_gives_a_manager_a_call_task()
    {
        var outcome = await Submit(Inquiry(NewNumber(), department: null));
        var lead = Lead(outcome.LeadId!.Value);
        Assert.Equal((SalesOrleans.Domain.Leads.Lead.Triage, LeadStatus.New), ((await lead.Get())!.Department, (await lead.Get())!.Status));

        var byManager = await lead.Assign("m1", null, new ActorInfo("m1", ["manager"]));
        var byHead = await lead.Assign("m1", "speaks Russian", new ActorInfo("head", ["supervisor"]));

        Assert.Equal(RejectionCode.Forbidden, byManager.Error!.Code);
        Assert.Equal(("m1", "d1", "assigned by head: speaks Russian"), (byHead.Lead!.Assignee, byHead.Lead.Department, byHead.Lead.AssignmentReason));

        var contact = fixture.Grains.GetGrain<IContactGrain>(outcome.ContactId);
        var refused = await contact.AddTask(new NewContactTask("Call about the exhibition", "m1", "call-client", 8), new ActorInfo("m2", ["manager"]));
        var given = await contact.AddTask(new NewContactTask("Call about the exhibition", "m1", "call-client", 8), new ActorInfo("mk", ["marketer"]));
        Assert.Equal(RejectionCode.Forbidden, refused.Error!.Code);
        var task = Assert.Single(given.Contact!.Tasks);
        Assert.Equal(("m1", "Open", "mk"), (task.Executor, task.Status, task.CreatedBy));
        Assert.True((await contact.CompleteTask(task.Id, "Invited", new ActorInfo("m1", ["manager"]))).Ok);
    }

    [Fact]
    public async Task A_call_assembles_out_of_order_and_repeated_events_and_an_unknown_caller_becomes_a_lead()
    {
        var id = Guid.NewGuid().ToString("N");
        var caller = "8" + NewNumber();
        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));
        CallEvent E(string name, double ts) => new(name, id, caller, "84952233211", ts, "Olga", null, null, null);

        Assert.True(await call.Record(E("incoming", 1000.0)));
        Assert.True(await call.Record(E("hangup", 1030.0)));
        Assert.True(await call.Record(E("answered", 1004.0)));
        Assert.False(await call.Record(E("incoming", 1000.0)));
        Assert.True(await call.Record(E("ringing", 1000.5)));

        var view = await Settled(call, v => v.Settled && v.LeadId is not null);
        Assert.Equal(["incoming", "ringing", "answered", "hangup"], view.Events);
        Assert.Equal(("answered", true, (string?)null, "d1"), (view.Outcome, view.Settled, view.CallBackTaskFor, view.Department));
        var lead = (await Lead(view.LeadId!.Value).Get())!;
        Assert.Equal((LeadChannel.Phone, "Olga", "d1"), (lead.Channel, lead.Name, lead.Department));
        await Poll.Until(() => Task.FromResult(Sink.ActivitiesOf(lead.Id).Any(a => a.Kind == LeadActivityKind.Note && a.Text.Contains("answered, 26 s"))),
            "the lead's note of the answered call");
        Assert.Contains(Sink.ActivitiesOf(lead.Id), a => a.Kind == LeadActivityKind.Note && a.Text.Contains("answered, 26 s"));
    }

    /// <summary>The call's view once <paramref name="done"/> holds: the inquiry is made just after the event is acknowledged.</summary>
    private static Task<CallView> Settled(ICallGrain call, Func<CallView, bool> done, int seconds = 5) =>
        Poll.Until(async () => await call.Get() is { } view && done(view) ? view : null, $"The call did not get there within {seconds} s.", seconds);

    [Fact]
    public async Task The_extension_that_rings_last_names_who_gets_the_pop_up_and_the_card_tells_a_new_caller_from_a_known_one()
    {
        var number = NewNumber();
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));
        CallEvent E(string name, double ts, string? extension = null) => new(name, id, "+7" + number, "84952233211", ts, "Pavel", null, null, null, extension);

        await call.Record(E("incoming", 3000.0));
        await call.Record(E("ringing", 3001.0, "102"));
        await call.Record(E("ringing", 3000.5, "101"));
        var view = await Settled(call, v => v.Card is not null);
        // The later ring (a transfer) wins even though its event arrived first.
        Assert.Equal(("102", "m2"), (view.Extension, view.RingsFor));
        Assert.Equal((true, "Pavel"), (view.Card!.NewLead, view.Card.Name));

        var second = Guid.NewGuid().ToString("N");
        var again = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(second));
        await again.Record(new CallEvent("incoming", second, "8" + number, "84952233211", 3100.0, null, null, null, null, "999"));
        var known = await Settled(again, v => v.Card is not null);
        Assert.Equal(("999", (string?)null), (known.Extension, known.RingsFor));
        Assert.Equal((false, "Pavel", 2), (known.Card!.NewLead, known.Card.Name, known.Card.Inquiries));
        Assert.Equal(view.ContactId, known.ContactId);
    }

    /// <summary>A customer known from an earlier inquiry (with its lead's assignee) and a new call of theirs, no event yet.</summary>
    private async Task<(string Number, InquiryOutcome Known, string? Responsible, string CallId, ICallGrain Call)> NewCallOfAKnownCustomer()
    {
        var number = NewNumber();
        var known = await Submit(Inquiry(number));
        var responsible = (await Lead(known.LeadId!.Value).Get())!.Assignee;
        var id = Guid.NewGuid().ToString("N");
        return (number, known, responsible, id, fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id)));
    }

    [Fact]
    public async Task A_missed_call_from_a_known_customer_gives_the_responsible_manager_a_call_back_task()
    {
        var (number, known, responsible, id, call) = await NewCallOfAKnownCustomer();
        await call.Record(new CallEvent("incoming", id, "+7" + number, "84952233211", 2000.0, null, null, null, null));
        await call.Record(new CallEvent("busy", id, "+7" + number, "84952233211", 2001.0, null, null, null, 486));

        var view = await Settled(call, v => v.Settled);
        Assert.Equal(("busy", responsible, known.ContactId), (view.Outcome, view.CallBackTaskFor, view.ContactId));
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(known.ContactId).Get())!;
        var task = Assert.Single(contact.Tasks, t => t.Kind == "call-back");
        Assert.Equal(responsible, task.Executor);
        Assert.True(task.Deadline > task.CreatedAt);
        Assert.Equal(2, contact.Inquiries);
    }

    [Fact]
    public async Task A_call_whose_hang_up_never_comes_is_judged_missed_and_gives_the_responsible_a_call_back_task()
    {
        var (number, known, responsible, id, call) = await NewCallOfAKnownCustomer();
        await call.Record(new CallEvent("incoming", id, "+7" + number, "84952233211", 2000.0, "Мария", null, null, null));
        await call.Record(new CallEvent("ringing", id, "+7" + number, "84952233211", 2000.8, "Мария", null, null, null, "101"));

        // Woken before the end limit (a sweep, a crash's repair), the call keeps waiting for its end.
        await call.Resume();
        Assert.Equal("open", (await call.Get())!.Outcome);

        // The wake sweep comes once the limit (2 s here) has passed: judged without an end, as a missed call.
        var view = await Poll.Until(async () =>
        {
            await call.Resume();
            return await call.Get() is { Settled: true } settled ? settled : null;
        }, "The call was not judged after its end limit.", 10);
        Assert.Equal((CallAssembly.NoEnd, responsible), (view.Outcome, view.CallBackTaskFor));
        var contact = (await fixture.Grains.GetGrain<IContactGrain>(known.ContactId).Get())!;
        Assert.Single(contact.Tasks, t => t.Kind == "call-back" && t.Executor == responsible);

        // The hang-up arriving late changes nothing judged and makes no second task.
        Assert.True(await call.Record(new CallEvent("hangup", id, "+7" + number, "84952233211", 2030.0, "Мария", "caller", null, null)));
        Assert.Equal(CallAssembly.NoEnd, (await call.Get())!.Outcome);
        Assert.Single((await fixture.Grains.GetGrain<IContactGrain>(known.ContactId).Get())!.Tasks, t => t.Kind == "call-back");
    }

    [Fact]
    public async Task A_settling_retried_after_its_call_back_task_was_made_finds_that_task_and_makes_no_second()
    {
        // The crash window: a first settling made the call-back task on the contact, then its node died (or its write
        // or the contact's reply was lost) before the call stored that it had. The call's stored state is unsettled,
        // so the retry (the sweep's, on a survivor) settles again; the task id derived from the call makes it find the
        // task the first attempt made.
        var number = NewNumber();
        var known = await Submit(Inquiry(number));
        var responsible = (await Lead(known.LeadId!.Value).Get())!.Assignee;
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        var id = Guid.NewGuid().ToString("N");
        var first = await contact.AddTask(new NewContactTask($"Call back +7{number}: missed call (no answer)", null, "call-back", 2, CallGrain.CallBackTaskId(id)), System);
        Assert.True(first.Ok);

        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));
        await call.Record(new CallEvent("incoming", id, "+7" + number, "84952233211", 6000.0, null, null, null, null));
        await call.Record(new CallEvent("no_answer", id, "+7" + number, "84952233211", 6030.0, null, null, null, 480));
        var view = await Settled(call, v => v.Settled, 10);

        Assert.Equal(("no_answer", true, responsible), (view.Outcome, view.Settled, view.CallBackTaskFor));
        var task = Assert.Single((await contact.Get())!.Tasks, t => t.Kind == "call-back");
        Assert.Equal(CallGrain.CallBackTaskId(id), task.Id);
    }

    [Fact]
    public async Task A_missed_call_whose_settling_throws_three_times_is_retried_until_the_call_back_task_is_made()
    {
        // The settle step fails the way an outage or a failover makes it fail (here: the responsible's look-up throws
        // three times); a one-shot timer gave up after the first, leaving the call unsettled and without its task.
        var number = NewNumber();
        var known = await Submit(Inquiry(number));
        var responsible = $"u-flaky-{Guid.NewGuid():N}"[..16];
        var contact = fixture.Grains.GetGrain<IContactGrain>(known.ContactId);
        await contact.SetResponsible(responsible, "d1");
        LeadClusterFixture.Directory.FailingLookups[responsible] = 3;
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Grains.GetGrain<ICallGrain>(CallGrain.KeyOf(id));

        var watch = Stopwatch.StartNew();
        await call.Record(new CallEvent("incoming", id, "+7" + number, "84952233211", 5000.0, "Jürgen", null, null, null));
        await call.Record(new CallEvent("no_answer", id, "+7" + number, "84952233211", 5030.0, "Jürgen", null, null, 480));
        // Keeping the call busy with reads (as the sweep does every 5 s) must not stop its retries.
        var view = await Settled(call, v => v.Settled, 20);

        output.WriteLine($"settled after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(0, LeadClusterFixture.Directory.FailingLookups[responsible]);
        Assert.Equal(("no_answer", true, responsible), (view.Outcome, view.Settled, view.CallBackTaskFor));
        var task = Assert.Single((await contact.Get())!.Tasks, t => t.Kind == "call-back");
        Assert.Equal(responsible, task.Executor);
        // The call log got the settled call.
        Assert.Contains(Sink.Calls, c => c.CallId == id && c.Settled && c.CallBackTaskFor == responsible);
    }

    [Fact]
    public async Task An_overdue_contact_task_is_flagged_for_its_executor_then_escalated_to_the_supervisor()
    {
        var outcome = await Submit(Inquiry(NewNumber()));
        var contact = fixture.Grains.GetGrain<IContactGrain>(outcome.ContactId);
        var given = await contact.AddTask(new NewContactTask("Call back quickly", "m1", "call-back", 1.0 / 3600), new ActorInfo("mk", ["marketer"]));
        Assert.True(given.Ok, given.Error?.Message);

        await Poll.Until(() => Task.FromResult(Sink.ContactActivitiesOf(outcome.ContactId).Any(a => a.Kind == "TaskEscalated")), "the task's escalation", 30);
        var activities = Sink.ContactActivitiesOf(outcome.ContactId);

        Assert.Contains(activities, a => a.Kind == "Notified" && a.Subject == "m1" && a.Text.StartsWith("Overdue: Call back quickly"));
        Assert.Contains(activities, a => a.Kind == "Notified" && a.Subject == "sup" && a.Text.StartsWith("Escalated: m1"));
        var task = (await contact.Get())!.Tasks.Single();
        Assert.Equal("sup", task.EscalatedTo);
        Assert.NotNull(task.OverdueAt);
    }
}
