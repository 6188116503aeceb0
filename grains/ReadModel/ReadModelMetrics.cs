using System.Diagnostics.Metrics;

namespace SalesOrleans.ReadModel;

/// <summary>
/// The read model's own instruments, on the node's meter "SalesOrleans". A meter name may be created in several
/// places: the grains' SalesMetrics and web's LiveMetrics create it too, each with their own instruments, and the node
/// exports every instrument on that name (one Prometheus scrape). The name is this constant, so they cannot drift.
/// </summary>
public static class ReadModelMetrics
{
    public const string MeterName = "SalesOrleans";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Publications the read model refused for good and set aside (dead letters), by sink.</summary>
    public static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("salesorleans.projection.dead_letters", "{event}", "Publications set aside because the read model refused them");
}
