using System.Collections.Concurrent;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;

namespace SalesOrleans.Tests.Support;

/// <summary>A process catalog for grain tests (PostgreSQL's is tested with the integration tests).</summary>
public sealed class InMemoryProcessCatalog : IProcessCatalog
{
    private readonly ConcurrentDictionary<(string, int), ProcessDefinition> _versions = new();

    public InMemoryProcessCatalog(params ProcessDefinition[] processes)
    {
        foreach (var p in processes)
        {
            _versions[(p.Kind, p.Version)] = p;
        }
    }

    public Task<ProcessDefinition?> GetAsync(string kind, int version, CancellationToken ct = default) =>
        Task.FromResult(_versions.GetValueOrDefault((kind, version)));

    public Task<ProcessDefinition?> GetLatestAsync(string kind, CancellationToken ct = default) =>
        Task.FromResult(_versions.Values.Where(p => p.Kind == kind).MaxBy(p => p.Version));

    public Task<IReadOnlyList<ProcessSummary>> ListAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ProcessSummary>>(_versions.Values
            .Select(p => new ProcessSummary(p.Kind, p.Version, p.Name, p.Mode.ToString(), p.Stages.Count, DateTimeOffset.UnixEpoch, "test")).ToList());

    public Task<ProcessDefinition> PublishAsync(ProcessDefinition draft, string publishedBy, CancellationToken ct = default)
    {
        ProcessValidator.EnsureValid(draft, this.LatestOfEveryKindAsync(ct).GetAwaiter().GetResult());
        var version = _versions.Keys.Where(k => k.Item1 == draft.Kind).Select(k => k.Item2).DefaultIfEmpty(0).Max() + 1;
        var published = draft with { Version = version };
        _versions[(draft.Kind, version)] = published;
        return Task.FromResult(published);
    }
}
