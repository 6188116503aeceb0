using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Tests.Domain.Admin;

[Trait("Category", "Unit")]
public class AdminRuleTests
{
    [Fact]
    public void Only_an_admin_or_the_owning_head_publishes_a_process()
    {
        Assert.True(ProcessPublishRule.MayPublish(isAdmin: true, isSupervisor: false, null, kindExists: true, ownerDepartment: "training"));
        Assert.True(ProcessPublishRule.MayPublish(false, true, "training", true, "training"));
        Assert.False(ProcessPublishRule.MayPublish(false, true, "industrial", true, "training"));
        // A shipped kind nobody owns yet is the admin's; a brand-new kind becomes the head's department's.
        Assert.False(ProcessPublishRule.MayPublish(false, true, "industrial", true, null));
        Assert.True(ProcessPublishRule.MayPublish(false, true, "industrial", false, null));
        Assert.False(ProcessPublishRule.MayPublish(false, false, "training", true, "training"));
        Assert.Equal("industrial", ProcessPublishRule.OwnerAfter(null, publisherIsAdmin: false, "industrial"));
        Assert.Null(ProcessPublishRule.OwnerAfter(null, publisherIsAdmin: true, null));
        Assert.Equal("training", ProcessPublishRule.OwnerAfter("training", false, "industrial"));
    }

    [Fact]
    public void A_role_based_task_goes_to_the_least_loaded_present_holder_of_the_department()
    {
        RolePicker.Holder[] engineers =
        [
            new("t.engineer", "industrial"), new("j.mueller", "industrial"), new("a.kuznetsov", "industrial", Absent: true), new("p.schulz", "training"),
        ];
        var load = new Dictionary<string, int> { ["t.engineer"] = 5, ["j.mueller"] = 2, ["a.kuznetsov"] = 0, ["p.schulz"] = 0 };
        Assert.Equal("j.mueller", RolePicker.Pick(engineers, "industrial", u => load[u], Guid.NewGuid()));
        // No holder in the department: anyone of the role.
        Assert.Equal("p.schulz", RolePicker.Pick(engineers, "projects", u => load[u], Guid.NewGuid()));
        // Everyone away: still someone rather than nobody.
        Assert.Equal("a.kuznetsov", RolePicker.Pick([engineers[2]], "industrial", u => load[u], Guid.NewGuid()));
        Assert.Null(RolePicker.Pick([], "industrial", _ => 0, Guid.NewGuid()));
    }

    [Fact]
    public void Equal_loads_share_the_work_and_a_deal_always_lands_on_the_same_person()
    {
        RolePicker.Holder[] pair = [new("b.user", "d"), new("a.user", "d")];
        var deal = Guid.NewGuid();
        Assert.Equal(RolePicker.Pick(pair, "d", _ => 1, deal), RolePicker.Pick(pair.Reverse(), "d", _ => 1, deal));
        var picked = Enumerable.Range(0, 200).Select(_ => RolePicker.Pick(pair, "d", _ => 0, Guid.NewGuid())).ToList();
        Assert.InRange(picked.Count(p => p == "a.user"), 50, 150);
    }

    [Fact]
    public void A_department_head_changes_only_their_own_people_with_working_roles()
    {
        string[] manager = [Roles.Manager];
        Assert.Null(PersonAdminRule.Check(true, null, "industrial", false, "training", manager, [Roles.Supervisor]));
        Assert.Null(PersonAdminRule.Check(false, "training", null, true, "training", [], [Roles.Manager, Roles.Engineer]));
        Assert.Equal("department", PersonAdminRule.Check(false, "training", null, true, "industrial", [], manager)?.Field);
        Assert.Equal("userName", PersonAdminRule.Check(false, "training", "industrial", false, "training", manager, manager)?.Field);
        Assert.Equal("roles", PersonAdminRule.Check(false, "training", "training", false, "training", manager, [Roles.Manager, Roles.Admin])?.Field);
        Assert.Equal("roles", PersonAdminRule.Check(false, "training", "training", false, "training", [Roles.Supervisor], manager)?.Field);
        // A head keeps a colleague's existing supervisor role while changing other things.
        Assert.Null(PersonAdminRule.Check(false, "training", "training", false, "training", [Roles.Supervisor, Roles.Manager], [Roles.Supervisor, Roles.Manager]));
        Assert.Equal("roles", PersonAdminRule.Check(true, null, null, true, null, [], [])?.Field);
        Assert.Equal("roles", PersonAdminRule.Check(true, null, null, true, null, [], ["wizard"])?.Field);
    }
}
