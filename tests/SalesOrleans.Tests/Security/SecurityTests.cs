using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Security;

/// <summary>One test per security rule of the API: authentication, roles, CSRF, size limits, login throttling, malformed input.</summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed class SecurityTests(SecurityFixture fixture)
{
    private static readonly string[] PublicEndpoints = SecurityFixture.PublicEndpoints;

    private static bool IsPublic(Route r) => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    [Fact]
    public async Task Every_endpoint_but_the_documented_public_ones_answers_401_without_credentials_or_with_a_forged_token()
    {
        var routes = fixture.Routes();
        Assert.Equal(PublicEndpoints, routes.Where(IsPublic).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.True(routes.Count > 100, $"only {routes.Count} endpoints found");

        var anonymous = new HttpClient { BaseAddress = fixture.Node.Address };
        var forged = new HttpClient { BaseAddress = fixture.Node.Address };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "so_forged");
        var wrong = new List<string>();
        foreach (var route in routes.Where(r => !IsPublic(r)))
        {
            foreach (var client in new[] { anonymous, forged })
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), fixture.Path(route, existing: true))
                {
                    Content = route.Method is "GET" or "HEAD" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
                });
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"{route} -> {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_role_without_the_right_gets_403_and_changes_nothing()
    {
        var manager = await fixture.Node.ClientAsync("k.weber");
        var keeper = await fixture.Node.ClientAsync("w.lager");
        var engineer = await fixture.Node.ClientAsync("t.engineer");
        var before = await fixture.SettledRowCountsAsync();

        (HttpClient Client, string Who, HttpMethod Method, string Path, object? Body)[] refused =
        [
            (manager, "manager", HttpMethod.Get, "/dashboard", null),
            (manager, "manager", HttpMethod.Post, "/api/tokens", new { name = "mine" }),
            (manager, "manager", HttpMethod.Post, "/api/stock/SKU-102/receipts", new { warehouse = "main", quantity = 5 }),
            (manager, "manager", HttpMethod.Post, "/api/stock/SKU-102/adjustments", new { warehouse = "main", delta = 5, reason = "found" }),
            (manager, "manager", HttpMethod.Post, "/api/catalog/warehouses", new { id = "annex", name = "Annex" }),
            (manager, "manager", HttpMethod.Post, "/api/processes", new { kind = "x" }),
            (manager, "manager", HttpMethod.Post, "/api/analytics/probability/refresh", null),
            (manager, "manager", HttpMethod.Get, "/api/exports/contacts", null),
            (keeper, "warehouse", HttpMethod.Get, "/dashboard", null),
            (keeper, "warehouse", HttpMethod.Post, "/api/deals", new { processKind = "training-sales", title = "Not mine", company = "X", amount = 1 }),
            (engineer, "engineer", HttpMethod.Post, "/api/leads", new { name = "Not mine", phone = "+49 30 7654321", department = "training" }),
        ];

        var wrong = new List<string>();
        foreach (var (client, who, method, path, body) in refused)
        {
            var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{who} {method} {path} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(wrong);
        var after = await fixture.RowCountsAsync();
        Assert.True(SecurityFixture.Same(before, after), SecurityFixture.Diff(before, after));
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.Node.ClientAsync("admin")).GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task A_cookie_write_needs_the_CSRF_token_and_an_API_token_needs_none()
    {
        var withToken = await fixture.Node.ClientAsync("k.weber");
        var withoutToken = await fixture.Node.ClientAsync("k.weber");
        withoutToken.DefaultRequestHeaders.Remove(CsrfProtection.HeaderName);
        object Deal(Guid id) => new { id, processKind = "training-sales", title = "CSRF check", company = "Hansa Print", amount = 100, department = "training" };

        // Without the token (what a forged cross-site form or fetch would send): refused, nothing written.
        var forgedId = Guid.NewGuid();
        var forged = await withoutToken.PostAsJsonAsync("/api/deals", Deal(forgedId));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(CsrfProtection.RejectedTitle, await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await withToken.GetAsync($"/api/deals/{forgedId}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await withoutToken.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withoutToken.GetAsync("/api/auth/me")).StatusCode);

        // Another user's token does not pass either: tokens are bound to the login.
        var adminsToken = (await (await fixture.Node.ClientAsync("admin")).GetFromJsonAsync<JsonElement>("/api/auth/csrf")).GetProperty("token").GetString();
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/deals") { Content = JsonContent.Create(Deal(Guid.NewGuid())) };
        foreign.Headers.Add(CsrfProtection.HeaderName, adminsToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await withoutToken.SendAsync(foreign)).StatusCode);

        var allowed = await withToken.PostAsJsonAsync("/api/deals", Deal(Guid.NewGuid()));
        Assert.True(allowed.StatusCode == HttpStatusCode.Created, await allowed.Content.ReadAsStringAsync());
        var integration = await fixture.Bearer().PostAsJsonAsync("/api/deals", Deal(Guid.NewGuid()));
        Assert.True(integration.StatusCode == HttpStatusCode.Created, await integration.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_login_cookie_is_HttpOnly_and_SameSite_strict()
    {
        var client = new HttpClient { BaseAddress = fixture.Node.Address };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "k.weber", password = "demo" });
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("salesorleans=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_before_anything_is_written()
    {
        var client = fixture.Bearer();
        // "Expect: 100-continue", as a careful client sends a large body: the server can refuse before it is sent,
        // and the test reads the answer instead of a connection closed mid-upload.
        async Task<HttpStatusCode> Post(string path, HttpContent content)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.ExpectContinue = true;
            return (await client.SendAsync(request)).StatusCode;
        }

        var huge = new StringContent("{\"title\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post("/api/deals", huge));

        var form = new StringContent("{\"submissionId\":\"big\",\"message\":\"" + new string('x', 40 * 1024) + "\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post("/api/leads/webform", form));

        // The document upload has its own, larger limit (Documents:MaxBytes, 10 MB), and nothing beyond it.
        var upload = new MultipartFormDataContent { { new StringContent("contract"), "kind" }, { new ByteArrayContent(new byte[11 * 1024 * 1024]), "file", "big.pdf" } };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post($"/api/deals/{fixture.DealId}/documents", upload));
        var fits = new MultipartFormDataContent { { new StringContent("contract"), "kind" }, { new ByteArrayContent(new byte[2 * 1024 * 1024]), "file", "fits.pdf" } };
        Assert.Equal(HttpStatusCode.Created, await Post($"/api/deals/{fixture.DealId}/documents", fits));

        // Within the body limit, a text longer than the field allows is a 400 naming the field.
        var longTitle = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = new string('x', 100_000), company = "X", amount = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, longTitle.StatusCode);
        Assert.Contains("title", await longTitle.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Failed_logins_refuse_the_address_but_only_slow_the_user_name()
    {
        using var throttle = new LoginThrottle(Options.Create(new LoginOptions { FailuresPerMinute = 3, FreeFailuresPerAccount = 2, MaxAccountDelay = TimeSpan.FromSeconds(4) }));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.RetryAfter("10.0.0.1"));
            throttle.Failed("10.0.0.1", "k.weber");
        }

        Assert.NotNull(throttle.RetryAfter("10.0.0.1"));   // the guessing address waits
        Assert.Null(throttle.RetryAfter("10.0.0.2"));      // everyone else may try, the victim included
        // The name itself is never refused, only slowed: 0.5 s after the free failures, doubling up to the cap.
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttle.DelayFor("k.weber"));
        for (var i = 0; i < 10; i++)
        {
            throttle.Failed($"10.1.0.{i}", "k.weber");
        }

        Assert.Equal(TimeSpan.FromSeconds(4), throttle.DelayFor("k.weber"));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("l.braun"));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("k.weber", DateTimeOffset.UtcNow.AddHours(1)));   // forgotten after the window
        throttle.Succeeded("k.weber");
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("k.weber"));
    }

    [Fact]
    public async Task Too_many_failed_logins_get_429_with_Retry_After_even_with_the_right_password()
    {
        // A node of its own: the throttle would lock this test's address out of the shared one for a minute.
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b => b.Configuration["Login:FailuresPerMinute"] = "5");
        var client = await node.ClientAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "k.weber", password = "guess" + i })).StatusCode);
        }

        var refused = await client.PostAsJsonAsync("/api/auth/login", new { userName = "k.weber", password = "demo" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }
}
