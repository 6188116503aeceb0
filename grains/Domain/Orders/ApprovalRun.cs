using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Orders;

public enum ApprovalStepStatus
{
    /// <summary>A later group: not asked yet.</summary>
    Waiting,

    /// <summary>The current group: its approvers are asked now.</summary>
    Pending,

    Approved,

    Rejected,

    /// <summary>The round ended (a rejection, a cancellation) before this step was decided.</summary>
    Dropped,
}

/// <summary>One step of one round as it went: who is asked, who decided, when and why.</summary>
public sealed class ApprovalStepState
{
    public string Id { get; set; } = "";

    public string Role { get; set; } = "";

    public bool DepartmentHead { get; set; }

    /// <summary>Steps of one group run in parallel; groups run one after another.</summary>
    public int Group { get; set; }

    /// <summary>The condition that made the step apply, in words ("amount > 10000"); null: always.</summary>
    public string? Condition { get; set; }

    public Dictionary<string, string> Names { get; set; } = [];

    public ApprovalStepStatus Status { get; set; }

    /// <summary>Who is asked (gets the task and the notification); any other holder of the role may decide too.</summary>
    public string? Assignee { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? Reason { get; set; }
}

/// <summary>One pass of the order through its route: started by a submit, ended by approval of all steps or one rejection.</summary>
public sealed class ApprovalRoundState
{
    public int Round { get; set; }

    public string? Route { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public string StartedBy { get; set; } = "";

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Approved, Rejected, Cancelled; null while running.</summary>
    public string? Outcome { get; set; }

    public List<ApprovalStepState> Steps { get; set; } = [];
}

/// <summary>The person asked to decide a step, and who the step is.</summary>
public sealed record ApprovalRequest(ApprovalStepState Step, string? Assignee);

/// <summary>
/// The rules of running a route, over the rounds kept in the order's state. Pure: the order asks, then records.
/// Four-eyes: the order's responsible and its creator never decide a step of it, and one person decides at most one
/// step of a round. The system account (seeding, integrations acting as the ERP) is not a person and may decide any.
/// </summary>
public static class ApprovalRun
{
    /// <summary>
    /// Starts round <paramref name="round"/> with the route's steps that apply to <paramref name="facts"/>; null when none
    /// apply (the order needs no approval). The first group is pending at once; <paramref name="pick"/> names whom to ask
    /// for a step (role, head-only) — the least loaded holder of the role, or the head.
    /// </summary>
    public static ApprovalRoundState? Start(ApprovalRoute route, ApprovalFacts facts, int round, string startedBy, DateTimeOffset now,
        Func<ApprovalStepDefinition, string?> pick)
    {
        var steps = route.StepsFor(facts);
        if (steps.Count == 0)
        {
            return null;
        }

        var state = new ApprovalRoundState { Round = round, Route = route.Name, StartedAt = now, StartedBy = startedBy };
        var group = 0;
        foreach (var step in steps)
        {
            if (state.Steps.Count > 0 && !step.Parallel)
            {
                group++;
            }

            state.Steps.Add(new ApprovalStepState
            {
                Id = step.Id,
                Role = step.Role,
                DepartmentHead = step.DepartmentHead,
                Group = group,
                Condition = step.When?.Describe(),
                Names = new Dictionary<string, string>(step.Names ?? new Dictionary<string, string>()),
                Status = group == 0 ? ApprovalStepStatus.Pending : ApprovalStepStatus.Waiting,
                Assignee = group == 0 ? pick(step) : null,
            });
        }

        return state;
    }

    /// <summary>The steps being asked now.</summary>
    public static IReadOnlyList<ApprovalStepState> Pending(ApprovalRoundState round) =>
        round.Steps.Where(s => s.Status == ApprovalStepStatus.Pending).ToList();

