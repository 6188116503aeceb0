using SalesOrleans.Domain;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Security;

/// <summary>The pure access rules: role + scope + resource facts → allowed, hidden (404) or forbidden (403). No node.</summary>
[Trait("Category", "Unit")]
public sealed class AccessMatrixTests
{
    private static readonly AccessSubject Weber = new("k.weber", "training");
    private static readonly ResourceFacts TrainingDealOfWeber = ResourceFacts.Of("training", "k.weber", "e.keller");
    private static readonly ResourceFacts IndustrialDealWithTaskForEngineer = ResourceFacts.Of("industrial", "i.petrov", "t.engineer");

    [Fact]
    public void Every_capability_has_exactly_one_default_row_with_a_scope_per_role()
    {
        Assert.True(AccessMatrix.DefaultsCoverEveryCapability);
        Assert.Equal(Capability.All.Count * AccessMatrix.Roles.Count, AccessMatrix.Defaults.Cells.Count);
        Assert.Equal(Capability.All.Count, Capability.All.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Admins_hold_every_capability_but_their_own_notifications_in_full()
    {
        Assert.All(Capability.All.Where(c => c != Capability.NotificationRead),
            c => Assert.Equal(AccessScope.All, AccessMatrix.Defaults.ScopeOf(Roles.Admin, c)));
    }

    [Theory]
    [InlineData("export.personal-data")]
    [InlineData("process.publish")]
    [InlineData("lead.assign")]
    [InlineData("lead.work")]
    [InlineData("task.read")]
    [InlineData("deal.read")]
    [InlineData("access.admin")]
    public void An_integration_token_cannot_export_publish_assign_or_read_deals(string capability) =>
        Assert.Equal(AccessScope.None, AccessMatrix.Defaults.ScopeOf(Roles.Integration, Capability.Find(capability)!));

    [Fact]
    public void An_integration_token_reads_calls_leads_and_contacts_and_enters_leads()
    {
        foreach (var c in new[] { Capability.TelephonyRead, Capability.LeadRead, Capability.ContactRead, Capability.LeadCreate })
        {
            Assert.NotEqual(AccessScope.None, AccessMatrix.Defaults.ScopeOf(Roles.Integration, c));
        }
    }

    [Theory]
    [InlineData("warehouse", "deal.parameters")]
    [InlineData("engineer", "deal.parameters")]
    [InlineData("warehouse", "deal.document.attach")]
    [InlineData("engineer", "deal.document.attach")]
    [InlineData("warehouse", "lead.work")]
    [InlineData("marketer", "lead.work")]
    [InlineData("manager", "import.customers")]
    [InlineData("marketer", "import.customers")]
    [InlineData("warehouse", "company.read")]
    [InlineData("warehouse", "telephony.read")]
    public void Roles_outside_the_sales_work_do_not_hold_it(string role, string capability) =>
        Assert.Equal(AccessScope.None, AccessMatrix.Defaults.ScopeOf(role, Capability.Find(capability)!));

    [Fact]
    public void A_user_with_two_roles_gets_the_wider_scope() =>
        Assert.Equal(AccessScope.All, AccessMatrix.Defaults.ScopeOf([Roles.Manager, AccessMatrix.HeadOfSales], Capability.LeadRead));

    [Fact]
    public void No_role_means_no_right() =>
        Assert.Equal(AccessScope.None, AccessMatrix.Defaults.ScopeOf(["mystery"], Capability.DealRead));

    [Fact]
    public void Department_scope_reaches_the_own_department_and_what_the_user_owns_or_executes_elsewhere()
    {
        Assert.Equal(AccessDecision.Allowed, AccessMatrix.Decide(AccessScope.Department, AccessScope.Department, Weber, TrainingDealOfWeber));
        Assert.Equal(AccessDecision.Hidden, AccessMatrix.Decide(AccessScope.Department, AccessScope.Department, Weber, IndustrialDealWithTaskForEngineer));
        Assert.Equal(AccessDecision.Allowed, AccessMatrix.Decide(AccessScope.Department, AccessScope.Department,
            new AccessSubject("t.engineer", "projects"), IndustrialDealWithTaskForEngineer));
    }

    [Fact]
    public void Seen_but_out_of_reach_of_the_capability_is_forbidden_not_hidden()
    {
        // A manager reads the department's orders but changes only those they are responsible for.
        var order = ResourceFacts.Of("training", "l.braun");
        Assert.Equal(AccessDecision.Forbidden, AccessMatrix.Decide(AccessScope.Own, AccessScope.Department, Weber, order));
        Assert.Equal(AccessDecision.Allowed, AccessMatrix.Decide(AccessScope.Own, AccessScope.Department, Weber, ResourceFacts.Of("training", "k.weber")));
    }

    [Fact]
    public void Missing_and_invisible_are_the_same_answer()
    {
        Assert.Equal(AccessDecision.Hidden, AccessMatrix.Decide(AccessScope.All, AccessScope.All, Weber, null));
        Assert.Equal(AccessDecision.Hidden, AccessMatrix.Decide(AccessScope.Department, AccessScope.Own, Weber, ResourceFacts.Of("training", "l.braun")));
    }

    [Fact]
    public void A_department_less_user_with_department_scope_reaches_only_what_they_own()
    {
        var marketer = new AccessSubject("n.marketing", null);
        Assert.False(AccessMatrix.Reaches(AccessScope.Department, marketer, TrainingDealOfWeber));
        Assert.True(AccessMatrix.Reaches(AccessScope.Department, marketer, ResourceFacts.Of("training", "n.marketing")));
    }

    [Fact]
    public void Shared_resources_are_reached_by_any_scope_but_none()
    {
        Assert.True(AccessMatrix.Reaches(AccessScope.Own, Weber, ResourceFacts.SharedResource));
        Assert.False(AccessMatrix.Reaches(AccessScope.None, Weber, ResourceFacts.SharedResource));
    }

    [Fact]
    public void A_changed_cell_overrides_the_default_and_leaves_the_rest()
    {
        var changed = AccessMatrix.Defaults.With([new AccessCell(Roles.Manager, Capability.DealMove.Name, AccessScope.Own)]);
        Assert.Equal(AccessScope.Own, changed.ScopeOf(Roles.Manager, Capability.DealMove));
        Assert.Equal(AccessScope.Department, changed.ScopeOf(Roles.Manager, Capability.DealRead));
        Assert.Equal(AccessScope.Department, AccessMatrix.Defaults.ScopeOf(Roles.Manager, Capability.DealMove));
    }

    [Fact]
    public void Cells_for_unknown_roles_or_capabilities_are_ignored()
    {
        var matrix = new AccessMatrix([new AccessCell("root", Capability.DealRead.Name, AccessScope.All), new AccessCell(Roles.Manager, "deal.steal", AccessScope.All)]);
        Assert.DoesNotContain(matrix.Cells, c => c.Role == "root" || c.Capability == "deal.steal");
        Assert.All(matrix.Cells, c => Assert.Equal(AccessScope.None, c.Scope));
    }
}
