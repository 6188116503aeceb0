using System.Diagnostics;
using System.Text.Json;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Faults;

/// <summary>
/// A real PBX (Kamailio, driven by SIPp callers and callees) posting a burst of calls through a load balancer into
/// three node processes, one of which is killed with SIGKILL mid burst. Kamailio does not retry: an event the
/// balancer answered with an error is simply lost to the PBX. Every event that was acknowledged must count: its call
/// is in the call log and in its contact's calls exactly once, settled when its end was acknowledged, and a missed
/// call has its call-back task.
/// </summary>
[Trait("Category", "Sip")]
[Collection(FaultCollection.Name)]
public class SipNodeFaultTests(ITestOutputHelper output)
{
    private static readonly string[] Terminal = ["hangup", "busy", "no_answer", "cancelled", "failed"];
    // A failed call (the network's fault) is not missed: nobody could have taken it.
    private static readonly string[] Missed = ["busy", "no_answer", "cancelled"];

    /// <summary>
    /// Missed as a person judges it: busy, unanswered or given up, unless answered at any time — a PBX's own no-answer
    /// end can cross the callee's late 200 (seen beside two CPU hogs: no_answer, then answered 3.7 s later).
    /// </summary>
    private static bool IsMissed(IReadOnlySet<string> logged, IReadOnlySet<string> acked) =>
        !logged.Contains("answered") && acked.Overlaps(Missed);

