using System.Diagnostics.Metrics;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Live;

/// <summary>
/// Web's own instrument on the node's meter "SalesOrleans" (the grains' SalesMetrics and the read model's
/// ReadModelMetrics create the same meter name for theirs; the node exports them all).
/// </summary>
public static class LiveMetrics
{
    private static readonly Meter Meter = new(ReadModelMetrics.MeterName);

    /// <summary>From a committed change entering the live fan-out to its push to this node's browsers.</summary>
    public static readonly Histogram<double> PushLatency =
        Meter.CreateHistogram<double>("salesorleans.live.push.duration", "s", "Time from a committed change to its push to browsers");
}
