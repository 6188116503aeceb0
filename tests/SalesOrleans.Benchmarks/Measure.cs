using System.Diagnostics;

namespace SalesOrleans.Benchmarks;

public sealed record Figures(string Name, int Clients, long Operations, double Seconds, double P50Ms, double P99Ms)
{
    public double PerSecond => Operations / Seconds;
}

/// <summary>Runs an operation from N concurrent clients for a fixed time and reports throughput and latency percentiles.</summary>
public static class Measure
{
    public static async Task<Figures> RunAsync(string name, int clients, TimeSpan warmup, TimeSpan duration, Func<int, Func<Task>> clientFactory)
    {
        var operations = Enumerable.Range(0, clients).Select(clientFactory).ToArray();
        var latencies = new List<double>[clients];
        var stopAt = DateTime.UtcNow + warmup + duration;
        var measureFrom = DateTime.UtcNow + warmup;
        var clock = Stopwatch.StartNew();
        double measuredStart = 0;
        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<double>(100_000);
            var op = operations[i];
            while (DateTime.UtcNow < stopAt)
            {
                var t0 = clock.Elapsed.TotalMilliseconds;
                await op();
                var t1 = clock.Elapsed.TotalMilliseconds;
                if (DateTime.UtcNow >= measureFrom)
                {
                    mine.Add(t1 - t0);
                }
            }
        })).ToArray();

        await Task.Delay(warmup);
        measuredStart = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds - measuredStart;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Figures(name, clients, all.Length, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
