using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>
/// A department's lead queue. Reentrant so that state writes batch (as samples/Chirper): every decision is made
/// synchronously in one turn — read the counts, pick, record — with no await in between, so decisions are exactly
/// serial however many leads ask at once; callers then wait for the write that holds their decision (a
/// <see cref="CoalescingWriter"/>: one write at a time, the changes made meanwhile go out together in the next).
/// Calls leads only from its own timers (draining the waiting list), never inside a lead's call.
/// </summary>
[Reentrant]
public sealed class LeadQueueGrain(
    [PersistentState("leadqueue", StorageNames.Store)] IPersistentState<LeadQueueState> state,
    ILeadDirectory directory,
    IOptions<LeadOptions> options,
    TimeProvider clock,
    ILogger<LeadQueueGrain> logger) : Grain, ILeadQueueGrain
{
    private const string Prefix = LeadQueueKeys.Prefix;
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    // The live queue; the stored state gets a copy at each write, so a write in flight never sees a later change.
    private LeadQueueState _live = new();
    private readonly Dictionary<string, int> _openLeads = [];
    private Dictionary<string, int> _openTasks = [];
    private CoalescingWriter? _writer;
    private bool _draining;

    public static string KeyOf(string department) => LeadQueueKeys.Of(department);

    private string Department => this.GetPrimaryKeyString()[Prefix.Length..];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!this.GetPrimaryKeyString().StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A lead queue key is '{Prefix}<department>', not '{this.GetPrimaryKeyString()}'.");
        }

        _live = state.RecordExists ? state.State.Copy() : new LeadQueueState { Policy = options.Value.DefaultPolicy, Capacity = options.Value.DefaultCapacity };
        foreach (var user in _live.Assigned.Values)
        {
            _openLeads[user] = _openLeads.GetValueOrDefault(user) + 1;
        }

        await RefreshWorkloads();
        // Workloads change with deals; shifts start and end: look again now and then.
        this.RegisterGrainTimer(async _ =>
        {
            await RefreshWorkloads();
            StartDrain();
        }, new GrainTimerCreationOptions { DueTime = Refresh, Period = Refresh, Interleave = true, KeepAlive = false });
        StartDrain();
    }

    public async Task<QueueDecision> RequestAssignment(Guid leadId)
    {
        if (_live.Assigned.TryGetValue(leadId, out var already))
        {
            return new QueueDecision(already, "already assigned by this queue");
        }

        var decision = Decide();
        if (decision.Assignee is null)
        {
            if (!_live.Waiting.Contains(leadId))
            {
                _live.Waiting.Add(leadId);
            }
        }
        else
        {
            Count(leadId, decision.Assignee);
        }

        await Persist();
        return decision;
    }

    public async Task NoteAssigned(Guid leadId, string assignee)
    {
        if (_live.Assigned.TryGetValue(leadId, out var current) && current == assignee)
        {
            return;
        }

        Uncount(leadId);
        _live.Waiting.Remove(leadId);
        Count(leadId, assignee, turn: false);
        await Persist();
    }

    public async Task Release(Guid leadId)
    {
        var changed = Uncount(leadId) | _live.Waiting.Remove(leadId);
        if (changed)
        {
            await Persist();
            StartDrain();
        }
    }

    public async Task<int> SetPresence(string user, bool absent)
    {
        if (!(absent ? _live.Absent.Add(user) : _live.Absent.Remove(user)))
        {
            return 0;
        }

        await Persist();
        var moved = absent ? await HandOver(user) : 0;
        StartDrain();
        return moved;
    }

    /// <summary>Gives the absent person's leads to colleagues, each by the policy; a lead already contacted stays.</summary>
    private async Task<int> HandOver(string user)
    {
        var moved = 0;
        foreach (var leadId in _live.Assigned.Where(a => a.Value == user).Select(a => a.Key).ToList())
        {
            if (!_live.Absent.Contains(user) || !_live.Assigned.TryGetValue(leadId, out var holder) || holder != user)
            {
                continue;
            }

            var decision = Decide();
            if (decision.Assignee is null)
            {
                break;
            }

            Uncount(leadId);
            Count(leadId, decision.Assignee);
            await Persist();
            var handed = await GrainFactory.GetGrain<ILeadGrain>(leadId).HandOver(user, decision.Assignee, $"{user} is absent; {decision.Reason}");
            if (handed)
            {
                moved++;
            }
            else if (_live.Assigned.TryGetValue(leadId, out var now) && now == decision.Assignee)
            {
                // Contacted already (or closed): it stays with the absent person.
                Undo(leadId, decision.Assignee);
                _live.Assigned[leadId] = user;
                _openLeads[user] = _openLeads.GetValueOrDefault(user) + 1;
                await Persist();
            }
        }

        return moved;
    }

    public async Task Configure(AssignmentPolicyKind policy, int capacity)
    {
        _live.Policy = policy;
        _live.Capacity = Math.Max(0, capacity);
        await Persist();
        StartDrain();
    }

    public Task<QueueView> Get()
    {
        var now = clock.GetUtcNow();
        var members = directory.ManagersOf(Department).Select(u => new QueueMemberView(u, _live.Absent.Contains(u), OnShift(u, now),
            _openLeads.GetValueOrDefault(u), _openTasks.GetValueOrDefault(u), _live.Totals.GetValueOrDefault(u))).ToList();
        return Task.FromResult(new QueueView(Department, _live.Policy, _live.Capacity, members, _live.Waiting.ToList()));
    }

    /// <summary>One decision from the live counts; synchronous by design (see the class comment).</summary>
    private QueueDecision Decide()
    {
        var now = clock.GetUtcNow();
        var candidates = directory.ManagersOf(Department)
            .Select(u => new QueueCandidate(u, _live.Absent.Contains(u), OnShift(u, now), _openLeads.GetValueOrDefault(u), _openTasks.GetValueOrDefault(u)))
            .ToList();
        return AssignmentPolicy.Pick(_live.Policy, candidates, _live.Capacity, _live.LastAssigned);
    }

    private bool OnShift(string user, DateTimeOffset now) => !options.Value.RespectShifts || directory.CalendarOf(user).IsWorkingTime(now);

    private void Count(Guid leadId, string user, bool turn = true)
    {
        _live.Assigned[leadId] = user;
        _openLeads[user] = _openLeads.GetValueOrDefault(user) + 1;
        _live.Totals[user] = _live.Totals.GetValueOrDefault(user) + 1;
        if (turn)
        {
            _live.LastAssigned = user;
        }
    }

    /// <summary>Takes back a pick the lead did not accept: it counts neither as open nor in the totals.</summary>
    private void Undo(Guid leadId, string user)
    {
        Uncount(leadId);
        _live.Totals[user] = Math.Max(0, _live.Totals.GetValueOrDefault(user) - 1);
    }

    private bool Uncount(Guid leadId)
    {
        if (!_live.Assigned.Remove(leadId, out var user))
        {
            return false;
        }

        _openLeads[user] = Math.Max(0, _openLeads.GetValueOrDefault(user) - 1);
        return true;
    }

    /// <summary>Waits until a write that includes every change made so far is stored (group commit).</summary>
    private Task Persist() => (_writer ??= new CoalescingWriter(WriteOnce)).WriteAsync();

    private async Task WriteOnce()
    {
        state.State = _live.Copy();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory is ahead of storage: start again from what was stored (this write's callers get the error).
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task RefreshWorkloads()
    {
        try
        {
            var managers = directory.ManagersOf(Department);
            var loads = await Task.WhenAll(managers.Select(u => GrainFactory.GetGrain<IManagerGrain>(u).GetWorkload()));
            _openTasks = loads.ToDictionary(w => w.User, w => w.OpenTasks);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Queue {Department}: reading workloads failed; keeping the last ones", Department);
        }
    }

    private void StartDrain()
    {
        if (_draining || _live.Waiting.Count == 0)
        {
            return;
        }

        _draining = true;
        // A one-shot timer: runs in this grain's context, after the current call has answered.
        this.RegisterGrainTimer(async _ =>
        {
            try
            {
                await Drain();
            }
            finally
            {
                _draining = false;
            }
        }, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    /// <summary>Hands waiting leads out, oldest first, while someone can take one.</summary>
    private async Task Drain()
    {
        while (_live.Waiting.Count > 0)
        {
            var leadId = _live.Waiting[0];
            var decision = Decide();
            if (decision.Assignee is null)
            {
                return;
            }

            _live.Waiting.RemoveAt(0);
            Count(leadId, decision.Assignee);
            await Persist();
            var result = await GrainFactory.GetGrain<ILeadGrain>(leadId).Assign(decision.Assignee, $"{decision.Reason} (waited in the queue)",
                new ActorInfo(Domain.Roles.System, [Domain.Roles.System]));
            if (!result.Ok || result.Lead?.Assignee != decision.Assignee)
            {
                // Closed or assigned by hand meanwhile: the pick does not count.
                if (_live.Assigned.TryGetValue(leadId, out var user) && user == decision.Assignee)
                {
                    Undo(leadId, user);
                    await Persist();
                }
            }
        }
    }
}

/// <summary>A department queue's stored record: policy, presence, the open leads it counts and the waiting list.</summary>
public sealed class LeadQueueState
{
    public AssignmentPolicyKind Policy { get; set; }

    public int Capacity { get; set; }

    public string? LastAssigned { get; set; }

    public HashSet<string> Absent { get; set; } = [];

    /// <summary>Open leads and whose they are.</summary>
    public Dictionary<Guid, string> Assigned { get; set; } = [];

    /// <summary>How many leads each person got from this queue, ever (for fairness reports).</summary>
    public Dictionary<string, long> Totals { get; set; } = [];

    public List<Guid> Waiting { get; set; } = [];

    public LeadQueueState Copy() => new()
    {
        Policy = Policy,
        Capacity = Capacity,
        LastAssigned = LastAssigned,
        Absent = [.. Absent],
        Assigned = new Dictionary<Guid, string>(Assigned),
        Totals = new Dictionary<string, long>(Totals),
        Waiting = [.. Waiting],
    };
}
