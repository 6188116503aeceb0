using SalesOrleans.Infrastructure;

namespace SalesOrleans.Tests.Grains;

/// <summary>
/// The coalescing writer under races: callers on pool threads apply a change to a counter and await a write; the write
/// snapshots the counter, waits a little (off the caller's thread) and makes it "durable", failing when told to.
/// </summary>
[Trait("Category", "Unit")]
public class CoalescingWriterTests
{
    /// <summary>A counter whose changes are written through the writer, with the invariants the tests check.</summary>
    private sealed class Owner
    {
        private readonly Lock _gate = new();
        private long _live;
        private long _durable;
        private int _writing;

        public Owner() => Writer = new CoalescingWriter(Write);

        public CoalescingWriter Writer { get; }

        public int Writes;
        public int MaxInFlight;

        /// <summary>Writes whose number is in here fail (after their delay, like a lost connection).</summary>
        public Func<int, bool> Fails { get; set; } = _ => false;

        public long Durable => Volatile.Read(ref _durable);

        /// <summary>Applies a change and returns the counter it produced.</summary>
        public long Change()
        {
            lock (_gate)
            {
                return ++_live;
            }
        }

        private async Task Write()
        {
            var inFlight = Interlocked.Increment(ref _writing);
            InterlockedMax(ref MaxInFlight, inFlight);
            long snapshot;
            lock (_gate)
            {
                snapshot = _live;
            }

            var number = Interlocked.Increment(ref Writes);
            try
            {
                await Task.Delay(Random.Shared.Next(1, 4)).ConfigureAwait(false);
                if (Fails(number))
                {
                    throw new InvalidOperationException($"write {number} failed (test)");
                }

                // Durable only moves forward: a write never stores less than one before it.
                InterlockedMax(ref _durable, snapshot);
            }
            finally
            {
                Interlocked.Decrement(ref _writing);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }

        private static void InterlockedMax(ref long target, long value)
        {
            long seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    [Fact]
    public async Task Many_concurrent_callers_are_each_answered_after_a_write_that_holds_their_change_in_far_fewer_writes()
    {
        var owner = new Owner();
        var callers = await Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => Task.Run(async () =>
        {
            var mine = owner.Change();
            await owner.Writer.WriteAsync();
            // Answered: what this caller changed is durable.
            return owner.Durable >= mine;
        })));

        Assert.All(callers, Assert.True);
        Assert.Equal(2000, owner.Durable);
        Assert.Equal(1, owner.MaxInFlight);
        Assert.InRange(owner.Writes, 1, 1000);
        Assert.False(owner.Writer.Writing);
        await owner.Writer.WhenDurable();
    }

    [Fact]
    public async Task A_failed_write_fails_exactly_the_callers_it_covered_and_the_next_write_carries_the_current_state()
    {
        // The first write and every third after it fail (the first, so a failure happens even when a busy machine lets
        // a thousand callers coalesce into two writes); callers retry until answered, as a grain's caller would.
        var owner = new Owner { Fails = n => n == 1 || n % 3 == 0 };
        var failures = 0;
        var callers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            var mine = owner.Change();
            while (true)
            {
                try
                {
                    await owner.Writer.WriteAsync();
                    return owner.Durable >= mine;
                }
                catch (InvalidOperationException)
                {
                    // Failed: its change is not known to be durable. Asking again must cover it.
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.All(callers, Assert.True);
        Assert.True(failures > 0, "no write failed, so the test proved nothing");
        Assert.Equal(1000, owner.Durable);
        Assert.Equal(1, owner.MaxInFlight);
    }

    [Fact]
    public async Task Callers_of_a_failed_write_get_its_error_and_callers_who_came_during_it_ride_the_next_write()
    {
        var release = new TaskCompletionSource();
        var writes = 0;
        var writer = new CoalescingWriter(async () =>
        {
            var fail = ++writes == 1;
            await release.Task;
            if (fail)
            {
                throw new InvalidOperationException("failed (test)");
            }
        });

        var first = writer.WriteAsync();
        Assert.True(writer.Writing);
        Assert.Same(first, writer.WhenDurable());
        // These came while the first write was in flight: they share the next write, not the failing first one.
        var second = writer.WriteAsync();
        var third = writer.WriteAsync();
        Assert.Same(second, third);
        Assert.Same(second, writer.WhenDurable());
        release.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await second;
        Assert.Equal(2, writes);
        Assert.False(writer.Writing);
        Assert.Same(Task.CompletedTask, writer.WhenDurable());
    }

    [Fact]
    public async Task A_write_that_throws_before_its_first_await_fails_its_callers_and_the_writer_keeps_working()
    {
        var calls = 0;
        var writer = new CoalescingWriter(() =>
        {
            if (++calls == 1)
            {
                throw new InvalidOperationException("synchronous failure (test)");
            }

            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync());
        await writer.WriteAsync();
        Assert.Equal(2, calls);
        Assert.False(writer.Writing);
    }
}
