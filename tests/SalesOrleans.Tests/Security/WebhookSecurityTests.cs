using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Tests.Security;

/// <summary>Issue 14, part 8: the telephony webhook's signature, replay window, event-time window and limit on wrong keys.</summary>
[Trait("Category", "Integration")]
public sealed class WebhookSecurityTests
{
    private const string Secret = "whsec-Контрольный-7f3a9c2e";

    private static string Event(string callId, double ts) =>
        JsonSerializer.Serialize(new { @event = "incoming", call_id = callId, caller = "+79161234567", called = "+74952233211", ts });

    private static double Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static async Task<HttpResponseMessage> Post(HttpClient client, string body, string? signature, string key = LeadNodeFixture.PbxKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/telephony/calls") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", key);
        if (signature is not null)
        {
            request.Headers.Add(TelephonyWebhookGuard.SignatureHeader, signature);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task With_a_secret_only_freshly_signed_events_are_taken_and_refusals_count_towards_429()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b =>
        {
            b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings());
            b.Configuration["Telephony:SigningSecret"] = Secret;
            b.Configuration["Telephony:FailuresPerMinute"] = "4";
        });
        var pbx = await node.ClientAsync();
        var body = Event($"sig-{Guid.NewGuid():N}", Now);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, body, TelephonyWebhookGuard.Sign(Secret, t, Encoding.UTF8.GetBytes(body)))).StatusCode);

        // Unsigned; signed with another secret; a body changed after signing; a signature older than the window (a replay).
        var refused = new[]
        {
            await Post(pbx, body, null),
            await Post(pbx, body, TelephonyWebhookGuard.Sign("another secret", t, Encoding.UTF8.GetBytes(body))),
            await Post(pbx, body.Replace("incoming", "answered", StringComparison.Ordinal), TelephonyWebhookGuard.Sign(Secret, t, Encoding.UTF8.GetBytes(body))),
            await Post(pbx, body, TelephonyWebhookGuard.Sign(Secret, t - 600, Encoding.UTF8.GetBytes(body))),
        };
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("more than 300 s", await refused[3].Content.ReadAsStringAsync());

        // Four failures from this address: the next try, even a good one, waits.
        var limited = await Post(pbx, body, TelephonyWebhookGuard.Sign(Secret, t, Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
    }

    [Fact]
    public async Task Guessing_the_key_is_limited_per_address_and_event_times_outside_the_window_are_refused_naming_ts()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b =>
        {
            b.Configuration.AddInMemoryCollection(LeadNodeFixture.Settings());
            b.Configuration["Telephony:MaxEventAge"] = "30.00:00:00";
        });
        var pbx = await node.ClientAsync();

        // Year 2999, year 2001, tomorrow: 400 naming ts, nothing recorded. Now and an hour ago: taken.
        foreach (var ts in new[] { 32_503_680_000.0 - 1, 978_307_200.0, Now + 86_400 })
        {
            var response = await Post(pbx, Event($"ts-{Guid.NewGuid():N}", ts), null);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("ts", out _));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, Event($"ts-{Guid.NewGuid():N}", Now), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(pbx, Event($"ts-{Guid.NewGuid():N}", Now - 3600), null)).StatusCode);

        // Before issue 14: 400 guesses in 1.2 s, never a 429. Now the default 20 per minute, then 429 with Retry-After.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await Post(pbx, Event("guess", Now), null, key: $"guess-{i}")).StatusCode);
        }

        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        var blocked = await Post(pbx, Event("guess", Now), null, key: "guess-last");
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
    }
}
