using System.Collections.Immutable;
using Microsoft.AspNetCore.SignalR;

namespace SalesOrleans.Web.Live;

/// <summary>This node's end of the relay: changes from any node go to the browsers connected here.</summary>
public sealed class HubLiveObserver(IHubContext<LiveHub> hub) : ILiveObserver
{
    public async Task OnChanges(ImmutableArray<LiveChange> changes)
    {
        foreach (var change in changes)
        {
            if (change.Department is null)
            {
                // Not a department's (stock, orders): every page may show it. Such pushes carry no data, only the
                // signal to reload through the API, which applies each user's access.
                await hub.Clients.All.SendAsync("change", change.Kind, change.Id, change.Seq, change.Json);
                RecordPush(change);
                continue;
            }

            var groups = new List<string>(change.Users.Count + 2) { LiveGroups.All, LiveGroups.Department(change.Department) };

            groups.AddRange(change.Users.Select(LiveGroups.User));
            // A browser in two of these groups gets the change twice; pages keep the highest seq per item.
            await hub.Clients.Groups(groups).SendAsync("change", change.Kind, change.Id, change.Seq, change.Json);
            if (change.Kind is "deal" or "lead")
            {
                // Dashboards only reload: no data, so a marketer learns nothing of a department beyond the reports.
                await hub.Clients.Group(LiveGroups.Analytics).SendAsync("change", change.Kind, change.Id, change.Seq, "{}");
            }

            RecordPush(change);
        }
    }

    private static void RecordPush(LiveChange change)
    {
        if (change.PublishedAt != default)
        {
            SalesOrleans.Infrastructure.SalesMetrics.PushLatency.Record(Math.Max(0, (DateTime.UtcNow - change.PublishedAt).TotalSeconds),
                new KeyValuePair<string, object?>("kind", change.Kind));
        }
    }
}
