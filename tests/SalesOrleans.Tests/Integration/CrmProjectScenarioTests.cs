using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Orders;
using SalesOrleans.Tests.Support;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>A lead node (shifts ignored, test PBX key) that also reads the sales mailbox of a real Dovecot.</summary>
public sealed class CrmProjectNodeFixture : IAsyncLifetime
{
    public DovecotServer Dovecot { get; private set; } = null!;

    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dovecot = await DovecotServer.StartAsync("sales");
        Node = await MailNode.StartAsync(await TestDatabase.CreateAsync(), Dovecot, new Dictionary<string, string?> { ["Mail:PollInterval"] = "00:00:01" });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Dovecot.DisposeAsync();
    }
}

/// <summary>
/// The 1C:CRM project (issue 11) end to end through the HTTP API, no SQL: leads of the projects department come in
/// from the IP telephony, the web site's form and the sales mailbox ("Заявки"), are handed out in turn to the department's managers
/// with a cap on open leads per person (one waits while everybody is full and goes to whoever frees a place); one
/// is converted into an order-driven deal with its lines, and the deal is followed through its order — approval by
/// the head of sales and the commercial director, the contract, execution, shipment, payment — to a completed order
/// and a won deal at the order's total.
/// </summary>
[Trait("Category", "Integration")]
public class CrmProjectScenarioTests(CrmProjectNodeFixture fixture) : IClassFixture<CrmProjectNodeFixture>
{
    // The projects department's line ("8 (495) 223-32-12") in the PBX configuration.
    private const string ProjectsDid = "+74952233212";

    private TestNode Node => fixture.Node;

