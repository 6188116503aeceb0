using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace SalesOrleans.Web.Live;

/// <summary>A change as a browser gets it: in a "changes" push, a list of these (oldest first).</summary>
public sealed record LivePush(string Kind, string Id, long Seq, string Json);

/// <summary>
/// This node's end of the relay: changes from any node go to the browsers connected here. Pushes are coalesced: one
/// loop sends, and whatever arrived while it was sending goes out next as one "changes" message per group — one
/// socket write per browser and group, however many changes it carries. Idle, a change goes out at once; at hundreds
/// of changes a second the cost per browser stays that of one message per send, not one per change (1,000 browsers
/// of a department at 100 changes/s were 100,000 writes a second before). Each message is serialized once per group,
/// not per browser (SignalR keeps the serialized form for all of a group's connections).
/// </summary>
public sealed class HubLiveObserver : ILiveObserver, IAsyncDisposable
{
    private const int MaxBatch = 2_000;

    private readonly IHubContext<LiveHub> _hub;
    private readonly ILogger<HubLiveObserver> _logger;
    // Live pushes are best effort: a browser that missed some reloads from the read model when it reconnects.
    private readonly Channel<LiveChange> _queue = Channel.CreateBounded<LiveChange>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private readonly Task _loop;

    public HubLiveObserver(IHubContext<LiveHub> hub, ILogger<HubLiveObserver> logger)
    {
        _hub = hub;
        _logger = logger;
        _loop = Task.Run(Loop);
    }

    /// <summary>
    /// Off: every change is its own message, as before coalescing (the live benchmark measures both in one run).
    /// </summary>
    public bool Coalesce { get; set; } = true;

    public Task OnChanges(ImmutableArray<LiveChange> changes)
    {
        foreach (var change in changes)
        {
            _queue.Writer.TryWrite(change);
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    /// <summary>Who gets what of a batch: each group its changes in order; null stands for every connection.</summary>
    public static Dictionary<string, List<LivePush>> Route(IReadOnlyList<LiveChange> changes, out List<LivePush> everyone)
    {
        var groups = new Dictionary<string, List<LivePush>>(StringComparer.Ordinal);
        everyone = [];
        foreach (var change in changes)
        {
            var push = new LivePush(change.Kind, change.Id, change.Seq, change.Json);
            if (change.Department is null)
            {
                // Not a department's (stock, orders): every page may show it. Such pushes carry no data, only the
                // signal to reload through the API, which applies each user's access.
                everyone.Add(push);
                continue;
            }

            // A browser in two of these groups gets the change twice; pages keep the highest seq per item.
            Add(LiveGroups.All, push);
            Add(LiveGroups.Department(change.Department), push);
            foreach (var user in change.Users.Distinct(StringComparer.Ordinal))
            {
                Add(LiveGroups.User(user), push);
            }

            if (change.Kind is "deal" or "lead")
            {
                // Dashboards only reload: no data, so a marketer learns nothing of a department beyond the reports.
                Add(LiveGroups.Analytics, push with { Json = "{}" });
            }
        }

        return groups;

        void Add(string group, LivePush push)
        {
            if (!groups.TryGetValue(group, out var list))
            {
                groups[group] = list = [];
            }

            list.Add(push);
        }
    }

    private async Task Loop()
    {
        var batch = new List<LiveChange>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            try
            {
                if (!Coalesce)
                {
                    foreach (var change in batch)
                    {
                        await Send([change]);
                    }
                }
                else
                {
                    await Send(batch);
                }
            }
            catch (Exception ex)
            {
                _logger.LogDebug(ex, "Pushing {Count} live changes failed", batch.Count);
            }

            foreach (var change in batch)
            {
                RecordPush(change);
            }
        }
    }

    private async Task Send(IReadOnlyList<LiveChange> batch)
    {
        var groups = Route(batch, out var everyone);
        var sends = new List<Task>(groups.Count + 1);
        if (everyone.Count > 0)
        {
            sends.Add(_hub.Clients.All.SendAsync("changes", everyone));
        }

        foreach (var (group, pushes) in groups)
        {
            sends.Add(_hub.Clients.Group(group).SendAsync("changes", pushes));
        }

        await Task.WhenAll(sends);
    }

    private static void RecordPush(LiveChange change)
    {
        if (change.PublishedAt != default)
        {
            LiveMetrics.PushLatency.Record(Math.Max(0, (DateTime.UtcNow - change.PublishedAt).TotalSeconds),
                new KeyValuePair<string, object?>("kind", change.Kind));
        }
    }
}
