using System.Diagnostics.Metrics;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Our own OpenTelemetry instruments, on the meter "SalesOrleans" (the node exports it beside Orleans', ASP.NET
/// Core's and the runtime's). Static, so grains record without a dependency; the meter lives as long as the process.
/// The read model's dead-letter counter (ReadModelMetrics) and web's live-push latency (LiveMetrics) are on the same
/// meter name, created where they are recorded.
/// </summary>
public static class SalesMetrics
{
    public const string MeterName = SalesOrleans.ReadModel.ReadModelMetrics.MeterName;

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Leads opened (any channel); its rate is leads per second.</summary>
    public static readonly Counter<long> LeadsCreated =
        Meter.CreateCounter<long>("salesorleans.leads.created", "{lead}", "Leads created");

    /// <summary>Tasks that passed their deadline (each counted once, when the deal flags it).</summary>
    public static readonly Counter<long> TasksOverdue =
        Meter.CreateCounter<long>("salesorleans.tasks.overdue", "{task}", "Tasks flagged overdue");

    /// <summary>From a lead's creation to its assignment to a manager (by the queue at once, or by hand later).</summary>
    public static readonly Histogram<double> AssignmentLatency =
        Meter.CreateHistogram<double>("salesorleans.leads.assignment.duration", "s", "Time from a lead's creation to its assignment");

    /// <summary>Batches a node's batchers (group-commit writes and reads, projectors) carried out, by what they carry.</summary>
    public static readonly Counter<long> Batches =
        Meter.CreateCounter<long>("salesorleans.batcher.batches", "{batch}", "Database batches carried out for many grains");

    /// <summary>Items those batches carried; items / batches is how many callers shared a round trip and a commit.</summary>
    public static readonly Counter<long> BatchedItems =
        Meter.CreateCounter<long>("salesorleans.batcher.items", "{item}", "Items carried in database batches");

    /// <summary>How long an item waited in a batcher's queue before its batch started.</summary>
    public static readonly Histogram<double> BatchWait =
        Meter.CreateHistogram<double>("salesorleans.batcher.wait", "s", "Time an item waited for its database batch to start");

    /// <summary>How long a batch took in the database (round trip and commit).</summary>
    public static readonly Histogram<double> BatchDuration =
        Meter.CreateHistogram<double>("salesorleans.batcher.duration", "s", "Time a database batch took, round trip and commit");
}
