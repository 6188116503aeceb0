using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;

namespace SalesOrleans.Silo.Seeding;

/// <summary>
/// Publishes the JSON process definitions shipped beside the node. A file whose content differs from the latest
/// published version of its kind becomes a new version; an unchanged file publishes nothing, so every start is safe.
/// </summary>
public sealed class ProcessLoader(IProcessCatalog catalog, ILogger<ProcessLoader> logger)
{
    public async Task LoadDirectoryAsync(string directory, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
        {
            logger.LogWarning("No process directory at {Directory}", directory);
            return;
        }

        foreach (var file in Directory.GetFiles(directory, "*.json").Order())
        {
            var definition = ProcessJson.Parse(await File.ReadAllTextAsync(file, ct)) with { Version = 0 };
            var latest = await catalog.GetLatestAsync(definition.Kind, ct);
            if (latest is not null && ProcessJson.Serialize(latest with { Version = 0 }) == ProcessJson.Serialize(definition))
            {
                continue;
            }

            var published = await catalog.PublishAsync(definition, "deploy", ct);
            logger.LogInformation("Published process {Kind} v{Version} from {File}", published.Kind, published.Version, Path.GetFileName(file));
        }
    }
}
