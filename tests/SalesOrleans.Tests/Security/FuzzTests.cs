using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// Every POST, PUT, PATCH and DELETE under /api, as an admin (so every check down to the domain is reached), with
/// malformed payloads: broken JSON, wrong JSON types, nulls, huge strings and collections, negative numbers, empty
/// values, binary garbage. No answer may be a 5xx and no table may gain or lose a row.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed partial class FuzzTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>Endpoints that take no input at all: running them is their whole job, so "nothing written" cannot hold.</summary>
    private static readonly string[] TakeNoInput =
    [
        "POST /api/analytics/probability/refresh",
        "POST /api/auth/logout",
        "POST /api/notifications/read",
    ];

    private enum Kind { WrongType, Null, Huge, Negative, Empty, Nul, Range }

    [Fact]
    public async Task Malformed_payloads_on_every_write_endpoint_get_no_5xx_and_write_nothing()
    {
        var routes = fixture.Routes()
            .Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && r.Template.StartsWith("/api/", StringComparison.Ordinal))
            .Where(r => !TakeNoInput.Contains(r.ToString()))
            .ToList();
        var client = fixture.Bearer();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add("X-Api-Key", fixture.Node.Services.GetRequiredService<IConfiguration>()["Telephony:ApiKey"]);
        var before = await fixture.SettledRowCountsAsync();

        var failures = new List<string>();
        var sent = 0;
        foreach (var route in routes)
        {
            var bodyType = route.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var hasParameters = route.Template.Contains('{');
            // Ids that exist nowhere: anything goes, even an empty or all-null body. Ids that exist: only what is
            // malformed for sure, since an empty body is a valid "defaults" command on some of them.
            var runs = new List<(bool Existing, IEnumerable<(string Name, HttpContent Content)> Payloads)> { (false, Payloads(bodyType, malformedOnly: false)) };
            if (hasParameters && bodyType is not null)
            {
                runs.Add((true, Payloads(bodyType, malformedOnly: true)));
            }

            foreach (var (existing, payloads) in runs)
            {
                foreach (var (name, content) in payloads)
                {
                    var path = fixture.Path(route, existing);
                    sent++;
                    try
                    {
                        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = content });
                        // A 2xx took the malformed payload in: that is where a write comes from.
                        if ((int)response.StatusCode >= 500 || response.IsSuccessStatusCode)
                        {
                            var text = await response.Content.ReadAsStringAsync();
                            failures.Add($"{route.Method} {path} [{name}] -> {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        failures.Add($"{route.Method} {path} [{name}] -> {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        output.WriteLine($"{routes.Count} write endpoints, {sent} requests");
        failures.ForEach(output.WriteLine);
        Assert.Empty(failures);
        var after = await fixture.SettledRowCountsAsync();
        Assert.True(SecurityFixture.Same(before, after), "written: " + SecurityFixture.Diff(before, after));
    }

    /// <summary>
    /// Issue 14's fuzz pass: NUL, other control characters and values beyond the database columns in every body field,
    /// every query parameter and the route values, as anonymous, a manager and an admin. No 5xx, none accepted, nothing
    /// written — and meanwhile another user's ordinary requests keep succeeding (no connection left out of step).
    /// </summary>
    [Fact]
    public async Task NUL_and_out_of_range_values_everywhere_as_anonymous_manager_and_admin_get_no_5xx_write_nothing_and_others_are_served()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var apiKey = fixture.Node.Services.GetRequiredService<IConfiguration>()["Telephony:ApiKey"];
        var anonymous = await fixture.Node.ClientAsync();
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var manager = await fixture.Node.ClientAsync("k.weber");
        var admin = fixture.Bearer();
        admin.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var bystander = await fixture.Node.ClientAsync("l.braun");
        var before = await fixture.SettledRowCountsAsync();

        // Another user working normally the whole time.
        using var stop = new CancellationTokenSource();
        var bystanderFailures = new List<string>();
        var bystanderRequests = 0;
        var working = Task.Run(async () =>
        {
            string[] reads = ["/api/deals?department=training", "/api/auth/me", "/api/tasks?executor=l.braun", "/api/leads", "/api/catalog/skus?search=SKU"];
            while (!stop.IsCancellationRequested)
            {
                var url = reads[bystanderRequests++ % reads.Length];
                try
                {
                    var response = await bystander.GetAsync(url);
                    if (!response.IsSuccessStatusCode)
                    {
                        var text = await response.Content.ReadAsStringAsync();
                        lock (bystanderFailures)
                        {
                            bystanderFailures.Add($"{url} -> {(int)response.StatusCode} {text}");
                        }
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (bystanderFailures)
                    {
                        bystanderFailures.Add($"{url} -> {ex.Message}");
                    }
                }
            }
        });

        var routes = fixture.Routes().Where(r => r.Template.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        var failures = new List<string>();
        var sent = 0;
        foreach (var (who, client) in new[] { ("anonymous", anonymous), ("manager", manager), ("admin", admin) })
        {
            foreach (var route in routes)
            {
                var isWrite = route.Method is "POST" or "PUT" or "PATCH" or "DELETE";
                var bodyType = route.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
                var path = fixture.Path(route, existing: true);
                var requests = new List<(string Name, string Url, HttpContent? Content)>();
                foreach (var (name, type) in QueryParameters(route))
                {
                    foreach (var value in Poisoned(type))
                    {
                        requests.Add(($"query {name}={Uri.EscapeDataString(value)}", $"{path}?{name}={Uri.EscapeDataString(value)}", isWrite ? Json("{}") : null));
                    }
                }

                // Route values: a control character in every string parameter (Kestrel refuses NUL in a path itself).
                if (route.Template.Contains('{'))
                {
                    // Typed parameters (guid, long) get a valid value, every string one a control character.
                    var poisonedPath = Parameter().Replace(route.Template, m =>
                        m.Groups["constraint"].Value.Contains("guid", StringComparison.OrdinalIgnoreCase) ? Guid.NewGuid().ToString()
                        : m.Groups["constraint"].Value.Length > 0 ? "1"
                        : "x%01y");
                    requests.Add(("route value", poisonedPath, isWrite ? Json("{}") : null));
                }

                if (isWrite)
                {
                    requests.Add(("form", path, new MultipartFormDataContent
                    {
                        { new StringContent("invoice\u0001"), "kind" },
                        { new ByteArrayContent("a,b\n1,2\n"u8.ToArray()), "file", "rows.csv" },
                    }));
                    // A body with no text field has nothing to poison ({"active": false} is a valid request).
                    if (bodyType is not null && Value(bodyType, Kind.Nul, depth: 0)?.ToJsonString() is { } poisoned && poisoned.Contains("\\u0000", StringComparison.Ordinal))
                    {
                        requests.Add(("NUL in every field", path, Json(poisoned)));
                        if (HasRanged(bodyType, 0))
                        {
                            requests.Add(("out of range in every field", path, Json(Value(bodyType, Kind.Range, depth: 0)?.ToJsonString() ?? "null")));
                        }
                    }
                }

                foreach (var (name, url, content) in requests)
                {
                    sent++;
                    try
                    {
                        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), url) { Content = content });
                        // Refused, never taken in: a 2xx here would have taken a poisoned value (reads with a bad
                        // filter would have sent it to the database).
                        if ((int)response.StatusCode >= 500 || response.IsSuccessStatusCode)
                        {
                            var text = await response.Content.ReadAsStringAsync();
                            failures.Add($"{who} {route.Method} {url} [{name}] -> {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        failures.Add($"{who} {route.Method} {url} [{name}] -> {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        await stop.CancelAsync();
        await working;
        output.WriteLine($"{routes.Count} endpoints, {sent} poisoned requests, {bystanderRequests} bystander requests, {clock.Elapsed.TotalSeconds:0.0} s");
        failures.ForEach(output.WriteLine);
        bystanderFailures.ForEach(f => output.WriteLine("bystander: " + f));
        Assert.Empty(failures);
        Assert.Empty(bystanderFailures);
        Assert.True(bystanderRequests > 50, $"the bystander made only {bystanderRequests} requests");
        var after = await fixture.SettledRowCountsAsync();
        Assert.True(SecurityFixture.Same(before, after), "written: " + SecurityFixture.Diff(before, after));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}");
    }

    /// <summary>Simple parameters an endpoint binds outside its route and body (query strings), [AsParameters] spread out.</summary>
    private static IEnumerable<(string Name, Type Type)> QueryParameters(Route route)
    {
        var routeNames = route.Endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in route.Endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            var spread = parameter.ParameterInfo.GetCustomAttribute<AsParametersAttribute>() is not null
                ? parameter.ParameterInfo.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (p.Name, p.PropertyType))
                : [(parameter.Name, parameter.ParameterInfo.ParameterType)];
            foreach (var (name, type) in spread)
            {
                var t = Nullable.GetUnderlyingType(type) ?? type;
                if (!routeNames.Contains(name) && (t == typeof(string) || t.IsPrimitive || t == typeof(decimal) || t.IsEnum || t == typeof(Guid)
                    || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly)))
                {
                    yield return (JsonNamingPolicyName(name), t);
                }
            }
        }
    }

    /// <summary>Values of a query parameter that must be refused: a control character always, a date or number beyond the columns where typed so.</summary>
    private static IEnumerable<string> Poisoned(Type t)
    {
        yield return "x\0y";
        yield return "x\u0001y";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly))
        {
            yield return "0001-01-01";
            yield return "9999-12-31T23:59:59+00:00";
        }
        else if (t == typeof(decimal) || t == typeof(double) || t == typeof(float))
        {
            yield return "1e300";
        }
    }

    private static bool HasRanged(Type type, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(decimal) || t == typeof(double) || t == typeof(float) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly))
        {
            return true;
        }

        if (depth > 3 || t == typeof(string) || t.IsPrimitive || t.IsEnum || t.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !t.IsGenericType)
        {
            return false;
        }

        var element = t.IsArray ? t.GetElementType() : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[^1] : null;
        return element is not null ? HasRanged(element, depth + 1)
            : t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => HasRanged(p.PropertyType, depth + 1));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\**(?<name>[A-Za-z_]+)(?<constraint>:[^}?=]*)?[?]?(=[^}]*)?\}")]
    private static partial System.Text.RegularExpressions.Regex Parameter();

    private static IEnumerable<(string Name, HttpContent Content)> Payloads(Type? bodyType, bool malformedOnly)
    {
        yield return ("broken JSON", Json("{\"a\": [1, "));
        yield return ("not JSON", Json("<order id='1'/>"));
        yield return ("array root", Json("[1, 2, 3]"));
        yield return ("negative number root", Json("-1"));
        yield return ("binary", new ByteArrayContent(Garbage(4096)) { Headers = { { "Content-Type", "application/octet-stream" } } });
        yield return ("multipart garbage", new MultipartFormDataContent
        {
            { new StringContent(new string('k', 5000)), "kind" },
            { new ByteArrayContent(Garbage(8192)), "file", "garbage.xlsx" },
        });
        if (!malformedOnly)
        {
            yield return ("empty", Json(""));
            yield return ("null", Json("null"));
            yield return ("{}", Json("{}"));
        }

        if (bodyType is null)
        {
            yield break;
        }

        foreach (var kind in Enum.GetValues<Kind>().Except([Kind.Nul, Kind.Range]))
        {
            // Null and empty fields are a valid "no note" on some commands; a negative count or amount is malformed only
            // where the body has a number (the text fields of that payload read "-1").
            if ((malformedOnly && kind is Kind.Null or Kind.Empty) || (kind == Kind.Negative && !HasNumber(bodyType, 0)))
            {
                continue;
            }

            yield return ($"{kind} in every field", Json(Value(bodyType, kind, depth: 0)?.ToJsonString() ?? "null"));
        }
    }

    /// <summary>A JSON value of the given kind for a .NET type: an object of such values for a record, recursively.</summary>
    private static JsonNode? Value(Type type, Kind kind, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var isText = t == typeof(string) || t == typeof(Guid) || t.IsEnum || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(TimeSpan);
        var isNumber = t == typeof(decimal) || (t.IsPrimitive && t != typeof(bool) && t != typeof(char));
        var dictionary = t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(Dictionary<,>) || g == typeof(IDictionary<,>) || g == typeof(IReadOnlyDictionary<,>));
        var element = t.IsArray ? t.GetElementType() : t.IsGenericType && !dictionary && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[0] : null;

        switch (kind)
        {
            case Kind.Null:
                return null;
            case Kind.Nul when t == typeof(string) || isText:
                return JsonValue.Create("Zeile\u0000zwei");
            case Kind.Nul when isNumber:
                return JsonValue.Create(1);
            case Kind.Nul when t == typeof(bool):
                return JsonValue.Create(false);
            case Kind.Range when t == typeof(decimal) || t == typeof(double) || t == typeof(float):
                return JsonValue.Create(1e17);
            case Kind.Range when t == typeof(DateTimeOffset) || t == typeof(DateTime):
                return JsonValue.Create("9999-12-31T00:00:00Z");
            case Kind.Range when t == typeof(DateOnly):
                return JsonValue.Create("0001-01-01");
            case Kind.Range when isText:
                return JsonValue.Create("ok");
            case Kind.Range when isNumber:
                return JsonValue.Create(1);
            case Kind.Range when t == typeof(bool):
                return JsonValue.Create(false);
            case Kind.WrongType:
                return isText ? JsonValue.Create(12345) : isNumber || t == typeof(bool) || element is not null || dictionary ? JsonValue.Create("wrong") : JsonValue.Create(7);
            case Kind.Empty:
                return isText ? JsonValue.Create("") : element is not null ? new JsonArray() : dictionary ? new JsonObject() : isNumber ? JsonValue.Create(0) : null;
        }

        // Huge: one long text per top-level field and long lists, yet the whole body stays under the 1 MiB limit
        // (beyond it Kestrel refuses before the endpoint runs; the size test covers that).
        if (t == typeof(string))
        {
            return kind == Kind.Huge ? JsonValue.Create(new string('x', depth <= 1 ? 60_000 : 20)) : JsonValue.Create("-1");
        }

        if (isText || t == typeof(bool))
        {
            return kind == Kind.Huge ? JsonValue.Create(new string('9', depth <= 1 ? 60_000 : 20)) : JsonValue.Create("-1");
        }

        if (isNumber)
        {
            return kind == Kind.Huge ? JsonValue.Create(1e300) : JsonValue.Create(-1_000_000_000);
        }

        if (dictionary && kind is Kind.Nul or Kind.Range)
        {
            return new JsonObject { [kind == Kind.Nul ? "key\u0000" : "key"] = kind == Kind.Nul ? "v" : "ok" };
        }

        if (dictionary)
        {
            var map = new JsonObject();
            for (var i = 0; i < (kind == Kind.Huge ? 2000 : 1); i++)
            {
                map[$"key{i}"] = kind == Kind.Huge ? new string('x', 100) : "-1";
            }

            return map;
        }

        if (element is not null)
        {
            var items = new JsonArray();
            for (var i = 0; i < (kind == Kind.Huge ? 500 : 1); i++)
            {
                items.Add(depth < 2 ? Value(element, kind, depth + 1) : null);
            }

            return items;
        }

        var obj = new JsonObject();
        if (depth < 3)
        {
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                obj[JsonNamingPolicyName(property.Name)] = Value(property.PropertyType, kind, depth + 1);
            }
        }

        return obj;
    }

    private static bool HasNumber(Type type, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(decimal) || (t.IsPrimitive && t != typeof(bool) && t != typeof(char)))
        {
            return true;
        }

        if (depth > 3 || t == typeof(string) || !t.IsClass && !t.IsValueType)
        {
            return false;
        }

        var element = t.IsArray ? t.GetElementType() : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[^1] : null;
        return element is not null
            ? HasNumber(element, depth + 1)
            : !t.IsPrimitive && !t.IsEnum && t.Namespace?.StartsWith("System", StringComparison.Ordinal) != true
              && t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => HasNumber(p.PropertyType, depth + 1));
    }

    private static string JsonNamingPolicyName(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
