using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// How late the test process's thread pool runs a work item, watched from a thread of its own for the whole run. Every
/// in-process node (the browser tests' node among them) shares this pool with the tests: when a page is not drawn in
/// time, the failure says whether the node could not answer because the pool was starved, or the pool was fine and the
/// cause is elsewhere. SALES_POOL_WATCH names a file that gets every stall as it happens.
/// </summary>
public static class ThreadPoolWatch
{
    /// <summary>A work item that waited at least this long is a stall worth naming.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(500);

    private static readonly ConcurrentQueue<(DateTimeOffset At, TimeSpan Delay, int Threads, long Queued)> Stalls = new();
    private static readonly string? LogFile = Environment.GetEnvironmentVariable("SALES_POOL_WATCH") is { Length: > 0 } f ? f : null;

    [ModuleInitializer]
    internal static void Start()
    {
        var thread = new Thread(Watch) { IsBackground = true, Name = "thread pool watch" };
        thread.Start();
    }

    /// <summary>The stalls since <paramref name="since"/> in words ("none" when the pool kept up).</summary>
    public static string Since(DateTimeOffset since)
    {
        var seen = Stalls.Where(s => s.At + s.Delay >= since).ToList();
        return seen.Count == 0
            ? $"thread pool: no work item waited {Stall.TotalMilliseconds:0} ms or more"
            : $"thread pool: {seen.Count} stalls, the worst {seen.Max(s => s.Delay).TotalSeconds:0.0} s (" +
              string.Join(", ", seen.OrderByDescending(s => s.Delay).Take(3).Select(s => $"{s.Delay.TotalSeconds:0.0} s at {s.At:HH:mm:ss} with {s.Threads} threads, {s.Queued} queued")) + ")";
    }

    private static void Watch()
    {
        using var ran = new ManualResetEventSlim();
        while (true)
        {
            ran.Reset();
            var clock = Stopwatch.StartNew();
            ThreadPool.UnsafeQueueUserWorkItem(static e => e.Set(), ran, preferLocal: false);
            ran.Wait();
            var delay = clock.Elapsed;
            if (delay >= Stall)
            {
                var stall = (DateTimeOffset.UtcNow - delay, delay, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount);
                Stalls.Enqueue(stall);
                while (Stalls.Count > 10_000)
                {
                    Stalls.TryDequeue(out _);
                }

                if (LogFile is not null)
                {
                    try
                    {
                        File.AppendAllText(LogFile, $"{stall.Item1:O} {delay.TotalMilliseconds:0} ms threads={stall.ThreadCount} queued={stall.PendingWorkItemCount}\n");
                    }
                    catch (IOException)
                    {
                        // A diagnostic: never a reason for a test to fail.
                    }
                }
            }

            Thread.Sleep(100);
        }
    }
}
