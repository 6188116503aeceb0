using System.Globalization;

namespace SalesOrleans.Domain.Leads;

/// <summary>One received call event, as the call grain stores it.</summary>
public sealed record CallEventRecord(string Event, double Ts, string? HangupBy, long? DurationMs, int? SipCode);

/// <summary>
/// Assembles a PBX call from its events: the webhook may deliver them twice or out of order (Kamailio's HTTP
/// workers, 180/200 swaps), so the call is judged on its events ordered by their own timestamps. Pure.
/// </summary>
public static class CallAssembly
{
    public static readonly IReadOnlyList<string> Events = ["incoming", "ringing", "answered", "hangup", "busy", "no_answer", "cancelled", "failed"];

    private static readonly HashSet<string> Terminal = ["hangup", "busy", "no_answer", "cancelled", "failed"];

    /// <summary>The outcome of a call whose end never came (the PBX lost or never sent it) and that was not answered.</summary>
    public const string NoEnd = "no_end";

    // A call that rang and whose end never came is treated as missed: a call back too many beats a customer nobody calls.
    private static readonly HashSet<string> Missed = ["busy", "no_answer", "cancelled", NoEnd];

    public static bool IsKnown(string? name) => name is not null && Events.Contains(name);

    public static bool IsTerminal(string name) => Terminal.Contains(name);

    /// <summary>True when the event was new; a repeat (same event, same timestamp) or a second terminal event is ignored.</summary>
    public static bool Add(List<CallEventRecord> events, CallEventRecord added)
    {
        if (events.Any(e => e.Event == added.Event && (e.Ts == added.Ts || e.Event is "incoming" or "answered" || IsTerminal(e.Event))))
        {
            return false;
        }

        events.Add(added);
        // Stable: equal timestamps keep their arrival order.
        var ordered = events.OrderBy(e => e.Ts).ToList();
        events.Clear();
        events.AddRange(ordered);
        return true;
    }

    /// <summary>
    /// "open" until a terminal event; then "answered" if it was answered at any time, else the terminal kind, a
    /// hang-up before an answer counting as "cancelled" (the caller gave up). A call given up waiting for its end
    /// (<paramref name="endGivenUp"/>) is "answered" if it was, else "no_end".
    /// </summary>
    public static string Outcome(IReadOnlyList<CallEventRecord> events, bool endGivenUp = false)
    {
        var terminal = events.FirstOrDefault(e => IsTerminal(e.Event));
        if (terminal is null)
        {
            return !endGivenUp ? "open" : events.Any(e => e.Event == "answered") ? "answered" : NoEnd;
        }

        if (events.Any(e => e.Event == "answered"))
        {
            return "answered";
        }

        return terminal.Event == "hangup" ? "cancelled" : terminal.Event;
    }

    public static bool IsMissed(string outcome) => Missed.Contains(outcome);

    /// <summary>
    /// Talk time: the PBX's own figure when given, else answer to the end that followed it. An end stamped before the
    /// answer (a 200 that crossed the PBX's own no-answer timeout) says nothing about talk time: with no later end the
    /// duration is unknown (null), never negative.
    /// </summary>
    public static long? DurationMs(IReadOnlyList<CallEventRecord> events)
    {
        var answered = events.FirstOrDefault(e => e.Event == "answered");
        var terminal = answered is null
            ? events.FirstOrDefault(e => IsTerminal(e.Event))
            : events.FirstOrDefault(e => IsTerminal(e.Event) && e.Ts >= answered.Ts);
        if (terminal?.DurationMs is { } given)
        {
            return given;
        }

        return answered is null || terminal is null ? null : (long)Math.Round((terminal.Ts - answered.Ts) * 1000);
    }

    public static DateTimeOffset ToTime(double ts) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(ts * 1000));

    /// <summary>
    /// Maps an Asterisk AMI-style event (Newchannel, Newstate, Hangup) to the webhook's model. Null with no error
    /// for events that mean nothing here (a Newstate other than Ringing/Up); an error names the missing field.
    /// </summary>
    public static (CallEvent? Event, string? ErrorField, string? Error) FromAmi(IReadOnlyDictionary<string, string?> fields)
    {
        string? Get(string name) => fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.Trim() is { Length: > 0 } v ? v : null;

        var kind = Get("Event");
        if (kind is null)
        {
            return (null, "Event", "'Event' is required (Newchannel, Newstate or Hangup).");
        }

        var id = Get("Linkedid") ?? Get("Uniqueid");
        if (id is null)
        {
            return (null, "Uniqueid", "'Uniqueid' (or 'Linkedid') is required.");
        }

        if (!double.TryParse(Get("Timestamp"), NumberStyles.Float, CultureInfo.InvariantCulture, out var ts) || ts <= 0)
        {
            return (null, "Timestamp", "'Timestamp' must be Unix seconds.");
        }

        string? name;
        switch (kind.ToLowerInvariant())
        {
            case "newchannel":
                name = "incoming";
                break;
            case "newstate":
                name = Get("ChannelStateDesc")?.ToLowerInvariant() switch
                {
                    "ringing" or "ring" => "ringing",
                    "up" => "answered",
                    _ => null,
                };
                if (name is null)
                {
                    return (null, null, null);
                }

                break;
            case "hangup":
                name = Get("DialStatus")?.ToUpperInvariant() switch
                {
                    "ANSWER" => "hangup",
                    "BUSY" => "busy",
                    "NOANSWER" => "no_answer",
                    "CANCEL" => "cancelled",
                    "CONGESTION" or "CHANUNAVAIL" => "failed",
                    _ => Get("Cause") switch
                    {
                        "17" => "busy",
                        "18" or "19" => "no_answer",
                        "21" or "34" or "38" => "failed",
                        _ => "hangup",
                    },
                };
                break;
            default:
                return (null, "Event", $"Unknown AMI event '{kind}': use Newchannel, Newstate or Hangup.");
        }

        var caller = Get("CallerIDNum") ?? "";
        if (name == "incoming" && caller.Length == 0)
        {
            return (null, "CallerIDNum", "'CallerIDNum' is required on Newchannel.");
        }

        int? cause = int.TryParse(Get("Cause"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : null;
        // A Newstate "Ringing" on an internal extension (a short number) is the phone that rings; other Exten values
        // are the number the customer dialled (the DID that routes the call).
        var exten = Get("Exten") ?? "";
        var ringsExtension = name == "ringing" && IsExtension(exten);
        return (new CallEvent(name, id, caller, ringsExtension ? "" : exten, ts, Get("CallerIDName"), null, null, cause,
            ringsExtension ? exten : null), null, null);
    }

    /// <summary>An internal extension: 2 to 6 digits (a DID is a full phone number).</summary>
    public static bool IsExtension(string? value) => value is { Length: >= 2 and <= 6 } && value.All(char.IsAsciiDigit);
}
