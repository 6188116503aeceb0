using System.Collections.Immutable;

namespace SalesOrleans;

/// <summary>A committed change, as browsers need it, routed by department and by the people it concerns.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.LiveChange")]
public sealed record LiveChange(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] long Seq,
    [property: Id(3)] string? Department,
    [property: Id(4)] IReadOnlyList<string> Users,
    [property: Id(5)] string Json)
{
    /// <summary>When the change entered the fan-out (UTC), for the push-latency metric; set by LiveFanOut.</summary>
    [Id(6)]
    public DateTime PublishedAt { get; init; }
}

/// <summary>One per node: receives changes from every node and pushes them to that node's browsers.</summary>
[Alias("SalesOrleans.ILiveObserver")]
public interface ILiveObserver : IGrainObserver
{
    [OneWay, Alias("OnChanges")]
    Task OnChanges(ImmutableArray<LiveChange> changes);
}

/// <summary>Which nodes have browsers to push to (the observers re-register every few seconds; silent ones expire).</summary>
[Alias("SalesOrleans.ILiveRelayRegistry")]
public interface ILiveRelayRegistry : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task Register(string node, ILiveObserver observer);

    [Alias("GetObservers")]
    Task<ImmutableArray<ILiveObserver>> GetObservers();
}