    [Fact]
    public async Task A_node_killed_mid_burst_loses_no_acknowledged_call_from_the_log_or_the_contact()
    {
        var db = await TestDatabase.CreateAsync();
        var processes = new List<NodeProcess>();
        // Quiet calls with work due are repaired soon after the kill, not after the default 15 s.
        string[] settings = ["--Leads:CallSweepQuiet=00:00:05", "--Leads:CallSweepInterval=00:00:02"];
        try
        {
            processes.Add(await NodeProcess.StartAsync(db, "node-0", settings));
            processes.AddRange(await Task.WhenAll(NodeProcess.StartAsync(db, "node-1", settings), NodeProcess.StartAsync(db, "node-2", settings)));
            await using var balancer = await RecordingBalancer.StartAsync(processes.Select(p => p.Address).ToList());
            await using var sip = await SipLab.StartAsync(balancer.Address, "demo-pbx-key");

            // New callers, one call each: answered (…1), busy (…2) and unanswered (…3, the proxy gives up after 3 s).
            var first = Random.Shared.Next(0, 9_000_000);
            (string, string, string) Call(int n, string called) => ($"7918{first + n:D7}", called, $"Caller {n}");
            var answered = Enumerable.Range(0, 120).Select(n => Call(n, "74950000001")).ToArray();
            var failing = Enumerable.Range(120, 60).Select(n => Call(n, n % 2 == 0 ? "74950000002" : "74950000003")).ToArray();
            var burst = Task.WhenAll(sip.BurstAsync("uac-answer", 5, answered), sip.BurstAsync("uac-fail", 2.5, failing));

            // Mid burst: once a fair share of events is acknowledged, the node taking a third of them dies.
            var clock = Stopwatch.StartNew();
            while (balancer.Answers.Count(a => a.Status == 202) < 120 && clock.Elapsed < TimeSpan.FromSeconds(90) && !burst.IsCompleted)
            {
                await Task.Delay(100);
            }

            var ackedBeforeKill = balancer.Answers.Count(a => a.Status == 202);
            processes[2].KillHard();
            await burst;
            // Kamailio's workers may still be posting what queued up: wait until the answers stop coming.
            for (var last = -1; balancer.Answers.Count != last;)
            {
                last = balancer.Answers.Count;
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            Assert.True(processes[2].HasExited);
            var answers = balancer.Answers.ToList();
            var acked = answers.Where(a => a.Status == 202).GroupBy(a => a.CallId).ToDictionary(g => g.Key, g => g.Select(a => a.Event).ToHashSet());
            output.WriteLine($"{answers.Count} events posted, {answers.Count(a => a.Status == 202)} acknowledged ({ackedBeforeKill} before the kill), "
                + $"not acknowledged: {string.Join(", ", answers.Where(a => a.Status != 202).GroupBy(a => a.Status).Select(g => $"{g.Count()}× {g.Key}"))}; "
                + $"{acked.Count} calls with an acknowledged event");
            Assert.True(ackedBeforeKill >= 100 && answers.Count(a => a.Status == 202) - ackedBeforeKill >= 100, "The burst must run on both sides of the kill.");
            // Only the kill may cost events: everything else the PBX posted is acknowledged or refused for a reason.
            var refused = balancer.Refusals.Where(r => r.Status is not (502 or 503)).ToList();
            Assert.True(refused.Count == 0, $"{refused.Count} events refused for another reason than the kill:\n"
                + string.Join("\n", refused.Take(5).Select(r => $"{r.Status} for {r.Request}: {r.Answer}")) + "\nthe proxy on them:\n" + string.Join("\n", (await sip.ProxyLogAsync()).Split('\n').Where(line => refused.Any(r => line.Contains(r.Request, StringComparison.Ordinal)))));

            using var head = await processes[0].ClientAsync("s.volkov");
            // The call log shows every acknowledged call, with every acknowledged event; settled once its end was
            // acknowledged, a missed one with its call-back task (made at once, or by a survivor's sweep).
            var log = new Dictionary<string, JsonElement>();
            List<string> behind = [];
            var watch = Stopwatch.StartNew();
            do
            {
                var items = (await Json(head, "/api/telephony/calls?limit=500")).EnumerateArray().ToList();
                Assert.Equal(items.Count, items.Select(c => c.GetProperty("callId").GetString()).Distinct().Count());
                log = items.ToDictionary(c => c.GetProperty("callId").GetString()!);
                behind = acked.Where(a => !Shows(log.GetValueOrDefault(a.Key), a.Value)).Select(a => a.Key).ToList();
                if (behind.Count > 0)
                {
                    await Task.Delay(500);
                }
            }
            while (behind.Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(90));

            Assert.True(behind.Count == 0, $"{behind.Count} of {acked.Count} acknowledged calls not (yet) right in the call log: "
                + string.Join("; ", behind.Take(5).Select(id => $"{id} acknowledged {string.Join("/", acked[id])}, log: {(log.TryGetValue(id, out var c) ? c.ToString() : "none")}")));
            output.WriteLine($"all {acked.Count} acknowledged calls right in the call log {watch.Elapsed.TotalSeconds:0.0} s after the burst");
            // Talk time is unknown or counted forward, whatever order the events came in.
            Assert.All(log.Values, c => Assert.True(c.GetProperty("durationMs") is not { ValueKind: JsonValueKind.Number } d || d.GetInt64() >= 0, $"negative talk time: {c}"));
            output.WriteLine($"{log.Values.Select(Events).Count(e => e.Contains("answered") && e.Overlaps(Missed))} answered calls the PBX had also ended unanswered");

            // And on the contact: each call once among the contact's calls, a missed one with an open call-back task.
            var missed = 0;
            foreach (var (callId, events) in acked)
            {
                var call = log[callId];
                if (!events.Overlaps(["incoming", .. Terminal]))
                {
                    // Only "ringing" or "answered" got through: no inquiry is owed (nothing says who called when).
                    continue;
                }

                Assert.True(call.GetProperty("contactId").ValueKind == JsonValueKind.String, $"{callId}: no contact: {call}");
                var contactId = call.GetProperty("contactId").GetString();
                var calls = (await Json(head, $"/api/contacts/{contactId}/calls")).EnumerateArray().Select(c => c.GetProperty("callId").GetString()).ToList();
                Assert.Equal(1, calls.Count(c => c == callId));
                if (IsMissed(Events(call), events))
                {
                    missed++;
                    var tasks = (await Json(head, $"/api/contact-tasks?contactId={contactId}&status=Open")).EnumerateArray().ToList();
                    Assert.Single(tasks, t => t.GetProperty("kind").GetString() == "call-back");
                }
            }

            output.WriteLine($"each in its contact's calls once; {missed} missed calls each with its call-back task");
        }
        finally
        {
            foreach (var process in processes)
            {
                var lines = process.Log.Split('\n');
                foreach (var at in Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith("fail:", StringComparison.Ordinal)).Take(5))
                {
                    output.WriteLine($"{process.Name}: {string.Join("\n", lines.Skip(at).Take(6))}");
                }
            }

            await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The log row shows the acknowledged events; settled (and a missed call's call-back task) once its end was acknowledged.</summary>
    private static bool Shows(JsonElement call, HashSet<string> acked)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var events = Events(call);
        if (!acked.IsSubsetOf(events))
        {
            return false;
        }

        if (!acked.Overlaps(Terminal))
        {
            return true;
        }

        return call.GetProperty("settled").GetBoolean()
            && (!IsMissed(events, acked) || call.GetProperty("callBackFor").ValueKind == JsonValueKind.String);
    }

    private static HashSet<string> Events(JsonElement call) =>
        call.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToHashSet();

    private static async Task<JsonElement> Json(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