    /// <summary>
    /// The pending step <paramref name="actor"/> decides: the one named by <paramref name="stepId"/>, or else the first
    /// pending step they qualify for. Throws an <see cref="Rejection"/> naming why they may not.
    /// </summary>
    public static ApprovalStepState StepFor(ApprovalRoundState round, string? stepId, Actor actor, OrderState order, string? departmentHead)
    {
        var pending = Pending(round);
        if (!actor.IsSystem && (actor.User == order.Responsible || actor.User == order.CreatedBy))
        {
            throw new Rejection(RejectionCode.Forbidden,
                $"{actor.User} is the order's {(actor.User == order.Responsible ? "responsible" : "creator")}; another person approves it (four-eyes).", "approver");
        }

        if (!actor.IsSystem && round.Steps.Any(s => s.DecidedBy == actor.User && s.Status == ApprovalStepStatus.Approved))
        {
            throw new Rejection(RejectionCode.Forbidden,
                $"{actor.User} already approved step '{round.Steps.First(s => s.DecidedBy == actor.User).Id}' of this round; another person decides the next.", "approver");
        }

        if (!string.IsNullOrWhiteSpace(stepId))
        {
            var named = round.Steps.FirstOrDefault(s => s.Id == stepId.Trim())
                ?? throw Rejection.Invalid("step", $"The route has no step '{stepId}' in round {round.Round}.");
            if (named.Status != ApprovalStepStatus.Pending)
            {
                throw new Rejection(RejectionCode.Conflict, $"Step '{named.Id}' is {named.Status.ToString().ToLowerInvariant()}, not waiting for a decision.", "step");
            }

            return Qualifies(named, actor, departmentHead)
                ? named
                : throw new Rejection(RejectionCode.Forbidden, $"Step '{named.Id}' is decided by {Who(named, departmentHead)}, not by {actor.User}.", "step");
        }

        return pending.FirstOrDefault(s => Qualifies(s, actor, departmentHead))
            ?? throw new Rejection(RejectionCode.Forbidden,
                $"{actor.User} decides none of the steps now waiting: {string.Join(", ", pending.Select(s => $"'{s.Id}' by {Who(s, departmentHead)}"))}.", "step");
    }

    /// <summary>Whether the person may decide the step: holds its role (a supervisor's step also an admin), or is the head for a head-only step.</summary>
    public static bool Qualifies(ApprovalStepState step, Actor actor, string? departmentHead)
    {
        if (actor.IsSystem)
        {
            return true;
        }

        if (step.DepartmentHead)
        {
            return actor.User == departmentHead || (departmentHead is null && actor.Roles.Contains(Roles.Supervisor)) || actor.IsAdmin;
        }

        return actor.Roles.Contains(step.Role) || (step.Role == Roles.Supervisor && actor.IsAdmin);
    }

    /// <summary>Approves the step; when its group is done the next group becomes pending. Returns the newly asked steps.</summary>
    public static IReadOnlyList<ApprovalStepState> Approve(ApprovalRoundState round, ApprovalStepState step, Actor actor, string? comment, DateTimeOffset now,
        Func<ApprovalStepState, string?> pick)
    {
        Decide(step, ApprovalStepStatus.Approved, actor, comment, now);
        if (round.Steps.Any(s => s.Group == step.Group && s.Status == ApprovalStepStatus.Pending))
        {
            return [];
        }

        var next = round.Steps.Where(s => s.Status == ApprovalStepStatus.Waiting).Select(s => s.Group).DefaultIfEmpty(-1).Min();
        if (next < 0)
        {
            round.Outcome = "Approved";
            round.EndedAt = now;
            return [];
        }

        var asked = round.Steps.Where(s => s.Group == next).ToList();
        foreach (var s in asked)
        {
            s.Status = ApprovalStepStatus.Pending;
            s.Assignee = pick(s);
        }

        return asked;
    }

    /// <summary>Rejects the step: the round ends, its undecided steps are dropped.</summary>
    public static void Reject(ApprovalRoundState round, ApprovalStepState step, Actor actor, string reason, DateTimeOffset now)
    {
        Decide(step, ApprovalStepStatus.Rejected, actor, reason, now);
        End(round, "Rejected", now);
    }

    /// <summary>Ends a running round without a decision (the order was cancelled).</summary>
    public static void End(ApprovalRoundState round, string outcome, DateTimeOffset now)
    {
        foreach (var s in round.Steps.Where(s => s.Status is ApprovalStepStatus.Pending or ApprovalStepStatus.Waiting))
        {
            s.Status = ApprovalStepStatus.Dropped;
        }

        round.Outcome ??= outcome;
        round.EndedAt ??= now;
    }

    public static bool Complete(ApprovalRoundState round) => round.Outcome == "Approved";

    /// <summary>The step's approver in words: "the head of the department (o.smirnova)", "role admin".</summary>
    public static string Who(ApprovalStepState step, string? departmentHead) =>
        step.DepartmentHead ? $"the head of the department{(departmentHead is null ? "" : $" ({departmentHead})")}" : $"role {step.Role}";

    private static void Decide(ApprovalStepState step, ApprovalStepStatus status, Actor actor, string? reason, DateTimeOffset now)
    {
        step.Status = status;
        step.DecidedBy = actor.User;
        step.DecidedAt = now;
        step.Reason = reason;
    }
}
