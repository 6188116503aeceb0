using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Web.Auth;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// Issue 14, "Sessions and secrets": logout, deactivation and password changes end sessions on the server; tokens are
/// listed, scoped, expire and are revoked; the login path does not tell known names from unknown ones and cannot be
/// used to lock someone out.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SecurityCollection.Name)]
public sealed class SessionTests(SecurityFixture fixture)
{
    private const string Password = "Wolga-Fluss 2026!";

    private TestNode Node => fixture.Node;

    /// <summary>A fresh user of the training department (its own, so the shared demo users stay untouched).</summary>
    private async Task<string> NewUserAsync(string role = "manager")
    {
        var name = $"u{Guid.NewGuid():N}"[..12];
        var store = Node.Services.GetRequiredService<UserStore>();
        await store.CreateUserIfMissingAsync(new UserRecord(name, "Юлия Тестова", $"{name}@salesorleans.test", [role], "training", null, "Europe/Berlin",
            new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(name, Password));
        await Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();
        return name;
    }

    /// <summary>A client logged in with the password, sending the CSRF token as the UI does; also returns the raw cookie.</summary>
    private async Task<(HttpClient Client, string Cookie)> LoginAsync(string user, string password = Password)
    {
        var jar = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = Node.Address };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password });
        Assert.True(login.IsSuccessStatusCode, $"login {user}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var csrf = await client.GetFromJsonAsync<JsonElement>("/api/auth/csrf");
        client.DefaultRequestHeaders.Add(CsrfProtection.HeaderName, csrf.GetProperty("token").GetString());
        return (client, jar.GetCookieHeader(Node.Address));
    }

    /// <summary>A second client replaying a copied cookie header (what a stolen or forgotten browser holds).</summary>
    private HttpClient Replaying(string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Node.Address };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Polls until the request answers <paramref name="expected"/>; returns how long that took.</summary>
    private static async Task<TimeSpan> Until(HttpClient client, string path, HttpStatusCode expected, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        HttpStatusCode last = default;
        try
        {
            await Poll.Until(async () => (last = (await client.GetAsync(path)).StatusCode) == expected, path,
                (int)Math.Ceiling((within ?? TimeSpan.FromSeconds(10)).TotalSeconds));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{path} still answers {(int)last} after {watch.Elapsed.TotalSeconds:0.0} s, expected {(int)expected}");
        }

        return watch.Elapsed;
    }

    [Fact]
    public async Task Logout_ends_the_session_for_every_copy_of_the_cookie_reads_and_writes()
    {
        var user = await NewUserAsync();
        var (browser, cookie) = await LoginAsync(user);
        var copy = Replaying(cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/auth/me")).StatusCode);
        var token = browser.DefaultRequestHeaders.GetValues(CsrfProtection.HeaderName).Single();

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);

        // Before issue 14 the copied cookie kept reading and writing for 12 hours (sliding).
        var took = await Until(copy, "/api/auth/me", HttpStatusCode.Unauthorized);
        Assert.True(took < TimeSpan.FromSeconds(7), $"took {took}");
        var write = new HttpRequestMessage(HttpMethod.Post, "/api/deals")
        {
            Content = JsonContent.Create(new { processKind = "training-sales", title = "После выхода", company = "Hansa Print", amount = 100 }),
        };
        write.Headers.Add(CsrfProtection.HeaderName, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.SendAsync(write)).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_user_loses_access_through_existing_cookies_and_tokens_within_seconds()
    {
        var admin = await Node.ClientAsync("admin");
        var user = await NewUserAsync();
        var (browser, _) = await LoginAsync(user);
        var issued = await admin.PostAsJsonAsync("/api/tokens", new { name = "Lieferanten-Sync", userName = user });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var bearer = new HttpClient { BaseAddress = Node.Address };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/auth/me")).StatusCode);

        var deactivated = await admin.PutAsJsonAsync($"/api/users/{user}/active", new { active = false });
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Equal(1, (await deactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endedSessions").GetInt32());
        await Until(browser, "/api/deals", HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(7));
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new HttpClient { BaseAddress = Node.Address }.PostAsJsonAsync("/api/auth/login", new { userName = user, password = Password })).StatusCode);

        // Deactivated in the database by other means (another node, an operator): the session check sees it too.
        var other = await NewUserAsync();
        var (second, _) = await LoginAsync(other);
        await using (var db = NpgsqlDataSource.Create(Node.ConnectionString))
        await using (var cmd = db.CreateCommand($"UPDATE app_user SET active = false WHERE user_name = '{other}'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var took = await Until(second, "/api/auth/me", HttpStatusCode.Unauthorized);
        Assert.True(took < TimeSpan.FromSeconds(7), $"took {took}");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/users/admin/active", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/users/nobody.here/active", new { active = false })).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_needs_the_old_one_and_ends_the_other_sessions_but_this_one()
    {
        var user = await NewUserAsync();
        var (here, _) = await LoginAsync(user);
        var (elsewhere, _) = await LoginAsync(user);
        const string next = "Ostsee-Brise 9 Ъ";

        async Task<(HttpStatusCode Status, string Body)> Change(object body)
        {
            var response = await here.PostAsJsonAsync("/api/account/password", body);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var wrongOld = await Change(new { currentPassword = "guess", newPassword = next });
        Assert.Equal(HttpStatusCode.BadRequest, wrongOld.Status);
        Assert.Contains("currentPassword", wrongOld.Body);
        var weak = await Change(new { currentPassword = Password, newPassword = "demo" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.Status);
        Assert.Contains("newPassword", weak.Body);
        Assert.Equal(HttpStatusCode.BadRequest, (await Change(new { currentPassword = Password, newPassword = user })).Status);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);

        var changed = await Change(new { currentPassword = Password, newPassword = next });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        await Until(elsewhere, "/api/auth/me", HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
        var anonymous = new HttpClient { BaseAddress = Node.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { userName = user, password = Password })).StatusCode);
        await LoginAsync(user, next);

        // Not with an API token: a password belongs to a person at a login.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Bearer().PostAsJsonAsync("/api/account/password", new { currentPassword = "x", newPassword = next })).StatusCode);
    }

    [Fact]
    public async Task An_admin_resets_a_password_which_ends_all_the_users_sessions_and_only_an_admin_may()
    {
        var user = await NewUserAsync();
        var (browser, _) = await LoginAsync(user);
        var manager = await Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync($"/api/users/{user}/password", new { newPassword = "Feindliche Übernahme 1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/users")).StatusCode);

        var admin = await Node.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/users/{user}/password", new { newPassword = "short" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/users/nobody.here/password", new { newPassword = "Neues Passwort 2026" })).StatusCode);
        var reset = await admin.PostAsJsonAsync($"/api/users/{user}/password", new { newPassword = "Neues Passwort 2026" });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        await Until(browser, "/api/auth/me", HttpStatusCode.Unauthorized);
        await LoginAsync(user, "Neues Passwort 2026");
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray(), u => u.GetProperty("userName").GetString() == user);
    }

    [Fact]
    public async Task Api_tokens_are_listed_without_their_secret_scoped_to_roles_and_departments_expire_and_are_revoked()
    {
        var admin = await Node.ClientAsync("admin");
        var issued = await admin.PostAsJsonAsync("/api/tokens", new
        {
            name = "Telefonanlage Köln", userName = "s.volkov", scopes = new[] { "supervisor" }, departments = new[] { "industrial" },
            expiresAt = DateTimeOffset.UtcNow.AddHours(2),
        });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var created = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("token").GetString()!;
        var id = created.GetProperty("id").GetGuid();

        var listed = await admin.GetStringAsync("/api/tokens");
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain(Credentials.HashToken(secret), listed);
        var row = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == id);
        Assert.Equal("active", row.GetProperty("status").GetString());
        Assert.Equal("Telefonanlage Köln", row.GetProperty("name").GetString());
        Assert.Equal(["industrial"], row.GetProperty("departments").EnumerateArray().Select(d => d.GetString()));

        var bearer = new HttpClient { BaseAddress = Node.Address };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var me = await bearer.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.Equal("revoked", (await admin.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == id).GetProperty("status").GetString());

        // Expired: refused like a revoked one.
        var shortLived = await (await admin.PostAsJsonAsync("/api/tokens", new { name = "kurz", userName = "k.weber" })).Content.ReadFromJsonAsync<JsonElement>();
        await using (var db = NpgsqlDataSource.Create(Node.ConnectionString))
        await using (var cmd = db.CreateCommand($"UPDATE api_token SET expires_at = now() - interval '1 minute' WHERE token_id = '{shortLived.GetProperty("id").GetGuid()}'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var expired = new HttpClient { BaseAddress = Node.Address };
        expired.DefaultRequestHeaders.Authorization = new("Bearer", shortLived.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/auth/me")).StatusCode);

        // A token narrows its user and never widens: no role or department the user lacks, no endless life.
        (object Body, string Field)[] refused =
        [
            (new { name = "mehr", userName = "k.weber", scopes = new[] { "admin" } }, "scopes"),
            (new { name = "leer", userName = "k.weber", scopes = Array.Empty<string>() }, "scopes"),
            (new { name = "fremd", userName = "k.weber", departments = new[] { "industrial" } }, "departments"),
            (new { name = "ewig", userName = "k.weber", expiresAt = DateTimeOffset.UtcNow.AddYears(5) }, "expiresAt"),
            (new { name = "gestern", userName = "k.weber", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }, "expiresAt"),
            (new { name = "bad\u0000name", userName = "k.weber" }, "name"),
        ];
        foreach (var (body, field) in refused)
        {
            var response = await admin.PostAsJsonAsync("/api/tokens", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, await response.Content.ReadAsStringAsync());
        }

        // Listing and revoking tokens is for admins.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Node.ClientAsync("k.weber")).GetAsync("/api/tokens")).StatusCode);
    }

    [Fact]
    public void A_token_principal_is_the_user_narrowed_to_the_tokens_roles_and_departments()
    {
        var user = new UserRecord("s.volkov", "Sergei Volkov", null, ["supervisor", "manager"], "industrial", null, "UTC", default, default, [1], true);
        var token = new ApiTokenRecord(Guid.NewGuid(), "t", "s.volkov", ["manager"], ["industrial"], DateTimeOffset.UtcNow, null, null, "admin");
        var principal = ApiTokenHandler.Principal(user, token, AuthSchemes.ApiToken);
        Assert.True(principal.IsInRole("manager"));
        Assert.False(principal.IsInRole("supervisor"));
        Assert.Equal("industrial", principal.FindFirst(AuthSchemes.DepartmentClaim)?.Value);
        Assert.Equal(token.Id.ToString(), principal.FindFirst(ApiTokenHandler.TokenIdClaim)?.Value);
    }
}
