using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Processes;

/// <summary>A process kind's newest version; <paramref name="Names"/> holds its name in other languages (see ProcessDefinition.Names).</summary>
public sealed record ProcessSummary(string Kind, int Version, string Name, string Mode, int StageCount, DateTimeOffset PublishedAt, string PublishedBy,
    IReadOnlyDictionary<string, string>? Names = null);

/// <summary>Published process versions. A version never changes once published, so readers may cache it forever.</summary>
public interface IProcessCatalog
{
    Task<ProcessDefinition?> GetAsync(string kind, int version, CancellationToken ct = default);

    Task<ProcessDefinition?> GetLatestAsync(string kind, CancellationToken ct = default);

    Task<IReadOnlyList<ProcessSummary>> ListAsync(CancellationToken ct = default);

    /// <summary>Validates the draft and stores it as the next version of its kind; throws <see cref="ProcessDefinitionException"/> listing every problem.</summary>
    Task<ProcessDefinition> PublishAsync(ProcessDefinition draft, string publishedBy, CancellationToken ct = default);
}

public static class ProcessCatalogExtensions
{
    /// <summary>The newest published version of every kind, by kind: what a draft's sub-processes are checked against.</summary>
    public static async Task<IReadOnlyDictionary<string, ProcessDefinition>> LatestOfEveryKindAsync(this IProcessCatalog catalog, CancellationToken ct = default)
    {
        var result = new Dictionary<string, ProcessDefinition>(StringComparer.Ordinal);
        foreach (var summary in await catalog.ListAsync(ct))
        {
            if (await catalog.GetAsync(summary.Kind, summary.Version, ct) is { } definition)
            {
                result[summary.Kind] = definition;
            }
        }

        return result;
    }
}
