using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>What the webhook answers for an event it recorded (or had already: <paramref name="Duplicate"/>).</summary>
public sealed record CallEventReceipt(string CallId, string Event, bool Duplicate);

/// <summary>What the AMI webhook answers for an event that says nothing about a call's stage.</summary>
public sealed record IgnoredEvent(bool Ignored);

/// <summary>What the webhooks are given: the raw request (they read and sign-check the body themselves), the key and the call grains.</summary>
public readonly record struct TelephonyWebhookServices(HttpContext Http, IOptions<TelephonyOptions> Options, IGrainFactory Grains, CancellationToken Ct);

/// <summary>What the call list is given: the read model and the caller's reach.</summary>
public readonly record struct CallListServices(LeadQueries Queries, AccessPolicy Access, System.Security.Claims.ClaimsPrincipal User, CancellationToken Ct);

/// <summary>
/// The PBX webhook: X-Api-Key from configuration (optionally a signature, see TelephonyWebhookGuard), one JSON event per call stage, handed to the call's grain.
/// Everything is checked before anything is recorded: a refused request leaves no trace.
/// </summary>
public static class TelephonyEndpoints
{
    public const string ApiKeyHeader = "X-Api-Key";
    private const long MaxBodyBytes = 8 * 1024;

    public static void MapTelephonyEndpoints(this IEndpointRouteBuilder app)
    {
        var telephony = app.MapGroup("/api/telephony").WithTags("Telephony");
        telephony.MapPost("/calls", Calls).Public("the PBX webhook: checked by its own X-Api-Key").DisableAntiforgery();
        telephony.MapPost("/ami", Ami).Public("the PBX webhook: checked by its own X-Api-Key").DisableAntiforgery();
        telephony.MapGet("/calls/{callId}", GetCall).Requires(Capability.TelephonyRead, Resource.Call());
        telephony.MapGet("/calls", ListCalls).Requires(Capability.TelephonyRead);
    }

    private static async Task<Results<Ok<CallView>, ProblemHttpResult>> GetCall(string callId, IGrainFactory grains) =>
        await grains.GetGrain<ICallGrain>(CallKeys.Of(callId)).Get() is { } call ? TypedResults.Ok(call) : Problems.NotFound($"No call '{callId}'.");

    /// <summary>Short of "all", the calls of the user's own department.</summary>
    private static async Task<Ok<IReadOnlyList<CallLogItem>>> ListCalls(int? limit, [AsParameters] CallListServices s) =>
        TypedResults.Ok(await s.Access.ScopeAsync(s.User, Capability.TelephonyRead, s.Ct) switch
        {
            AccessScope.All => await s.Queries.ListCallsAsync(null, limit ?? 100, s.Ct),
            AccessScope.Department when s.User.DepartmentOf() is { } department => await s.Queries.ListCallsAsync(null, limit ?? 100, s.Ct, department),
            _ => [],
        });

    private static async Task<Results<Accepted<CallEventReceipt>, ProblemHttpResult>> Calls([AsParameters] TelephonyWebhookServices s)
    {
        var (http, options, grains, ct) = (s.Http, s.Options, s.Grains, s.Ct);
        if (Unauthorized(http, options.Value) is { } denied)
        {
            return denied;
        }

        var (root, bad) = await ReadObject(http, ct);
        if (bad is not null)
        {
            return bad;
        }

        using (root)
        {
            var json = root!.RootElement;
            var (callEvent, field, error) = Parse(json);
            if (callEvent is null)
            {
                return Problems.Invalid(field!, error!);
            }

            if (http.RequestServices.GetRequiredService<TelephonyWebhookGuard>().EventTimeProblem(callEvent.Ts) is { } late)
            {
                return Problems.Invalid("ts", late);
            }

            var recorded = await grains.GetGrain<ICallGrain>(CallKeys.Of(callEvent.CallId)).Record(callEvent);
            return TypedResults.Accepted((string?)null, new CallEventReceipt(callEvent.CallId, callEvent.Event, !recorded));
        }
    }

