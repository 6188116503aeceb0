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

        var files = new List<(string File, ProcessDefinition Definition)>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order())
        {
            files.Add((file, ProcessJson.Parse(await File.ReadAllTextAsync(file, ct)) with { Version = 0 }));
        }

        foreach (var (file, definition) in SubProcessesFirst(files))
        {
            var latest = await catalog.GetLatestAsync(definition.Kind, ct);
            if (latest is not null && ProcessJson.Serialize(latest with { Version = 0 }) == ProcessJson.Serialize(definition))
            {
                continue;
            }

            var published = await catalog.PublishAsync(definition, "deploy", ct);
            logger.LogInformation("Published process {Kind} v{Version} from {File}", published.Kind, published.Version, Path.GetFileName(file));
        }
    }

    /// <summary>A process after the processes its stages start as sub-processes (they must be published first); otherwise file order.</summary>
    private static List<(string File, ProcessDefinition Definition)> SubProcessesFirst(List<(string File, ProcessDefinition Definition)> files)
    {
        var byKind = files.GroupBy(f => f.Definition.Kind).ToDictionary(g => g.Key, g => g.Last());
        var ordered = new List<(string, ProcessDefinition)>();
        var placed = new HashSet<string>();
        var visiting = new HashSet<string>();

        void Place((string File, ProcessDefinition Definition) f)
        {
            if (placed.Contains(f.File) || !visiting.Add(f.File))
            {
                // Placed already, or a cycle: publishing reports the cycle.
                return;
            }

            foreach (var kind in f.Definition.SubProcessKinds())
            {
                if (byKind.TryGetValue(kind, out var sub))
                {
                    Place(sub);
                }
            }

            placed.Add(f.File);
            ordered.Add(f);
        }

        foreach (var f in files)
        {
            Place(f);
        }

        return ordered;
    }
}