    /// <summary>A call from the PBX to the projects line (incoming, answered, hung up); returns the caller's number.</summary>
    private async Task<string> Call(HttpClient pbx)
    {
        var number = $"+7916{Random.Shared.Next(1_000_000, 9_999_999)}";
        var callId = $"call-{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (name, offset) in new[] { ("incoming", 0), ("answered", 4), ("hangup", 180) })
        {
            var response = await pbx.PostAsJsonAsync("/api/telephony/calls", new Dictionary<string, object?>
            {
                ["event"] = name, ["call_id"] = callId, ["caller"] = number, ["called"] = ProjectsDid, ["ts"] = ts + offset,
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        return number[2..];
    }

    /// <summary>The site's "ERP / CRM project" form; returns the visitor's name (unique, to find the lead by).</summary>
    private async Task<string> Form(HttpClient anonymous, string name, string company, string message)
    {
        var unique = $"{name} {Guid.NewGuid():N}"[..(name.Length + 7)];
        var response = await anonymous.PostAsJsonAsync("/api/leads/webform", new
        {
            submissionId = $"site-{Guid.NewGuid():N}",
            name = unique,
            phone = $"8 (8482) {Random.Shared.Next(10, 100)}-{Random.Shared.Next(10, 100)}-{Random.Shared.Next(10, 100)}",
            email = $"{Guid.NewGuid():N}"[..10] + "@infotech.example",
            company,
            message,
            topic = "erp",
        });
        await Expect(response, HttpStatusCode.Accepted);
        return unique;
    }

    /// <summary>A letter to the sales mailbox (read over IMAP); returns the sender's address to find the lead by.</summary>
    private async Task<string> Letter(string name, string subject, string text)
    {
        var address = $"a.sokolov.{Guid.NewGuid():N}"[..20] + "@infotech.example";
        await MailNode.AppendAsync(fixture.Dovecot, MailNode.Mail(name, address, subject, text));
        return address;
    }

    /// <summary>Waits until the one lead found by <paramref name="search"/> is decided by the queue (assigned, or waiting).</summary>
    private static async Task<JsonElement> Lead(HttpClient head, string search, bool assigned = true) =>
        (await WaitFor(head, $"/api/leads?status=all&search={Uri.EscapeDataString(search)}", l => l.GetArrayLength() == 1
            && (assigned ? l[0].GetProperty("assignee").ValueKind == JsonValueKind.String : true)))[0];

    [Fact]
    public async Task Leads_from_calls_and_the_site_are_assigned_in_turn_within_capacity_and_one_becomes_a_completed_order_and_a_won_deal()
    {
        var head = await Node.ClientAsync("o.smirnova");
        var ivanova = await Node.ClientAsync("a.ivanova");
        var orlov = await Node.ClientAsync("d.orlov");
        var director = await Node.ClientAsync("admin");
        var keeper = await Node.ClientAsync("w.lager");
        var anonymous = await Node.ClientAsync();
        var pbx = await Node.ClientAsync();
        pbx.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);

        // The head of sales sets the department's rule: by turn, at most two open leads per manager.
        var settings = await Expect(await head.PostAsJsonAsync("/api/queues/projects/settings", new { policy = "RoundRobin", capacity = 2 }), HttpStatusCode.OK);
        Assert.Equal(("RoundRobin", 2), (settings.GetProperty("policy").GetString(), settings.GetProperty("capacity").GetInt32()));

        // Four inquiries (call, form, letter, form): each goes to the next manager in turn (by user name, a.ivanova first).
        var firstCaller = await Call(pbx);
        var l1 = await Lead(head, firstCaller);
        var siteVisitor = await Form(anonymous, "Сергей Павлов", "АО «Информтехника и связь»", "Нужна 1С:CRM для 30 пользователей, интеграция с IP-телефонией и почтой");
        var l2 = await Lead(head, siteVisitor);
        var sender = await Letter("Андрей Соколов", "ERP и CRM: обмен с 1С:ERP",
            "Здравствуйте!\nЛиды с сайта попадают в ERP, но их судьба неизвестна. Нужна CRM с обменом с ERP.\n--\nАндрей Соколов\nАО «Информтехника и связь»");
        var l3 = await Lead(head, sender);
        var duplicate = await Form(anonymous, "Сергей Павлов", "АО «Информтехника и связь»", "Повторная заявка: CRM для отдела продаж");
        var l4 = await Lead(head, duplicate);
        Assert.Equal(
            [
                ("Phone", "projects", "a.ivanova", "round robin: first in turn"),
                ("WebForm", "projects", "d.orlov", "round robin: next in turn after a.ivanova"),
                ("Email", "projects", "a.ivanova", "round robin: next in turn after d.orlov"),
                // Her turn is over, and she is full now: the reason says both.
                ("WebForm", "projects", "d.orlov", "round robin: next in turn after a.ivanova; skipped a.ivanova at capacity (2/2)"),
            ],
            new[] { l1, l2, l3, l4 }.Select(l => (Str(l, "channel"), Str(l, "department"), Str(l, "assignee"), Str(l, "assignmentReason"))));

        // Both are at their cap: the fifth inquiry waits in the queue, nobody's, and says why.
        var thirdCaller = await Call(pbx);
        var waiting = await WaitFor(head, "/api/queues/projects", q => q.GetProperty("waiting").GetArrayLength() == 1);
        Assert.Equal([("a.ivanova", 2), ("d.orlov", 2)], waiting.GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("user").GetString(), m.GetProperty("openLeads").GetInt32())).OrderBy(m => m.Item1));
        var l5 = await Lead(head, thirdCaller, assigned: false);
        Assert.Equal((JsonValueKind.Null, "New"), (l5.GetProperty("assignee").ValueKind, Str(l5, "status")));
        Assert.Equal(waiting.GetProperty("waiting")[0].GetGuid(), l5.GetProperty("id").GetGuid());

        // D. Orlov closes the repeated form as a duplicate: his place frees, and the waiting call is his — a.ivanova,
        // next in turn, is skipped as full.
        await Expect(await orlov.PostAsJsonAsync($"/api/leads/{l4.GetProperty("id").GetGuid()}/disqualify", new { reason = $"дубль заявки {siteVisitor}" }), HttpStatusCode.OK);
        l5 = await Lead(head, thirdCaller);
        Assert.Equal(("d.orlov", "round robin: next in turn after d.orlov; skipped a.ivanova at capacity (2/2) (waited in the queue)"),
            (Str(l5, "assignee"), Str(l5, "assignmentReason")));
        await WaitFor(head, "/api/queues/projects", q => q.GetProperty("waiting").GetArrayLength() == 0);

        // The catalog of the project: CRM licences in stock and the modelling work.
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var licence = $"CRM-PROF-{tag}";
        var modelling = $"BPM-{tag}";
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = licence, name = "Лицензия 1С:CRM ПРОФ на рабочее место", unit = "шт", price = 180, kind = "Stocked" }),
            HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = modelling, name = "Моделирование бизнес-процессов «Продажи» и «Техподдержка»", unit = "проект", price = 7_500, kind = "Service" }),
            HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{licence}/receipts", new { warehouse = "main", quantity = 40, batch = $"LIC-{tag}" }), HttpStatusCode.Created);

        // A. Ivanova qualifies the first call and converts it into an order-driven deal with the agreed lines.
        var leadId = l1.GetProperty("id").GetGuid();
        await Expect(await ivanova.PostAsJsonAsync($"/api/leads/{leadId}/qualify", new { note = "Звонок: CRM для продаж и техподдержки, 30 пользователей" }), HttpStatusCode.OK);
        var converted = await Expect(await ivanova.PostAsJsonAsync($"/api/leads/{leadId}/convert", new
        {
            processKind = "order-driven",
            title = "1С:CRM для АО «Информтехника и связь»",
            company = "АО «Информтехника и связь»",
            contact = "Андрей Соколов",
            needs = "Воронка продаж, назначение заявок по очереди, интеграция с почтой и IP-телефонией",
            legalDetails = "АО «Информтехника и связь», ИНН 7701000000, Москва",
            contacts = $"Андрей Соколов, +7{firstCaller}",
            lines = new object[]
            {
                new { sku = licence, quantity = 30, price = 180, discount = 5 },
                new { sku = modelling, quantity = 1 },
            },
        }), HttpStatusCode.OK);
        var dealId = converted.GetProperty("dealId").GetGuid();
        var expected = 30 * 171m + 7_500m;
        var deal = await Expect(await ivanova.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK);
        Assert.Equal(("order-driven", "interest", "a.ivanova", expected), (Str(deal, "processKind"), Str(deal, "stage"), Str(deal, "owner"), Dec(deal, "amount")));
        Assert.Equal([licence, modelling], deal.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("sku").GetString()));
        Assert.Equal("Converted", Str(await Expect(await head.GetAsync($"/api/leads/{leadId}"), HttpStatusCode.OK), "status"));

        // The manager moves the deal up to the contract; the head of sales approves the contract.
        await Set(ivanova, dealId, new() { ["need"] = "CRM для 30 пользователей" });
        await Move(ivanova, dealId, "client-card");
        await Set(ivanova, dealId, new() { ["erpClientCode"] = $"ИТС-{tag}" });
        await Move(ivanova, dealId, "proposal");
        await Attach(ivanova, dealId, "proposal");
        await Move(ivanova, dealId, "negotiation");
        await Set(ivanova, dealId, new() { ["paymentTerms"] = "partial-prepayment" });
        var approval = await Move(ivanova, dealId, "contract-approval");
        foreach (var task in approval.GetProperty("tasks").EnumerateArray().Where(t => Str(t, "status") == "Open" && Str(t, "stage") == "contract-approval"))
        {
            await Expect(await head.PostAsJsonAsync($"/api/deals/{dealId}/tasks/{Str(task, "id")}/complete", new { result = "договор согласован" }), HttpStatusCode.OK);
        }

        // At "contract approved" the order is made from the deal's lines and put on its route: over 10,000 → two steps.
        deal = await Move(ivanova, dealId, "contract-approved");
        var orderId = DealOrderBridge.OrderIdFor(dealId);
        var url = $"/api/orders/{orderId}";
        var order = await WaitFor(head, url, o => Str(o, "status") == "OnApproval");
        Assert.Equal((expected, "partial-prepayment"), (Dec(order, "total"), Str(order, "paymentTerms")));
        Assert.Equal([(licence, 30m, 171m), (modelling, 1m, 7_500m)], order.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("sku").GetString(), Dec(l, "quantity"), Dec(l, "price"))));
        Assert.Equal(["sales-head", "commercial-director"], order.GetProperty("approval")[0].GetProperty("steps").EnumerateArray().Select(s => Str(s, "id")));
        await Expect(await ivanova.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.Forbidden);
        await Expect(await head.PostAsJsonAsync($"{url}/approve", new { comment = "Скидка 5 % в норме" }), HttpStatusCode.OK);
        var approved = await Expect(await director.PostAsJsonAsync($"{url}/approve", new { comment = "Согласовано" }), HttpStatusCode.OK);
        Assert.Equal(("Approved", "Approved"), (Str(approved, "status"), Str(approved.GetProperty("approval")[0], "outcome")));
        Assert.Equal([(30m, 0m, 0m), (0m, 0m, 0m)], approved.GetProperty("lines").EnumerateArray().Select(l => (Dec(l, "fromStock"), Dec(l, "toProduce"), Dec(l, "toPurchase"))));

        // The contract comes back signed; half is invoiced and paid in advance; execution starts and moves the deal.
        var gate = await Expect(await ivanova.PostAsync($"{url}/execution", null), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("contract number", gate.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        var contract = $"ИТС-2026/{tag}";
        await Attach(ivanova, dealId, "contract");
        await Set(ivanova, dealId, new() { ["contractNumber"] = contract });
        await Expect(await ivanova.PostAsJsonAsync($"{url}/contract", new { contractNumber = contract }), HttpStatusCode.OK);
        var advance = expected / 2;
        var invoiced = await Expect(await ivanova.PostAsJsonAsync($"{url}/invoices", new { amount = advance }), HttpStatusCode.OK);
        await Expect(await ivanova.PostAsJsonAsync($"{url}/payments", new { paymentId = $"its-adv-{tag}", amount = advance, invoice = Str(invoiced.GetProperty("invoices")[0], "number") }),
            HttpStatusCode.OK);
        await Expect(await ivanova.PostAsync($"{url}/execution", null), HttpStatusCode.OK);
        deal = await WaitFor(ivanova, $"/api/deals/{dealId}", d => Str(d, "stage") == "in-execution");

        // The warehouse ships; the deal follows the order.
        var shipped = await Expect(await keeper.PostAsync($"{url}/shipments", null), HttpStatusCode.OK);
        Assert.Equal(("Shipped", expected - advance), (Str(shipped, "status"), Dec(shipped, "balanceDue")));
        await WaitFor(ivanova, $"/api/deals/{dealId}", d => Str(d, "stage") == "shipped");

        // The balance is paid: the order completes and wins the deal at the order's total.
        var completed = await Expect(await ivanova.PostAsJsonAsync($"{url}/payments", new { paymentId = $"its-rest-{tag}", amount = expected - advance }), HttpStatusCode.OK);
        Assert.Equal(("Completed", 0m), (Str(completed, "status"), Dec(completed, "balanceDue")));
        var won = await WaitFor(ivanova, $"/api/deals/{dealId}", d => Str(d, "status") == "Won");
        Assert.Equal(("completed", expected), (Str(won, "stage"), Dec(won, "amount")));
        Assert.Equal((expected, 0m), (Dec(won.GetProperty("order"), "orderTotal"), Dec(won.GetProperty("order"), "difference")));
    }
}
