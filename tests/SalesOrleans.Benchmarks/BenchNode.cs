using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Benchmarks;

/// <summary>A real node for benchmarks: demo people, no demo deals, HTTP on a free loopback port.</summary>
public static class BenchNode
{
    public static async Task<WebApplication> StartAsync(string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var node = await NodeHost.BuildAsync(
        [
            $"--ConnectionStrings:Sales={connectionString}", "--urls=http://127.0.0.1:0",
            $"--Node:SiloPort={NodeProcess.FreePort()}", $"--Node:GatewayPort={NodeProcess.FreePort()}",
            "--environment=Demo", "--Demo:Enabled=true", "--Seed:DemoData=true", "--Seed:DemoDeals=false", "--Logging:LogLevel:Default=Warning",
        ], configure);
        await node.StartAsync();
        return node;
    }

    public static Uri Address(this WebApplication node) =>
        new(node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
