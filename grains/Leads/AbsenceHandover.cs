using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Leads;

/// <summary>
/// Presence changes: a manager going absent leaves the queue's rotation, their leads not yet contacted go to
/// colleagues by the queue's policy, and their deal tasks due within the horizon go to the least-loaded present
/// colleague — each move journaled by the lead or deal it belongs to.
/// </summary>
public sealed class AbsenceHandover(IGrainFactory grains, DealQueries deals, LeadQueries leads, IOptions<LeadOptions> options, TimeProvider clock) : IAbsenceHandover
{
    public async Task<HandoverReport> SetPresenceAsync(string department, string user, bool absent, ActorInfo actor, CancellationToken ct = default)
    {
        var queue = grains.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf(department));
        var leadsMoved = await queue.SetPresence(user, absent);
        var view = await queue.Get();
        if (!absent)
        {
            return new HandoverReport(user, false, 0, [], view);
        }

        var horizon = clock.GetUtcNow().AddHours(options.Value.HandoverHorizonHours);
        var due = (await deals.ListTasksAsync(user, "Open", null, null, null, DealQueries.MaxLimit, ct)).Where(t => t.Deadline <= horizon).ToList();
        var loads = view.Members.Where(m => m.User != user && !m.Absent && m.OnShift).ToDictionary(m => m.User, m => m.OpenLeads + m.OpenTasks);
        var moved = new List<string>();
        foreach (var task in due)
        {
            if (loads.Count == 0)
            {
                break;
            }

            var to = loads.OrderBy(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).First().Key;
            var result = await grains.GetGrain<IDealGrain>(task.DealId).ReassignTask(new ReassignTaskCommand(task.TaskId, to, $"{user} is absent"), actor);
            if (result.Ok)
            {
                loads[to]++;
                moved.Add($"{task.DealId}/{task.TaskId} → {to}");
            }
        }

        // Call-backs and other tasks about contacts due soon go the same way.
        foreach (var task in (await leads.ListContactTasksAsync(user, "Open", null, LeadQueries.MaxLimit, ct)).Where(t => t.Deadline <= horizon))
        {
            if (loads.Count == 0)
            {
                break;
            }

            var to = loads.OrderBy(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).First().Key;
            var result = await grains.GetGrain<IContactGrain>(task.ContactId).ReassignTask(task.TaskId, to, $"{user} is absent", actor);
            if (result.Ok)
            {
                loads[to]++;
                moved.Add($"{task.ContactId}/{task.TaskId} → {to}");
            }
        }

        return new HandoverReport(user, true, leadsMoved, moved, view);
    }
}
