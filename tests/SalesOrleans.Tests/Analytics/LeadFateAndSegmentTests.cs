using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SalesOrleans.Domain.Analytics;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Tests.Integration;
using SalesOrleans.Tests.Support;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Tests.Analytics;

/// <summary>
/// Generated leads, contacts and won deals with known truth through the real projectors into PostgreSQL: lead fate,
/// the BCG matrix and the marketing segments come out exact, and replays change nothing.
/// </summary>
[Trait("Category", "Integration")]
public class LeadFateAndSegmentTests
{
    private static readonly DateTimeOffset Base = new(2026, 10, 5, 9, 0, 0, TimeSpan.Zero);

    private static async Task<NpgsqlDataSource> Database()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await SchemaMigrator.MigrateAsync(db);
        return db;
    }

    private static DealLineView L(string sku, string name, decimal quantity, decimal price) => new(sku, name, quantity, price);

    private static Guid Id(int group, int i) => new($"00000000-0000-0000-{group:0000}-{i:000000000000}");

    private static LeadView Lead(Guid id, LeadChannel channel, string department, LeadStatus status, DateTimeOffset created,
        double? closedAfterHours = null, string? reason = null, Guid? contact = null, Guid? deal = null, string? region = null,
        string? equipment = null, long seq = 5, string? assignee = "i.petrov") =>
        new(id, channel, status, contact ?? Guid.NewGuid(), null, "Someone", null, null, null, "a need", $"test:{id}", department, assignee, null, created,
            null, null, closedAfterHours is { } h ? created.AddHours(h) : null, reason, deal, null, null, [], [], seq, region, equipment);

    [Fact]
    public async Task Every_lead_of_the_period_has_its_fate_by_source_and_department_and_none_vanishes()
    {
        await using var db = await Database();
        await using var projector = new LeadProjector(db, NullLogger<LeadProjector>.Instance);
        var leads = new List<LeadView>();
        var n = 0;
        void Add(int count, Func<int, LeadView> make)
        {
            for (var i = 0; i < count; i++)
            {
                leads.Add(make(n++));
            }
        }

        Add(5, i => Lead(Id(1, i), LeadChannel.WebForm, "industrial", LeadStatus.Converted, Base, 10));
        Add(3, i => Lead(Id(1, i), LeadChannel.WebForm, "industrial", LeadStatus.Disqualified, Base, 2, "spam"));
        Add(2, i => Lead(Id(1, i), LeadChannel.WebForm, "industrial", LeadStatus.Disqualified, Base, 4, "no budget"));
        Add(2, i => Lead(Id(1, i), LeadChannel.WebForm, "industrial", LeadStatus.New, Base.AddHours(2 * (i % 2)), assignee: null));
        Add(2, i => Lead(Id(1, i), LeadChannel.WebForm, "industrial", LeadStatus.Qualifying, Base.AddHours(4)));
        Add(3, i => Lead(Id(1, i), LeadChannel.Phone, "training", LeadStatus.Converted, Base, 10, assignee: "k.weber"));
        Add(1, i => Lead(Id(1, i), LeadChannel.Phone, "training", LeadStatus.Assigned, Base, assignee: "k.weber"));
        // Before the period: not counted.
        Add(1, i => Lead(Id(1, i), LeadChannel.Phone, "training", LeadStatus.Converted, Base.AddDays(-40), 1, assignee: "k.weber"));
        foreach (var lead in leads)
        {
            // An older snapshot after the newer one, as a late duplicate: the seq guard keeps the newer.
            await projector.PublishLeadAsync(new LeadPublication(lead, []));
            await projector.PublishLeadAsync(new LeadPublication(lead with { Status = LeadStatus.New, ClosedAt = null, DisqualifyReason = null, Seq = 1 }, []));
        }

        var queries = new AnalyticsQueries(db);
        var now = Base.AddHours(24);
        var period = new AnalyticsFilter(From: Base.AddDays(-1), To: Base.AddDays(30));
        var fate = await queries.LeadFateAsync(period, now);
        Assert.Equal(
        [
            new LeadFateRow("Phone", "training", "Converted", "Converted", null, 3, 10, 10),
            new LeadFateRow("Phone", "training", "Open", "Assigned", null, 1, 24, 24),
            new LeadFateRow("WebForm", "industrial", "Converted", "Converted", null, 5, 10, 10),
            new LeadFateRow("WebForm", "industrial", "Disqualified", "Disqualified", "spam", 3, 2, 2),
            new LeadFateRow("WebForm", "industrial", "Disqualified", "Disqualified", "no budget", 2, 4, 4),
            new LeadFateRow("WebForm", "industrial", "Open", "New", null, 2, 23, 24),
            new LeadFateRow("WebForm", "industrial", "Open", "Qualifying", null, 2, 20, 20),
        ], fate);
        Assert.Equal(18, fate.Sum(r => r.Leads));
        Assert.Equal(19, (await queries.LeadFateAsync(new AnalyticsFilter(), now)).Sum(r => r.Leads));

        // Narrowed to a department and to an assignee.
        Assert.Equal(14, (await queries.LeadFateAsync(period with { Department = "industrial" }, now)).Sum(r => r.Leads));
        Assert.Equal(4, (await queries.LeadFateAsync(period with { Owner = "k.weber" }, now)).Sum(r => r.Leads));
    }

    [Fact]
    public async Task The_bcg_matrix_of_customers_and_products_comes_from_won_deals_of_both_periods()
    {
        await using var db = await Database();
        await using var projector = new DealProjector(db, NullLogger<DealProjector>.Instance);
        var previous = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var current = new DateTimeOffset(2026, 8, 3, 9, 0, 0, TimeSpan.Zero);
        var i = 0;
        SyntheticDeal Deal(string company, decimal amount, DateTimeOffset start, string outcome, params DealLineView[] lines) =>
            new(Id(2, i++), "training-sales", "training", "k.weber", amount, start, [("first-contact", 1)], outcome,
                outcome == "Lost" ? "no budget" : null, Company: company, Lines: lines);
        List<SyntheticDeal> deals =
        [
            Deal("Alpha", 1000, current, "Won", L("P1", "Pump", 2, 250), L("P2", "Valve", 1, 500)),
            Deal("Alpha", 1000, current.AddDays(10), "Won", L("P1", "Pump", 4, 250)),
            Deal("Alpha", 1000, previous, "Won", L("P1", "Pump", 2, 250), L("P2", "Valve", 1, 500)),
            Deal("Beta", 1200, current, "Won", L("P2", "Valve", 1, 1200)),
            Deal("Beta", 1200, previous, "Won", L("P2", "Valve", 1, 1200)),
            Deal("Gamma", 300, current, "Won", L("P3", "Oven", 3, 100)),
            Deal("Delta", 200, current, "Won", L("P1", "Pump", 1, 200)),
            Deal("Delta", 800, previous, "Won", L("P2", "Valve", 1, 800)),
            // Neither lost nor open deals nor deals won before both periods count.
            Deal("Alpha", 5000, current, "Lost", L("P1", "Pump", 20, 250)),
            Deal("Gamma", 5000, current, "Open", L("P3", "Oven", 50, 100)),
            Deal("Delta", 9000, previous.AddYears(-1), "Won", L("P2", "Valve", 9, 1000)),
        ];
        foreach (var publication in deals.SelectMany(SyntheticHistory.Publications))
        {
            await projector.PublishAsync(publication);
        }

        var queries = new AnalyticsQueries(db);
        DateTimeOffset previousFrom = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), from = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero), to = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var customers = BcgMatrix.Classify(await queries.BcgRevenueAsync(new AnalyticsFilter(), false, previousFrom, from, to)).ToDictionary(c => c.Key);
        Assert.Equal(["Alpha", "Beta", "Delta", "Gamma"], customers.Keys.Order());
        Assert.Equal(new BcgItem("Alpha", null, 2000, 1000, 1, 1, BcgQuadrant.Star), customers["Alpha"]);
        Assert.Equal(new BcgItem("Beta", null, 1200, 1200, 0, 0.6, BcgQuadrant.CashCow), customers["Beta"]);
        Assert.Equal(new BcgItem("Gamma", null, 300, 0, null, 0.15, BcgQuadrant.QuestionMark), customers["Gamma"]);
        Assert.Equal(new BcgItem("Delta", null, 200, 800, -0.75, 0.1, BcgQuadrant.Dog), customers["Delta"]);

        var products = BcgMatrix.Classify(await queries.BcgRevenueAsync(new AnalyticsFilter(), true, previousFrom, from, to)).ToDictionary(c => c.Key);
        Assert.Equal(new BcgItem("P1", "Pump", 1700, 500, 2.4, 1, BcgQuadrant.Star), products["P1"]);
        Assert.Equal(new BcgItem("P2", "Valve", 1700, 2500, -0.32, 1, BcgQuadrant.CashCow), products["P2"]);
        Assert.Equal(new BcgItem("P3", "Oven", 300, 0, null, Math.Round(300.0 / 1700, 6), BcgQuadrant.QuestionMark), products["P3"]);
        Assert.Equal(3, products.Count);

        // Another department has no won deals.
        Assert.Empty(await queries.BcgRevenueAsync(new AnalyticsFilter(Department: "industrial"), false, previousFrom, from, to));
    }

    [Fact]
    public async Task Segments_pick_exactly_their_contacts_and_stream_as_mailchimp_and_phone_lists()
    {
        await using var db = await Database();
        await using var leads = new LeadProjector(db, NullLogger<LeadProjector>.Instance);
        await using var deals = new DealProjector(db, NullLogger<DealProjector>.Instance);
        Guid won = Id(3, 1), open = Id(3, 2);
        foreach (var publication in new[]
        {
            new SyntheticDeal(won, "industrial-equipment", "industrial", "i.petrov", 5000, Base, [("qualification", 1)], "Won", Company: "Hansa Print"),
            new SyntheticDeal(open, "order-driven", "projects", "a.ivanova", 9000, Base, [("interest", 1)], "Open", Company: "Nordlicht GmbH",
                Parameters: new Dictionary<string, string> { ["equipmentType"] = "vibration" }),
        }.SelectMany(SyntheticHistory.Publications))
        {
            await deals.PublishAsync(publication);
        }

        async Task Person(int i, string name, string? email, string? phone, ContactKind kind, LeadView lead)
        {
            var contact = Id(4, i);
            await leads.PublishContactAsync(new ContactPublication(new ContactView(contact, name, kind, phone is null ? [] : [phone, "+74951234567"],
                email is null ? [] : [email], null, lead.Company, lead.Department, "i.petrov", null, null, 1, [], Base, 3), [], []));
            await leads.PublishLeadAsync(new LeadPublication(lead with { ContactId = contact, Name = name }, []));
        }

        await Person(1, "Petra Lang", "petra@hansa.de", "+4930123456", ContactKind.Customer,
            Lead(Id(5, 1), LeadChannel.WebForm, "industrial", LeadStatus.Converted, Base, 1, deal: won, region: "Bavaria", equipment: "climatic") with { Company = "Hansa Print" });
        await Person(2, "Ivan Petrov", "ivan@example.ru", null, ContactKind.Potential,
            Lead(Id(5, 2), LeadChannel.Phone, "training", LeadStatus.Disqualified, Base, 1, "spam", region: "Moscow"));
        await Person(3, "Otto", null, "+4989765432", ContactKind.Potential,
            Lead(Id(5, 3), LeadChannel.WebForm, "industrial", LeadStatus.New, Base, region: "bavaria", equipment: "press") with { Company = "Otto Press" });
        await Person(4, "Anna Maria von Berg", "anna@nordlicht.de", null, ContactKind.Customer,
            Lead(Id(5, 4), LeadChannel.Email, "projects", LeadStatus.Converted, Base, 2, deal: open));

        var queries = new AnalyticsQueries(db);
        async Task<List<string?>> Names(Segment s, string? with = null) =>
            [.. (await queries.SegmentContactsAsync(s, with).ToListAsync()).Select(c => c.Name).Order()];

        Assert.Equal(["Anna Maria von Berg", "Ivan Petrov", "Otto", "Petra Lang"], await Names(new Segment()));
        Assert.Equal(["Petra Lang"], await Names(new Segment(Region: "BAVARIA"), "email"));
        Assert.Equal(["Otto", "Petra Lang"], await Names(new Segment(Region: "Bavaria"), "phone"));
        Assert.Equal(["Anna Maria von Berg"], await Names(new Segment(EquipmentType: "vibration")));
        Assert.Equal(["Petra Lang"], await Names(new Segment(EquipmentType: "climatic")));
        Assert.Equal(["Otto", "Petra Lang"], await Names(new Segment(Department: "industrial", Source: "WebForm")));
        Assert.Equal(["Anna Maria von Berg"], await Names(new Segment(Department: "projects", Status: "Open")));
        Assert.Equal(["Petra Lang"], await Names(new Segment(Status: "Won")));
        Assert.Equal(["Ivan Petrov"], await Names(new Segment(Status: "Disqualified", Source: "Phone")));
        Assert.Empty(await Names(new Segment(Department: "training", Status: "Won")));

        using var csv = new MemoryStream();
        await ReportExport.WriteCsvAsync(csv, SegmentExport.Mailchimp(queries.SegmentContactsAsync(new Segment(Department: "industrial"), "email")), default);
        var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(["Email Address,First Name,Last Name,Company,Phone Number,Tags",
            "petra@hansa.de,Petra,Lang,Hansa Print,+4930123456,\"industrial,climatic,WebForm,Bavaria,Converted,Won,Customer\""], lines);

        using var xlsx = new MemoryStream();
        await ReportExport.WriteXlsxAsync(xlsx, SegmentExport.PhoneList(queries.SegmentContactsAsync(new Segment(Region: "bavaria"), "phone")), default);
        xlsx.Position = 0;
        var rows = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true).Cast<IDictionary<string, object>>().OrderBy(r => (string)r["Contact"]).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("+4989765432, +74951234567", rows[0]["Phones"]);
        Assert.Equal("Otto Press", rows[0]["Company"]);
        Assert.Equal("press", rows[0]["Equipment Type"]);
        Assert.Equal("New", rows[0]["Status"]);
        Assert.Equal("Won", rows[1]["Status"]);
    }
}
