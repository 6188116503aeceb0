using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
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
[Collection(SecurityCollection.Name)]
public sealed class FuzzTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>Endpoints that take no input at all: running them is their whole job, so "nothing written" cannot hold.</summary>
    private static readonly string[] TakeNoInput =
    [
        "POST /api/analytics/probability/refresh",
        "POST /api/auth/logout",
        "POST /api/notifications/read",
    ];

    private enum Kind { WrongType, Null, Huge, Negative, Empty }

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

        foreach (var kind in Enum.GetValues<Kind>())
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
