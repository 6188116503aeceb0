using SalesOrleans.Domain;
using SalesOrleans.Domain.Calendar;
using SalesOrleans.Domain.Claims;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Claims;

[Trait("Category", "Unit")]
public class ClaimTests
{
    // A Friday afternoon in Moscow: 16 working hours run over the weekend and the 1 May holiday... here 4 December 2026.
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 13, 0, 0, TimeSpan.Zero);
    private static readonly Actor Manager = new("m1", ["manager"]);
    private static readonly Actor Colleague = new("m2", ["manager"]);
    private static readonly Actor Stranger = new("eng", ["engineer"]);
    private readonly TestDirectory _directory = new();

    private static readonly ClaimOrder ShippedOrder = new(Guid.NewGuid(), "Shipped", "ООО «Приборстрой»", Guid.NewGuid(), Guid.NewGuid(), "m1",
        new Dictionary<string, decimal> { ["CHAMBER-KTK-800"] = 2, ["SENSOR-PT100"] = 10 },
        new Dictionary<string, string> { ["CHAMBER-KTK-800"] = "Климатическая камера КТК-800", ["SENSOR-PT100"] = "Датчик Pt100" });

    private Claim Open(ClaimOrder? order = null, string reason = "damage", double? hours = null, IReadOnlyList<ClaimItem>? items = null)
    {
        var claim = new Claim(new ClaimState(), _directory);
        claim.Open(Guid.NewGuid(), new NewClaim(order ?? ShippedOrder, null, null, reason, "Gehäuse verbeult bei Lieferung",
            items ?? [new ClaimItem("CHAMBER-KTK-800", null, 1)], null, hours), Manager, T0);
        return claim;
    }

    [Fact]
    public void A_claim_on_a_shipped_order_takes_its_customer_company_manager_and_item_names()
    {
        var claim = Open();

        var s = claim.State;
        Assert.Equal(ClaimStatus.Open, s.Status);
        Assert.Equal("ООО «Приборстрой»", s.Company);
        Assert.Equal(ShippedOrder.CompanyId, s.CompanyId);
        Assert.Equal(ShippedOrder.DealId, s.DealId);
        Assert.Equal("m1", s.Responsible);
        Assert.Equal("m1", s.Manager);
        Assert.Equal("d1", s.Department);
        Assert.Equal("Климатическая камера КТК-800", Assert.Single(s.Items).Name);
        Assert.Equal("Opened", Assert.Single(s.Journal).Kind);
    }

    [Fact]
    public void The_deadline_counts_working_hours_of_the_responsible()
    {
        _directory.Calendars["m1"] = new WorkingCalendar("Europe/Moscow", holidays: [new DateOnly(2026, 12, 7)]);

        var claim = Open(hours: 8);

        // Friday 16:00 Moscow: 2 h on Friday, Monday 7 December is a holiday, 6 h on Tuesday → Tuesday 15:00 Moscow = 12:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 12, 0, 0, TimeSpan.Zero), claim.State.Deadline);
    }

    [Fact]
    public void An_order_that_shipped_nothing_cannot_be_claimed()
    {
        var rejection = Assert.Throws<Rejection>(() => Open(ShippedOrder with { Status = "Approved" }));

        Assert.Equal("orderId", rejection.Field);
    }

    [Fact]
    public void More_than_was_shipped_cannot_be_claimed()
    {
        var rejection = Assert.Throws<Rejection>(() => Open(items: [new ClaimItem("CHAMBER-KTK-800", null, 3)]));

        Assert.Equal("items[0].quantity", rejection.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("angry")]
    public void An_unknown_reason_is_refused_naming_the_field(string reason)
    {
        var rejection = Assert.Throws<Rejection>(() => Open(reason: reason));

        Assert.Equal("reason", rejection.Field);
    }

    [Fact]
    public void A_claim_on_a_customer_needs_the_customer()
    {
        var claim = new Claim(new ClaimState(), _directory);

        var rejection = Assert.Throws<Rejection>(() =>
            claim.Open(Guid.NewGuid(), new NewClaim(null, null, null, "service", null, null, null, null), Manager, T0));

        Assert.Equal("companyId", rejection.Field);
        Assert.Equal(Guid.Empty, claim.State.Id);
    }

    [Fact]
    public void Overdue_escalates_once_to_the_head_of_the_department()
    {
        var claim = Open(hours: 2);

        Assert.False(claim.CheckOverdue(T0.AddHours(1)));
        Assert.True(claim.CheckOverdue(T0.AddHours(3)));
        Assert.False(claim.CheckOverdue(T0.AddHours(4)));

        Assert.Equal("sup", claim.State.EscalatedTo);
        Assert.Equal(T0.AddHours(3), claim.State.OverdueAt);
        Assert.Equal(["Opened", "Overdue", "Escalated"], claim.State.Journal.Select(a => a.Kind));
    }

    [Fact]
    public void Escalating_by_hand_then_the_head_resolves_with_a_replacement()
    {
        var claim = Open();
        claim.Escalate("Kunde droht mit Anwalt", Manager, T0.AddHours(1));

        claim.Resolve("Replacement", 1850.50m, "Ersatzgerät geliefert", new Actor("sup", ["supervisor"]), T0.AddHours(5));

        Assert.Equal(ClaimStatus.Resolved, claim.State.Status);
        Assert.Equal(ClaimResolution.Replacement, claim.State.Resolution);
        Assert.Equal(1850.50m, claim.State.Cost);
        Assert.Equal(5, claim.HoursToResolve());
        Assert.Throws<Rejection>(() => claim.Escalate(null, Manager, T0.AddHours(6)));
        Assert.False(claim.CheckOverdue(T0.AddDays(30)));
    }

    [Fact]
    public void A_rejection_needs_its_reason_and_costs_nothing()
    {
        var claim = Open();

        Assert.Equal("comment", Assert.Throws<Rejection>(() => claim.Resolve("rejected", 100, null, Manager, T0)).Field);
        claim.Resolve("rejected", 100, "Schaden durch unsachgemäße Aufstellung", Manager, T0.AddHours(1));

        Assert.Equal(0, claim.State.Cost);
    }

    [Theory]
    [InlineData("swap", "resolution")]
    [InlineData("1", "resolution")]
    public void Unknown_resolutions_are_refused(string resolution, string field)
    {
        var claim = Open();

        Assert.Equal(field, Assert.Throws<Rejection>(() => claim.Resolve(resolution, null, null, Manager, T0)).Field);
        Assert.Equal(ClaimStatus.Open, claim.State.Status);
    }

    [Fact]
    public void Only_the_people_on_the_claim_work_it()
    {
        var claim = Open();

        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() => claim.Resolve("repair", 10, null, Stranger, T0)).Code);
        claim.Assign("m2", "Kollege übernimmt", Manager, T0.AddHours(1));
        claim.Resolve("repair", 240, "Ремонт по гарантии", Colleague, T0.AddHours(2));

        Assert.Equal("m2", claim.State.ResolvedBy);
        Assert.Equal(["Opened", "Assigned", "Resolved"], claim.State.Journal.Select(a => a.Kind));
    }
}

