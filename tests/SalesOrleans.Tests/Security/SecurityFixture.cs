using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Tests.Integration;

namespace SalesOrleans.Tests.Security;

/// <summary>
/// One node for the security tests, with a deal, a lead and an order to aim at, an admin API token, and the route
/// table read from the node itself, so an endpoint added later is covered without touching the tests.
/// </summary>
public sealed partial class SecurityFixture : IAsyncLifetime
{
    /// <summary>The public endpoints docs/operations.md documents (Security); every other one needs a login or an API token.</summary>
    public static readonly string[] PublicEndpoints =
    [
        "GET /",
        "GET /api/i18n/{culture}",
        "GET /health/live",
        "GET /health/ready",
        "GET /openapi/{documentName}.json",
        "POST /api/auth/login",
        "POST /api/leads/webform",
        "POST /api/telephony/ami",
        "POST /api/telephony/calls",
    ];

    public TestNode Node { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public Guid DealId { get; private set; }

    public Guid LeadId { get; private set; }

    public Guid OrderId { get; private set; }

    public Guid ContactId { get; private set; }

    /// <summary>The same kinds of resource in another department (industrial, Ivan Petrov's), for the access tests.</summary>
    public Guid IndustrialDealId { get; private set; }

    public Guid IndustrialLeadId { get; private set; }

    public Guid IndustrialContactId { get; private set; }

    public Guid IndustrialOrderId { get; private set; }

    public async Task InitializeAsync()
    {
        Node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), configure: b =>
        {
            // The fuzz posts the public form many times; its own limit has a test of its own.
            b.Configuration["WebForm:PermitsPerMinute"] = "100000";
        });

        var admin = await Node.ClientAsync("admin");
        var token = await admin.PostAsJsonAsync("/api/tokens", new { name = "security tests" });
        token.EnsureSuccessStatusCode();
        AdminToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        var manager = await Node.ClientAsync("k.weber");
        DealId = await IdOf(await manager.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Fuzz target", company = "Hansa Print", amount = 4800 }));
        LeadId = await IdOf(await manager.PostAsJsonAsync("/api/leads", new { name = "Fuzz Target", phone = "+49 30 1234567", need = "Excel course", department = "training" }));
        ContactId = (await (await manager.GetAsync($"/api/leads/{LeadId}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
        OrderId = await IdOf(await manager.PostAsJsonAsync("/api/orders", new { customer = "Hansa Print", warehouse = "main", lines = new[] { new { sku = "SKU-102", quantity = 1 } } }));

        var petrov = await Node.ClientAsync("i.petrov");
        IndustrialDealId = await IdOf(await petrov.PostAsJsonAsync("/api/deals", new { processKind = "industrial-equipment", title = "Компрессор 7 бар", company = "ООО Волга Полимер", amount = 42000 }));
        IndustrialLeadId = await IdOf(await petrov.PostAsJsonAsync("/api/leads", new { name = "Ирина Соколова", phone = "+7 916 555 01 02", need = "Компрессор", department = "industrial" }));
        IndustrialContactId = (await (await petrov.GetAsync($"/api/leads/{IndustrialLeadId}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid();
        IndustrialOrderId = await IdOf(await petrov.PostAsJsonAsync("/api/orders", new { customer = "ООО Волга Полимер", warehouse = "main", lines = new[] { new { sku = "SKU-102", quantity = 1 } } }));
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();

    public HttpClient Bearer()
    {
        var client = new HttpClient { BaseAddress = Node.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>Every routed endpoint with its methods (an endpoint without method metadata answers any; GET stands for it).</summary>
    public IReadOnlyList<Route> Routes() =>
        Node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Route(m, Template(e), e)))
            .ToList();

    /// <summary>The path with every parameter filled: existing ids where <paramref name="existing"/>, otherwise ids that exist nowhere.</summary>
    public string Path(Route route, bool existing)
    {
        var template = route.Template;
        return Parameter().Replace(template, m =>
        {
            var name = m.Groups["name"].Value;
            var isGuid = m.Groups["constraint"].Value.Contains("guid", StringComparison.OrdinalIgnoreCase);
            if (!existing)
            {
                return isGuid ? Guid.NewGuid().ToString() : "nothing-here";
            }

            return (name, template) switch
            {
                ("id", _) when template.StartsWith("/api/deals/", StringComparison.Ordinal) => DealId.ToString(),
                ("id", _) when template.StartsWith("/api/leads/", StringComparison.Ordinal) => LeadId.ToString(),
                ("id", _) when template.StartsWith("/api/orders/", StringComparison.Ordinal) => OrderId.ToString(),
                ("id", _) when template.StartsWith("/api/contacts/", StringComparison.Ordinal) => ContactId.ToString(),
                ("sku" or "code", _) => "SKU-102",
                ("department", _) => "training",
                ("user", _) => "k.weber",
                ("kind", _) => "training-sales",
                ("version", _) => "1",
                _ => isGuid ? Guid.NewGuid().ToString() : "nothing-here",
            };
        });
    }

    /// <summary>Rows in every table of the database: what "nothing written" is measured by.</summary>
    public async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var db = NpgsqlDataSource.Create(Node.ConnectionString);
        var tables = new List<string>();
        await using (var list = db.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = db.CreateCommand($"SELECT count(*) FROM \"{table}\"");
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    /// <summary>Row counts once background work (seeding, projections) has settled: two readings a second apart agree.</summary>
    public async Task<Dictionary<string, long>> SettledRowCountsAsync()
    {
        var last = await RowCountsAsync();
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(1000);
            var now = await RowCountsAsync();
            if (Same(last, now))
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    public static bool Same(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public static string Diff(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(", ", after.Where(kv => !before.TryGetValue(kv.Key, out var v) || v != kv.Value)
            .Select(kv => $"{kv.Key}: {before.GetValueOrDefault(kv.Key)} -> {kv.Value}"));

    private static async Task<Guid> IdOf(HttpResponseMessage created)
    {
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"{created.RequestMessage?.RequestUri}: {(int)created.StatusCode} {body}");
        var root = JsonDocument.Parse(body).RootElement;
        // A new lead comes back inside the intake's outcome.
        return (root.TryGetProperty("lead", out var lead) ? lead : root).GetProperty("id").GetGuid();
    }

    private static string Template(RouteEndpoint e)
    {
        var raw = e.RoutePattern.RawText ?? "";
        return raw.StartsWith('/') ? raw : "/" + raw;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z_]+)(?<constraint>:[^}?=]*)?[?]?(=[^}]*)?\}")]
    private static partial Regex Parameter();
}

public sealed record Route(string Method, string Template, RouteEndpoint Endpoint)
{
    public override string ToString() => $"{Method} {Template}";
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security node";
}
