using System.Diagnostics;

namespace SalesOrleans.Deals;

/// <summary>
/// Benchmark-only diagnosis (issue 12): where a deal command's time goes inside the grain, summed over all commands
/// on the node. Off unless a benchmark sets <see cref="Enabled"/>; then each phase costs two timestamps.
/// </summary>
public static class DealCommandTimings
{
    public enum Phase
    {
        /// <summary>The aggregate over the stored state (and the process, once per activation).</summary>
        Load,

        /// <summary>The workload shares before, and the command itself.</summary>
        Command,

        /// <summary>The view the reply carries.</summary>
        View,

        /// <summary>Outbox trim, history bound and next wake, before the write.</summary>
        Prepare,

        /// <summary>The state's serialization (inside the write).</summary>
        Serialize,

        /// <summary>The whole group-committed write as the grain waits for it (serialization included).</summary>
        Write,

        /// <summary>After the write: metrics and handing the publication on (or, replies waiting, the publication).</summary>
        AfterWrite,

        /// <summary>Everything the grain does for one command, first to last.</summary>
        InGrain,

        /// <summary>Behind the reply: the read model and live push (the sink).</summary>
        Project,

        /// <summary>Behind the reply: the managers' workload shares (grain calls).</summary>
        Shares,
    }

    private static readonly long[] Ticks = new long[Enum.GetValues<Phase>().Length];
    private static readonly long[] Counts = new long[Ticks.Length];

    /// <summary>Set by a benchmark before its node starts commands.</summary>
    public static bool Enabled { get; set; }

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time since <paramref name="started"/> to <paramref name="phase"/>; returns now, for the next phase.</summary>
    public static long Stop(Phase phase, long started)
    {
        if (!Enabled || started == 0)
        {
            return 0;
        }

        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref Ticks[(int)phase], now - started);
        Interlocked.Increment(ref Counts[(int)phase]);
        return now;
    }

    /// <summary>Per phase: how often it ran and its summed milliseconds.</summary>
    public static IReadOnlyDictionary<Phase, (long Count, double Ms)> Take() =>
        Enum.GetValues<Phase>().ToDictionary(p => p, p => (Interlocked.Read(ref Counts[(int)p]), Interlocked.Read(ref Ticks[(int)p]) * 1000.0 / Stopwatch.Frequency));
}
