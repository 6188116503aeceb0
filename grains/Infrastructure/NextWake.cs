namespace SalesOrleans.Infrastructure;

/// <summary>
/// A grain's next deadline: a grain timer while the grain is active and one reminder while it sleeps. Commands only
/// ever move the reminder earlier (or re-arm one that already fired); a reminder tick that finds nothing left to wait
/// for unregisters it. So most commands cost no reminder write, even as tasks come and go.
/// </summary>
/// <para>
/// Without a reminder (<paramref name="useReminder"/> false, for grains whose state is an IWakeDue in the group-commit
/// storage): the returned time is exactly the next wake (or a minute from now while one is overdue), stored with the
/// state in grain_state.wake_at, where DueWakeSweeper finds it; a reminder left from an earlier version is dropped at its tick.
/// </para>
public sealed class NextWake(Grain grain, string reminderName, Func<Task> onTimer, bool useReminder = true)
{
    // Stored for a wake that is already due, so a grain that could not act on it is looked at again (not every sweep).
    private static readonly TimeSpan OverdueRetry = TimeSpan.FromMinutes(1);

    // Reminders tick at least this often after their due time; re-registered at each wake, so this only bounds a lost update.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(10);

    // Timers further out than this are re-armed on firing (a grain rarely stays active that long anyway).
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromHours(12);

    private IGrainTimer? _timer;

    /// <summary>Arms the timer and the reminder for <paramref name="wake"/>; returns when the reminder is now due (store it with the grain's state).</summary>
    public async Task<DateTimeOffset?> ArmAsync(DateTimeOffset? wake, DateTimeOffset? reminderDueAt, DateTimeOffset now, bool reminderTick)
    {
        if (!useReminder)
        {
            if (reminderTick && await grain.GetReminder(reminderName) is { } legacy)
            {
                await grain.UnregisterReminder(legacy);
            }

            reminderDueAt = wake is null ? null : wake < now ? now + OverdueRetry : wake;
        }
        else if (wake is null)
        {
            if (reminderTick && reminderDueAt is not null)
            {
                if (await grain.GetReminder(reminderName) is { } reminder)
                {
                    await grain.UnregisterReminder(reminder);
                }

                reminderDueAt = null;
            }
        }
        else if (reminderDueAt is null || wake < reminderDueAt || reminderDueAt <= now)
        {
            var due = wake.Value - now;
            await grain.RegisterOrUpdateReminder(reminderName, due < TimeSpan.Zero ? TimeSpan.Zero : due, ReminderPeriod);
            reminderDueAt = wake;
        }

        _timer?.Dispose();
        _timer = null;
        if (wake is not null)
        {
            var delay = wake.Value - now;
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTimerDelay ? MaxTimerDelay : delay;
            _timer = grain.RegisterGrainTimer(_ => onTimer(), new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, KeepAlive = false });
        }

        return reminderDueAt;
    }
}