[Trait("Category", "Unit")]
public class DealCompanyLinkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_deal_links_its_company_record_once_and_journals_it()
    {
        var deal = new Deal(new DealState(), SalesOrleans.Tests.Support.TestProcesses.Manual(), new TestDirectory());
        deal.Start(Guid.NewGuid(), new NewDeal("Schulung Excel", "Hansa Druck", null, "m1", TestDirectory.Department, 4800m, "EUR", null, null),
            new Actor("m1", ["manager"]), T0);
        var company = Guid.NewGuid();
        var contact = Guid.NewGuid();

        deal.LinkCompany(company, "Hansa Druck GmbH & Co. KG", contact, "Jürgen Böhm", new Actor("m1", ["manager"]), T0.AddMinutes(5));
        var seq = deal.State.Seq;
        deal.LinkCompany(company, "Hansa Druck GmbH & Co. KG", contact, "Jürgen Böhm", new Actor("m1", ["manager"]), T0.AddMinutes(6));

        Assert.Equal(company, deal.State.CompanyId);
        Assert.Equal(contact, deal.State.ContactId);
        Assert.Equal("Hansa Druck GmbH & Co. KG", deal.State.Company);
        Assert.Equal("Jürgen Böhm", deal.State.Contact);
        Assert.Equal(seq, deal.State.Seq);
        Assert.Single(deal.State.Outbox, a => a.Kind == ActivityKind.CompanyLinked);
        Assert.Equal(RejectionCode.Forbidden, Assert.Throws<Rejection>(() =>
            deal.LinkCompany(Guid.NewGuid(), "Other", null, null, new Actor("eng", ["engineer"]), T0)).Code);
    }
}
