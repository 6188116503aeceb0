using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Integration;

/// <summary>A fresh database on the test PostgreSQL that deploy/test.sh starts (SALES_TEST_PG).</summary>
public static class TestDatabase
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("SALES_TEST_PG")
        ?? throw new InvalidOperationException("SALES_TEST_PG is not set: run the tests with deploy/test.sh, which starts a throwaway PostgreSQL.");

    public static async Task<string> CreateAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using (var server = NpgsqlDataSource.Create(ServerConnectionString))
        await using (var cmd = server.CreateCommand($"CREATE DATABASE {name}"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }
}

/// <summary>A real node (silo + web on a real socket) over a test database, as deploy/run.sh starts it.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestNode(WebApplication app, Uri address, string connectionString)
    {
        _app = app;
        Address = address;
        ConnectionString = connectionString;
    }

    public Uri Address { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestNode> StartAsync(string connectionString, bool demoDeals = false, Action<WebApplicationBuilder>? configure = null)
    {
        string[] args =
        [
            $"--ConnectionStrings:Sales={connectionString}",
            "--urls=http://127.0.0.1:0",
            $"--Node:SiloPort={NodeProcess.FreePort()}",
            $"--Node:GatewayPort={NodeProcess.FreePort()}",
            // The demo people, token and PBX key exist only when the demo is asked for, and never in Production.
            "--environment=Demo",
            "--Demo:Enabled=true",
            "--Seed:DemoData=true",
            $"--Seed:DemoDeals={demoDeals}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            // Tests refresh the win-probability model when they mean to: a refresh on its 10-minute period would rescore
            // every open deal and overwrite a score a test has just written (seen: a board test beside two CPU hogs).
            "--Analytics:RefreshMinutes=0",
        ];
        var app = await NodeHost.BuildAsync(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestNode(app, new Uri(address), connectionString);
    }

    /// <summary>An HTTP client with its own cookie jar; logged in when a user is given (demo password).</summary>
    public async Task<HttpClient> ClientAsync(string? user = null, CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = Address };
        if (user is not null)
        {
            await Support.NodeProcess.LoginAsync(client, user);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One node with the demo people (no demo deals) shared by the API tests.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync(await TestDatabase.CreateAsync());

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    public const string Name = "node on postgres";
}
