namespace SalesOrleans.Tests.Support;

/// <summary>
/// The grain fixtures' clock: real time plus an offset a test moves ahead. Grains in a shared fixture keep seeing time
/// pass (SLA, settle and deadline timers run on Orleans' real timers), and a test that needs a lease or a deadline to
/// run out moves the clock instead of sleeping through it. Grain code reads time only through the injected
/// <see cref="TimeProvider"/>.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock ahead by <paramref name="by"/> at once.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
