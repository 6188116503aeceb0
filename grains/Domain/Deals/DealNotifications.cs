namespace SalesOrleans.Domain.Deals;

/// <summary>One notification a deal activity owes a person: the in-app item and, by their preference, its mail.</summary>
public sealed record DealNotification(string Recipient, string Text);

/// <summary>
/// Who a deal's activity notifies and with what words: a new task (or one handed on) its executor, an overdue task its
/// executor, an escalation the supervisor it went to. Nobody is told what they did themselves. Pure; the read model
/// keys each by (deal, activity seq), so a replayed publication notifies nobody twice.
/// </summary>
public static class DealNotifications
{
    public static DealNotification? For(DealActivity activity, string? taskTitle, string? taskExecutor, string dealTitle, string company)
    {
        var title = taskTitle ?? activity.TaskId ?? "a task";
        var deal = $"{company}: {dealTitle}";
        return activity.Kind switch
        {
            ActivityKind.TaskCreated when Other(activity) => new(activity.Subject!, $"New task: {title} — {deal}"),
            ActivityKind.TaskReassigned when Other(activity) => new(activity.Subject!, $"New task from {activity.Actor}: {title} — {deal}"),
            ActivityKind.TaskOverdue when activity.Subject is { Length: > 0 } executor => new(executor, $"Overdue: {title} — {deal}"),
            ActivityKind.TaskEscalated when activity.Subject is { Length: > 0 } supervisor =>
                new(supervisor, $"Escalated: {taskExecutor ?? "the executor"} has not done '{title}' — {deal}"),
            _ => null,
        };
    }

    private static bool Other(DealActivity activity) => activity.Subject is { Length: > 0 } who && who != activity.Actor;
}