    /// <summary>Asterisk AMI-style events (Newchannel, Newstate, Hangup), as a JSON object of strings or as AMI's own "Key: Value" lines (text/plain), mapped to the same model.</summary>
    private static async Task<Results<Accepted<CallEventReceipt>, Accepted<IgnoredEvent>, ProblemHttpResult>> Ami([AsParameters] TelephonyWebhookServices s)
    {
        var (http, options, grains, ct) = (s.Http, s.Options, s.Grains, s.Ct);
        if (Unauthorized(http, options.Value) is { } denied)
        {
            return denied;
        }

        Dictionary<string, string?> fields;
        if (http.Request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true)
        {
            // The AMI wire format: "Key: Value" lines, as Asterisk writes an event.
            var (text, tooLarge) = await ReadText(http, ct);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in text!.Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon > 0)
                {
                    fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
            }
        }
        else
        {
            var (root, bad) = await ReadObject(http, ct);
            if (bad is not null)
            {
                return bad;
            }

            using (root)
            {
                fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in root!.RootElement.EnumerateObject())
                {
                    fields[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Number => p.Value.GetRawText(),
                        _ => null,
                    };
                }
            }
        }

        var (callEvent, field, error) = CallAssembly.FromAmi(fields);
        if (error is not null)
        {
            return Problems.Invalid(field!, error);
        }

        if (callEvent is null)
        {
            return TypedResults.Accepted((string?)null, new IgnoredEvent(true));
        }

        if (http.RequestServices.GetRequiredService<TelephonyWebhookGuard>().EventTimeProblem(callEvent.Ts) is { } late)
        {
            return Problems.Invalid("ts", late);
        }

        var recorded = await grains.GetGrain<ICallGrain>(CallKeys.Of(callEvent.CallId)).Record(callEvent);
        return TypedResults.Accepted((string?)null, new CallEventReceipt(callEvent.CallId, callEvent.Event, !recorded));
    }

    /// <summary>Checks the webhook's JSON; on failure names the field. The event names are the webhook's (snake case).</summary>
    public static (CallEvent? Event, string? Field, string? Error) Parse(JsonElement json)
    {
        string? Text(string name, bool required, int max, out string? error)
        {
            error = null;
            if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                error = required ? $"'{name}' is required." : null;
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                error = $"'{name}' must be a string.";
                return null;
            }

            var s = v.GetString()!.Trim();
            if (required && s.Length == 0)
            {
                error = $"'{name}' must not be empty.";
                return null;
            }

            if (s.Length > max)
            {
                error = $"'{name}' is longer than {max} characters.";
                return null;
            }

            return s;
        }

        var name = Text("event", true, 32, out var e);
        if (e is not null)
        {
            return (null, "event", e);
        }

        if (!CallAssembly.IsKnown(name))
        {
            return (null, "event", $"Unknown event '{name}': use one of {string.Join(", ", CallAssembly.Events)}.");
        }

        var callId = Text("call_id", true, 128, out e);
        if (e is not null)
        {
            return (null, "call_id", e);
        }

        var caller = Text("caller", true, 256, out e);
        if (e is not null)
        {
            return (null, "caller", e);
        }

        // sip:/tel: URIs and percent-escapes are read down to the number; what is no number nor withheld is refused, not dropped.
        if (CallerId.Parse(caller) is not { Length: <= 64 } callerNumber)
        {
            return (null, "caller", $"'caller' is not a phone number, a sip:/tel: URI or a withheld marker ('{(caller!.Length <= 40 ? caller : caller[..40] + "…")}').");
        }

        caller = callerNumber;

        var called = Text("called", true, 64, out e);
        if (e is not null)
        {
            return (null, "called", e);
        }

        if (!json.TryGetProperty("ts", out var tsValue) || tsValue.ValueKind != JsonValueKind.Number || !tsValue.TryGetDouble(out var ts) || ts <= 0 || ts > 32503680000)
        {
            return (null, "ts", "'ts' is required: Unix seconds (a number, fractions allowed).");
        }

        var callerName = Text("caller_name", false, 200, out e);
        if (e is not null)
        {
            return (null, "caller_name", e);
        }

        var hangupBy = Text("hangup_by", false, 32, out e);
        if (e is not null)
        {
            return (null, "hangup_by", e);
        }

        long? duration = null;
        if (json.TryGetProperty("duration_ms", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var ms) || ms < 0)
            {
                return (null, "duration_ms", "'duration_ms' must be a whole number of milliseconds, 0 or more.");
            }

            duration = ms;
        }

        int? sipCode = null;
        if (json.TryGetProperty("sip_code", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var code) || code is < 100 or > 699)
            {
                return (null, "sip_code", "'sip_code' must be a SIP status code (100-699).");
            }

            sipCode = code;
        }

        var extension = Text("extension", false, 16, out e);
        if (e is not null)
        {
            return (null, "extension", e);
        }

        extension = extension is "" ? null : extension;
        if (extension is not null && !CallAssembly.IsExtension(extension))
        {
            return (null, "extension", "'extension' is the internal number that rings: 2 to 6 digits.");
        }

        return (new CallEvent(name!, callId!, caller!, called!, ts, callerName, hangupBy, duration, sipCode, extension), null, null);
    }

    // Key, signature and failure limit: see TelephonyWebhookGuard.
    private static ProblemHttpResult? Unauthorized(HttpContext http, TelephonyOptions options) =>
        http.RequestServices.GetRequiredService<TelephonyWebhookGuard>().CheckKey(http, options.ApiKey, ApiKeyHeader);

    /// <summary>The body, at most <see cref="MaxBodyBytes"/> (counted while reading, whatever Content-Length claims).</summary>
    private static async Task<(byte[]? Body, ProblemHttpResult? Error)> ReadBody(HttpContext http, CancellationToken ct)
    {
        static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"An event is at most {MaxBodyBytes} bytes.");
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        // One pooled buffer one byte larger than the limit: an event is a few hundred bytes, read in one or two reads.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer.AsMemory(length, (int)MaxBodyBytes + 1 - length), ct)) > 0)
            {
                length += read;
                if (length > MaxBodyBytes)
                {
                    return (null, TooLarge());
                }
            }

            var body = buffer.AsSpan(0, length).ToArray();
            return http.RequestServices.GetRequiredService<TelephonyWebhookGuard>().CheckSignature(http, body) is { } unsigned ? (null, unsigned) : (body, null);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }


    private static async Task<(string? Text, ProblemHttpResult? Error)> ReadText(HttpContext http, CancellationToken ct)
    {
        var (body, error) = await ReadBody(http, ct);
        return body is null ? (null, error) : (Encoding.UTF8.GetString(body), null);
    }

    private static async Task<(JsonDocument? Document, ProblemHttpResult? Error)> ReadObject(HttpContext http, CancellationToken ct)
    {
        var (body, error) = await ReadBody(http, ct);
        if (body is null)
        {
            return (null, error);
        }

        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, Problems.Invalid("body", "The event must be a JSON object."));
            }

            return (document, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid("body", $"The body is not JSON: {ex.Message}"));
        }
    }
}
