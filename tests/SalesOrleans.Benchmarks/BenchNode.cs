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

    /// <summary>
    /// A benchmark's <c>--nodes N</c> (1 without it) and its other arguments. N nodes of one cluster run in the
    /// benchmark's process (<see cref="StartClusterAsync"/>).
    /// </summary>
    public static (int Nodes, string[] Others) NodesOption(string[] args)
    {
        var at = Array.IndexOf(args, "--nodes");
        return at < 0 ? (1, args)
            : (int.Parse(args.ElementAtOrDefault(at + 1) ?? throw new ArgumentException("--nodes needs a number"), System.Globalization.CultureInfo.InvariantCulture),
               [.. args[..at], .. args.Skip(at + 2)]);
    }

    /// <summary>Nodes of one cluster (the same database), started one after another.</summary>
    public static async Task<List<WebApplication>> StartClusterAsync(string connectionString, int count, Action<WebApplicationBuilder>? configure = null)
    {
        var nodes = new List<WebApplication>();
        for (var n = 0; n < count; n++)
        {
            nodes.Add(await StartAsync(connectionString, configure));
        }

        return nodes;
    }

    /// <summary>Stops the nodes, the last started first.</summary>
    public static async Task StopAllAsync(IEnumerable<WebApplication> nodes)
    {
        foreach (var node in nodes.Reverse())
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }
    }

    public static Uri Address(this WebApplication node) =>
        new(node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
