using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class AssignmentPolicyTests
{
    private static QueueCandidate M(string user, int leads = 0, int tasks = 0, bool absent = false, bool onShift = true) => new(user, absent, onShift, leads, tasks);

    [Fact]
    public void Round_robin_takes_turns_in_name_order_and_wraps()
    {
        var members = new[] { M("c"), M("a"), M("b") };
        string? last = null;
        var picks = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            last = AssignmentPolicy.Pick(AssignmentPolicyKind.RoundRobin, members, 0, last).Assignee!;
            picks.Add(last);
        }

        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], picks);
    }

    [Fact]
    public void Round_robin_skips_the_absent_the_off_shift_and_the_full_and_says_so()
    {
        var members = new[] { M("a", absent: true), M("b", onShift: false), M("c", leads: 2), M("d") };

        var decision = AssignmentPolicy.Pick(AssignmentPolicyKind.RoundRobin, members, 2, null);

        Assert.Equal("d", decision.Assignee);
        Assert.Contains("a absent", decision.Reason);
        Assert.Contains("b off shift", decision.Reason);
        Assert.Contains("c at capacity (2/2)", decision.Reason);
    }

    [Fact]
    public void A_manager_who_left_the_rotation_does_not_stop_it()
    {
        // "b" got the last lead and has since left the department: the turn goes to the next name after "b".
        var decision = AssignmentPolicy.Pick(AssignmentPolicyKind.RoundRobin, [M("a"), M("c")], 0, "b");
        Assert.Equal("c", decision.Assignee);
    }

    [Fact]
    public void Least_loaded_counts_open_leads_and_tasks_and_breaks_ties_by_turn()
    {
        var members = new[] { M("a", leads: 1, tasks: 3), M("b", leads: 2, tasks: 0), M("c", leads: 0, tasks: 2) };

        var first = AssignmentPolicy.Pick(AssignmentPolicyKind.LeastLoaded, members, 0, null);
        var tie = AssignmentPolicy.Pick(AssignmentPolicyKind.LeastLoaded, [M("a", 1), M("b", 1), M("c", 1)], 0, "a");

        Assert.Equal("b", first.Assignee);
        Assert.StartsWith("least loaded: 2 open lead(s) + 0 open task(s)", first.Reason);
        Assert.Equal("b", tie.Assignee);
    }

    [Fact]
    public void Nobody_available_means_the_lead_waits()
    {
        var decision = AssignmentPolicy.Pick(AssignmentPolicyKind.RoundRobin, [M("a", absent: true), M("b", leads: 5)], 5, null);
        var empty = AssignmentPolicy.Pick(AssignmentPolicyKind.LeastLoaded, [], 0, null);

        Assert.Null(decision.Assignee);
        Assert.Contains("waiting", decision.Reason);
        Assert.Null(empty.Assignee);
    }

    [Fact]
    public void Round_robin_spread_stays_at_most_one_while_members_come_and_go()
    {
        var names = new[] { "a", "b", "c", "d" };
        var counts = names.ToDictionary(n => n, _ => 0);
        string? last = null;
        for (var i = 0; i < 1000; i++)
        {
            last = AssignmentPolicy.Pick(AssignmentPolicyKind.RoundRobin, names.Select(n => M(n)).ToList(), 0, last).Assignee!;
            counts[last]++;
        }

        Assert.Equal(250, counts.Values.Max());
        Assert.Equal(250, counts.Values.Min());
    }
}
