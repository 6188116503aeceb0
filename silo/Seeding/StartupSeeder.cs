using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Seeding;

public sealed class SeedOptions
{
    /// <summary>Where the process JSON files are; relative paths are from the node's base directory.</summary>
    public string ProcessesDirectory { get; set; } = "processes";

    /// <summary>Load the demo departments and people (idempotent: existing ones are left alone). Only with Demo:Enabled (see NodeHost).</summary>
    public bool DemoData { get; set; } = true;

    /// <summary>With <see cref="DemoData"/>: also drive demo deals through every stage when the database has none.</summary>
    public bool DemoDeals { get; set; } = true;
}

/// <summary>Runs once the silo is active: process definitions, then (first start only) the demo data.</summary>
public sealed class StartupSeeder(
    IOptions<SeedOptions> options,
    UserDirectory directory,
    IServiceProvider services,
    DealQueries deals,
    ILogger<StartupSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value;
        var processes = Path.IsPathRooted(seed.ProcessesDirectory)
            ? seed.ProcessesDirectory
            : Path.Combine(AppContext.BaseDirectory, seed.ProcessesDirectory);
        await ActivatorUtilities.CreateInstance<ProcessLoader>(services).LoadDirectoryAsync(processes, cancellationToken);
        // The shipped mail templates (en/ru/de), once: an admin edits or deletes them on /mail-templates.html.
        await services.GetRequiredService<DealMailStore>().SeedTemplatesAsync(SalesOrleans.Domain.Deals.ShippedMailTemplates.All
            .Select(t => new MailTemplateRecord(t.Id, t.Text.Name, t.Text.Language, t.Text.Subject, t.Text.Body, "system", DateTimeOffset.UtcNow)), cancellationToken);

        if (seed.DemoData)
        {
            await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedPeopleAsync(cancellationToken);
        }

        await ActivatorUtilities.CreateInstance<AdminBootstrap>(services).RunAsync(cancellationToken);
        await directory.ReloadAsync(cancellationToken);
        if (seed.DemoData)
        {
            await ActivatorUtilities.CreateInstance<StockDemoSeeder>(services).SeedAsync(cancellationToken);
        }

        if (seed.DemoData && seed.DemoDeals && await deals.CountDealsAsync(cancellationToken) == 0)
        {
            var count = await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedDealsAsync(cancellationToken);
            logger.LogInformation("Seeded {Count} demo deals", count);
        }

        if (seed.DemoData && seed.DemoDeals)
        {
            await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedLeadsAsync(services.GetRequiredService<SalesOrleans.Leads.InquiryIntake>());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
