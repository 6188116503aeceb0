using SalesOrleans.Domain;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Tests.Domain.Orders;

/// <summary>Approval steps pick their approver as role-based deal tasks pick their executor: the least loaded, four-eyes, deputies.</summary>
[Trait("Category", "Unit")]
public class ApproverWorkloadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Manager = new("m.orlova", ["manager"]);

    private static readonly Dictionary<string, SkuDefinition> Skus = new()
    {
        ["PUMP"] = new("PUMP", "Насос ЦНС 38-110", "шт", 2400, "EUR", SkuKind.Stocked, 0),
    };

    private static readonly ApprovalRoute Finance = new()
    {
        Name = "finance check",
        Steps = [new ApprovalStepDefinition { Id = "finance", Role = "admin" }],
    };

    private static readonly ApprovalRoute Colleague = new()
    {
        Name = "a second manager",
        Steps = [new ApprovalStepDefinition { Id = "peer", Role = "manager" }],
    };

    /// <summary>People with roles, loads and absences, picking through <see cref="RolePicker"/> as the user directory does.</summary>
    private sealed class People : IDealDirectory
    {
        public Dictionary<string, (string[] Roles, int Load, bool Away, string? Deputy, string Department)> Users { get; } = new()
        {
            ["m.orlova"] = (["manager"], 0, false, null, "sales"),
            ["p.kuznetsov"] = (["manager"], 9, false, null, "sales"),
            ["a.frank"] = (["admin"], 2, false, null, "sales"),
            ["b.richter"] = (["admin"], 7, false, null, "sales"),
            ["d.wolf"] = (["admin", "manager"], 12, false, null, "sales"),
        };

        public bool UserExists(string user) => Users.ContainsKey(user);

        public string? SupervisorOf(string department) => null;

        public string? DepartmentOf(string user) => Users.TryGetValue(user, out var u) ? u.Department : null;

        public WorkingCalendar CalendarOf(string user) => WorkingCalendar.AlwaysOpen;

        public string? PickByRole(string role, string department, Guid dealId) => PickByRole(role, department, dealId, []);

        public string? PickByRole(string role, string department, Guid key, IReadOnlyCollection<string> exclude) =>
            RolePicker.Pick(Users.Where(u => u.Value.Roles.Contains(role)).Select(u => new RolePicker.Holder(u.Key, u.Value.Department, u.Value.Away)),
                department, u => Users[u].Load, key, exclude);

        public string StandInFor(string user, DateTimeOffset at) => Users[user] is { Away: true, Deputy: { } deputy } ? deputy : user;

        public bool HoldsRole(string user, string role) => Users.TryGetValue(user, out var u) && u.Roles.Contains(role);
    }

    private static string? AskedFor(ApprovalRoute route, People people)
    {
        var order = new Order(new OrderState(), people);
        order.Start(Guid.NewGuid(), new NewOrder("АО «Уралхиммаш»", "Сергей Ветров", "m.orlova", "main", "EUR", [new("PUMP", 3, null, null)], null, null, null),
            Skus, true, Manager, T0);
        order.Submit(route, Manager, T0);
        return Assert.Single(Assert.Single(order.State.Approvals).Steps).Assignee;
    }

    [Fact]
    public void The_less_loaded_of_two_approvers_is_asked_and_the_other_once_the_loads_turn()
    {
        var people = new People();
        Assert.Equal("a.frank", AskedFor(Finance, people));

        people.Users["a.frank"] = people.Users["a.frank"] with { Load = 11 };
        Assert.Equal("b.richter", AskedFor(Finance, people));
    }

    [Fact]
    public void The_responsible_is_never_asked_even_when_least_loaded_the_next_least_loaded_is()
    {
        // m.orlova (load 0) is responsible and creator: the peer step goes to p.kuznetsov (9), not d.wolf (12), not nobody.
        Assert.Equal("p.kuznetsov", AskedFor(Colleague, new People()));
    }

    [Fact]
    public void An_absent_approver_is_passed_over_and_when_all_are_away_their_deputy_holding_the_role_is_asked()
    {
        var people = new People();
        people.Users["a.frank"] = people.Users["a.frank"] with { Away = true, Deputy = "h.berg" };
        Assert.Equal("b.richter", AskedFor(Finance, people));

        // Every holder in the department is away: the least loaded one's deputy (finance, holds the role) is asked.
        people.Users["b.richter"] = people.Users["b.richter"] with { Away = true };
        people.Users["d.wolf"] = people.Users["d.wolf"] with { Roles = ["manager"] };
        people.Users["h.berg"] = (["admin"], 0, false, null, "finance");
        Assert.Equal("h.berg", AskedFor(Finance, people));

        // A deputy without the role could not decide: the absent holder stays asked (any holder may decide meanwhile).
        people.Users["a.frank"] = people.Users["a.frank"] with { Deputy = "p.kuznetsov" };
        Assert.Equal("a.frank", AskedFor(Finance, people));

        // A deputy who is the order's responsible never approves it (four-eyes).
        people.Users["m.orlova"] = people.Users["m.orlova"] with { Roles = ["manager", "admin"] };
        people.Users["a.frank"] = people.Users["a.frank"] with { Deputy = "m.orlova" };
        Assert.Equal("a.frank", AskedFor(Finance, people));
    }

    [Fact]
    public void Role_based_deal_tasks_and_approvals_share_the_picker_excluded_people_leave_the_pool_first()
    {
        var holders = new[] { new RolePicker.Holder("a", "d1"), new RolePicker.Holder("b", "d1"), new RolePicker.Holder("c", "d2") };
        var loads = new Dictionary<string, int> { ["a"] = 0, ["b"] = 3, ["c"] = 0 };
        Assert.Equal("a", RolePicker.Pick(holders, "d1", u => loads[u], Guid.NewGuid()));
        Assert.Equal("b", RolePicker.Pick(holders, "d1", u => loads[u], Guid.NewGuid(), ["a"]));
        // Nobody of the department is left: anyone holding the role.
        Assert.Equal("c", RolePicker.Pick(holders, "d1", u => loads[u], Guid.NewGuid(), ["a", "b"]));
    }
}
