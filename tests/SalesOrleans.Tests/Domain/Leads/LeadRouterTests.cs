using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

[Trait("Category", "Unit")]
public class LeadRouterTests
{
    private static readonly LeadRouter Router = new(
    [
        new RoutingRule(RoutingRuleKind.CalledNumber, "8 (495) 223-32-11", "industrial"),
        new RoutingRule(RoutingRuleKind.Mailbox, "training@sales.example", "training"),
        new RoutingRule(RoutingRuleKind.FormField, "erp", "projects", "topic"),
        new RoutingRule(RoutingRuleKind.Keyword, "pump", "industrial"),
        new RoutingRule(RoutingRuleKind.Keyword, "course", "training"),
    ], new ContactNormalizer("RU"));

    [Fact]
    public void A_called_number_matches_however_either_side_writes_it() =>
        Assert.Equal(("industrial", "routed by called number +74952233211"), Router.Route(new RoutingInput(LeadChannel.Phone, CalledNumber: "+7 495 2233211")));

    [Fact]
    public void Mailbox_form_field_and_keyword_rules_route_and_the_first_match_wins()
    {
        Assert.Equal("training", Router.Route(new RoutingInput(LeadChannel.Email, Mailbox: "Training@Sales.Example", Text: "pumps")).Department);
        Assert.Equal("projects", Router.Route(new RoutingInput(LeadChannel.WebForm, Fields: new Dictionary<string, string> { ["Topic"] = "ERP" }, Text: "a course")).Department);
        Assert.Equal("industrial", Router.Route(new RoutingInput(LeadChannel.WebForm, Text: "We need two Pumps for a mine")).Department);
        Assert.Equal("training", Router.Route(new RoutingInput(LeadChannel.Chat, Text: "Excel course for 12")).Department);
    }

    [Fact]
    public void Keywords_match_words_not_the_middle_of_words() =>
        Assert.Null(Router.Route(new RoutingInput(LeadChannel.WebForm, Text: "a sump problem; recourse")).Department);

    [Fact]
    public void An_unmatched_inquiry_goes_to_triage_and_says_so() =>
        Assert.Equal((null, "no routing rule matched: triage"), Router.Route(new RoutingInput(LeadChannel.Phone, CalledNumber: "+74950000000")));

    [Fact]
    public void A_lead_entered_by_hand_goes_by_its_words_first_and_otherwise_stays_with_the_department_of_who_entered_it()
    {
        Assert.Equal("industrial", Router.Route(new RoutingInput(LeadChannel.Manual, Text: "Насос для шахты, pump", EnteredByDepartment: "training")).Department);
        Assert.Equal(("training", "no routing rule matched: the department of the person who entered it"),
            Router.Route(new RoutingInput(LeadChannel.Manual, Text: "Traf ihn auf der Messe, will zurückgerufen werden", EnteredByDepartment: "training")));
        Assert.Null(Router.Route(new RoutingInput(LeadChannel.Marketing, Text: "met at the fair", EnteredByDepartment: " ")).Department);
    }
}
