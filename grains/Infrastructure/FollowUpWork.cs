namespace SalesOrleans.Infrastructure;

/// <summary>
/// Work a grain owes after it has acknowledged a command (settling a call, making its inquiry, projecting it, syncing
/// an order to its deal, carrying out stock actions, publishing an outbox): run from a grain timer right after the
/// reply and, whenever a round throws or says it is not finished, run again with growing delays (1 s, 2 s, 4 s … up to
/// 30 s) until a round reports nothing left. A round never throws into Orleans (a timer callback that throws is only
/// logged and never re-armed), and the retry is a timer of its own, so callers that merely keep the grain active (a
/// sweep's reads) neither stop nor replace it.
/// <para>
/// Memory only holds the schedule. What survives deactivation and node death is the grain's stored state: the grain
/// says in its state that work is due (IWorkDue, written with the state that owes it), its activation calls
/// <see cref="Kick"/> when the state says so, and FollowUpSweeper wakes it on a live node when its own node died
/// (<see cref="IFollowUpGrain.Resume"/>).
/// </para>
/// </summary>
public sealed class FollowUpWork
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    /// <summary>A round's answer: nothing left, or look again after the given delay (work not due yet, or waiting on someone).</summary>
    public static readonly TimeSpan? Done = null;

    private readonly Grain _grain;
    private readonly string _what;
    private readonly Func<Task<TimeSpan?>> _round;
    private readonly ILogger _logger;
    private readonly bool _interleave;

    private IGrainTimer? _timer;
    private DateTimeOffset _timerDue;
    private Task? _running;
    private bool _again;
    private int _failures;

    /// <param name="grain">The grain that owes the work (the timers are its own).</param>
    /// <param name="what">Names the work in logs ("call X: settling").</param>
    /// <param name="round">
    /// One attempt at everything still owed; idempotent (it may repeat after a crash). Returns <see cref="Done"/> when
    /// nothing is left, or when to look again; throws when it failed (retried with backoff).
    /// </param>
    /// <param name="interleave">Rounds interleave with the grain's calls (needed where the work waits on a grain that may be calling this one).</param>
    public FollowUpWork(Grain grain, string what, Func<Task<TimeSpan?>> round, ILogger logger, bool interleave = false)
    {
        _grain = grain;
        _what = what;
        _round = round;
        _logger = logger;
        _interleave = interleave;
    }

    /// <summary>Rounds that failed in a row (0 once one succeeds).</summary>
    public int Failures => _failures;

    /// <summary>True while a round runs or one is scheduled.</summary>
    public bool Pending => _running is { IsCompleted: false } || _timer is not null;

    /// <summary>
    /// Asks for a round after <paramref name="delay"/> (now by default). A round already running makes one more pass
    /// when it ends; a round already scheduled sooner keeps its time.
    /// </summary>
    public void Kick(TimeSpan delay = default)
    {
        if (_running is { IsCompleted: false })
        {
            _again = true;
            return;
        }

        Schedule(delay);
    }

    private void Schedule(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        // Orleans' timers run on the machine's clock, so their due times are kept on it too.
        var due = DateTimeOffset.UtcNow + delay;
        if (_timer is not null && _timerDue <= due)
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        try
        {
            _timer = _grain.RegisterGrainTimer(_ => Fire(),
                new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true, Interleave = _interleave });
            _timerDue = due;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The activation is going away: the stored state (and the sweep) brings the work back.
            _logger.LogDebug(ex, "{What}: not scheduled, the activation is deactivating", _what);
        }
    }

    private Task Fire()
    {
        _timer?.Dispose();
        _timer = null;
        if (_running is { IsCompleted: false })
        {
            _again = true;
            return _running;
        }

        return _running = Run();
    }

    /// <summary>Rounds until one finishes or asks to wait; never throws.</summary>
    private async Task Run()
    {
        TimeSpan? next;
        do
        {
            _again = false;
            try
            {
                next = await _round();
                _failures = 0;
            }
            catch (Exception ex)
            {
                _failures++;
                next = Backoff(_failures);
                // The first failures are expected in an outage or a failover; a long run of them is worth a warning each time.
                _logger.Log(_failures is 1 or >= 5 ? LogLevel.Warning : LogLevel.Information, ex,
                    "{What} failed ({Failures} in a row); trying again in {Delay} s", _what, _failures, next.Value.TotalSeconds);
            }
        }
        while (_again && next is null);

        if (next is { } delay)
        {
            Schedule(_again ? TimeSpan.Zero : delay);
        }
        else if (_again)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    /// <summary>1 s, 2 s, 4 s … capped at 30 s, with a little jitter so a node's grains do not retry in step.</summary>
    public static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(MaxRetry.TotalSeconds, FirstRetry.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 10)));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }
}
