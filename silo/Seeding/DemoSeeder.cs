using System.Security.Cryptography;
using System.Text;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Leads;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Seeding;

/// <summary>
/// Demo departments, people and deals in every stage of every shipped process. Deals are driven through the
/// real grains (tasks done, documents attached, fields filled, moves made), so the demo shows real journals.
/// </summary>
public sealed class DemoSeeder(
    UserStore users,
    DealDocuments documents,
    IProcessCatalog catalog,
    IGrainFactory grains,
    ILogger<DemoSeeder> logger,
    UserAdminStore owners)
{
    /// <summary>Printed by deploy/run.sh; change it in any real installation.</summary>
    public const string DemoPassword = "demo";

    /// <summary>An API token for integrations (telephony, scripts), printed by deploy/run.sh.</summary>
    public const string DemoApiToken = "so_demo_integration_token";

    private static readonly DepartmentRecord[] DemoDepartments =
    [
        new("industrial", "Industrial equipment", "s.volkov", "RU"),
        new("training", "Training and consulting", "e.keller", "DE"),
        new("projects", "Projects and ERP", "o.smirnova", "RU"),
    ];

    private static readonly (string User, string Name, string[] Roles, string? Department, string? Extension)[] DemoPeople =
    [
        ("admin", "Anna Admin", [Roles.Admin], null, null),
        ("s.volkov", "Sergei Volkov", [Roles.Supervisor], "industrial", "200"),
        ("e.keller", "Eva Keller", [Roles.Supervisor], "training", "300"),
        ("o.smirnova", "Olga Smirnova", [Roles.Supervisor], "projects", "400"),
        ("i.petrov", "Ivan Petrov", [Roles.Manager], "industrial", "201"),
        ("m.sokolova", "Maria Sokolova", [Roles.Manager], "industrial", "202"),
        ("k.weber", "Klaus Weber", [Roles.Manager], "training", "301"),
        ("l.braun", "Lena Braun", [Roles.Manager], "training", "302"),
        ("a.ivanova", "Alina Ivanova", [Roles.Manager], "projects", "401"),
        ("d.orlov", "Dmitri Orlov", [Roles.Manager], "projects", "402"),
        ("t.engineer", "Timur Engineer", [Roles.Engineer], "industrial", "210"),
        ("w.lager", "Werner Lager", [Roles.Warehouse], "industrial", "220"),
        ("n.marketing", "Nina Marketing", [Roles.Marketer], null, null),
        ("integration", "Integrations", [Roles.Integration], null, null),
    ];

    /// <summary>The demo people's user names (the production start refuses any of them still on the demo password).</summary>
    public static IEnumerable<string> DemoUserNames => DemoPeople.Select(p => p.User);

    private static readonly string[] Companies =
    [
        "Uralmash Service", "Nordwerk GmbH", "Volga Polymer", "Baltic Foods", "Siberian Timber", "Rhein Logistik",
        "Kama Plastics", "Alpen Maschinenbau", "Don Agro", "Tula Metals", "Hansa Print", "Samara Glass",
    ];

    // Each demo company's contact person: the company records the demo deals (and so their orders) point at, so the
    // company pages (client dossier) show deals, orders, payments and the contact's mail address to write to.
    private static readonly Dictionary<string, (string Name, string Position, string Email, string Phone)> CompanyContacts = new()
    {
        ["Uralmash Service"] = ("Сергей Иванов", "Главный инженер", "s.ivanov@uralmash-service.example", "+73432100101"),
        ["Nordwerk GmbH"] = ("Jürgen Müller", "Einkaufsleiter", "j.mueller@nordwerk.example", "+4940300101"),
        ["Volga Polymer"] = ("Ольга Смирнова", "Директор по закупкам", "o.smirnova@volga-polymer.example", "+78312100102"),
        ["Baltic Foods"] = ("Андрей Кузнецов", "Технический директор", "a.kuznetsov@baltic-foods.example", "+78122100103"),
        ["Siberian Timber"] = ("Наталья Попова", "Руководитель отдела снабжения", "n.popova@siberian-timber.example", "+73832100104"),
        ["Rhein Logistik"] = ("Katrin Schäfer", "Leiterin Fuhrpark", "k.schaefer@rhein-logistik.example", "+49221300105"),
        ["Kama Plastics"] = ("Рустам Галиев", "Главный механик", "r.galiev@kama-plastics.example", "+78552100106"),
        ["Alpen Maschinenbau"] = ("Florian Huber", "Technischer Leiter", "f.huber@alpen-maschinenbau.example", "+4989300107"),
        ["Don Agro"] = ("Игорь Волков", "Заместитель директора", "i.volkov@don-agro.example", "+78632100108"),
        ["Tula Metals"] = ("Елена Морозова", "Начальник отдела закупок", "e.morozova@tula-metals.example", "+74872100109"),
        ["Hansa Print"] = ("Petra Lange", "Geschäftsführerin", "p.lange@hansa-print.example", "+4940300110"),
        ["Samara Glass"] = ("Дмитрий Соколов", "Главный технолог", "d.sokolov@samara-glass.example", "+78462100111"),
    };

    private static readonly Dictionary<string, (string Department, string[] Managers)> Teams = new()
    {
        ["industrial-equipment"] = ("industrial", ["i.petrov", "m.sokolova"]),
        ["training-sales"] = ("training", ["k.weber", "l.braun"]),
        ["order-driven"] = ("projects", ["a.ivanova", "d.orlov"]),
    };

    public async Task SeedPeopleAsync(CancellationToken ct)
    {
        foreach (var d in DemoDepartments)
        {
            await users.UpsertDepartmentAsync(d, ct);
        }

        foreach (var p in DemoPeople)
        {
            var record = new UserRecord(p.User, p.Name, $"{p.User}@salesorleans.test", p.Roles, p.Department, p.Extension,
                "Europe/Berlin", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true);
            await users.CreateUserIfMissingAsync(record, Credentials.HashPassword(p.User, DemoPassword), ct);
        }

        await users.CreateTokenAsync(Credentials.HashToken(DemoApiToken), "demo integration", "integration", ct);

        // Each demo process belongs to the department that runs it: only its head (or an admin) publishes new versions.
        foreach (var (kind, team) in Teams)
        {
            await owners.ClaimProcessAsync(kind, team.Department, ct);
        }
    }

    public async Task<int> SeedDealsAsync(CancellationToken ct)
    {
        var count = 0;
        foreach (var summary in await catalog.ListAsync(ct))
        {
            if (!Teams.TryGetValue(summary.Kind, out var team))
            {
                continue;
            }

            var process = (await catalog.GetLatestAsync(summary.Kind, ct))!;
            var depth = process.Stages.Count(s => !s.IsTerminal);
            // One deal standing in each step of the main path, two won, two lost.
            var plans = Enumerable.Range(0, depth).Select(steps => (Steps: steps, Outcome: (StageOutcome?)null))
                .Concat([(100, StageOutcome.Won), (100, StageOutcome.Won), (1, StageOutcome.Lost), (3, StageOutcome.Lost)]);
            foreach (var (steps, outcome) in plans)
            {
                var n = count++;
                var owner = team.Managers[n % team.Managers.Length];
                await SeedDealAsync(process, team.Department, owner, n, steps, outcome, ct);
            }
        }

        return count;
    }

    private async Task SeedDealAsync(ProcessDefinition process, string department, string owner, int n, int steps, StageOutcome? outcome, CancellationToken ct)
    {
        var id = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"demo-deal-{process.Kind}-{n}")));
        var deal = grains.GetGrain<IDealGrain>(id);
        var actor = new ActorInfo(owner, [Roles.Manager]);
        var company = Companies[n % Companies.Length];
        var amount = 5_000m + (n * 7_919 % 90) * 1_000m;
        // The amount follows the line (a price to the cent, as an order takes it).
        var (companyId, contactId, contactName) = await DemoCustomerAsync(company, department, owner, actor);
        var created = await deal.Create(new CreateDealCommand(process.Kind, $"{company}: {process.Name}", company, contactName, owner, department,
            null, "EUR", [new DealLineView(DemoSku(process, n), "Demo item", 1 + n % 3, decimal.Round(amount / (1 + n % 3), 2))], null)
        { CompanyId = companyId, ContactId = contactId }, actor);
        if (!created.Ok)
        {
            logger.LogWarning("Demo deal {N} not created: {Error}", n, created.Error!.Message);
            return;
        }

        var view = created.Deal!;
        for (var step = 0; step < steps && view.Status == "Open"; step++)
        {
            view = await AdvanceOneStageAsync(process, deal, view, actor, n, ct) ?? view;
        }

        if (outcome == StageOutcome.Lost && view.Status == "Open")
        {
            var lost = process.Stages.First(s => s.Outcome == StageOutcome.Lost && view.AllowedMoves.Contains(s.Id));
            // The owner gives up: the stage's open tasks go with the deal, said explicitly as any person must.
            await deal.Move(new MoveDealCommand(lost.Id, process.LostReasons[n % process.LostReasons.Count], "Customer decided against us.", CancelOpenTasks: true), actor);
        }

        // A deal is never further than its order (issue 11): the order follows to where the deal stands.
        await DemoOrders.SettleAsync(grains, process, (await deal.Get())!, n, logger);
    }

    /// <summary>The demo company's record and its contact (ids derived from the name: a second seeding finds them).</summary>
    private async Task<(Guid CompanyId, Guid ContactId, string ContactName)> DemoCustomerAsync(string company, string department, string owner, ActorInfo actor)
    {
        var companyId = DemoCompanyId(company);
        await grains.GetGrain<ICompanyGrain>(companyId).Create(company, null, null);
        var person = CompanyContacts[company];
        var contactId = DemoContactId(company);
        var contact = grains.GetGrain<IContactGrain>(contactId);
        if (await contact.Get() is not { } existing || existing.CompanyId != companyId)
        {
            await contact.Import(new ImportedContact(person.Name, [person.Phone], [person.Email], companyId, company, person.Position, department, owner,
                $"demo-contact-{company}", "demo"), actor);
            foreach (var identity in new[] { ContactNormalizer.PhoneIdentity(person.Phone), ContactNormalizer.EmailIdentity(person.Email) })
            {
                await grains.GetGrain<IContactIdentityGrain>(identity).Bind(contactId);
            }
        }

        return (companyId, contactId, person.Name);
    }

    /// <summary>The record id of a demo company (tests find the demo's company pages by it).</summary>
    public static Guid DemoCompanyId(string company) => new(MD5.HashData(Encoding.UTF8.GetBytes($"demo-company-{company}")));

    private static Guid DemoContactId(string company) => new(MD5.HashData(Encoding.UTF8.GetBytes($"demo-contact-{company}")));

    /// <summary>Training deals sell training seats (a service: never reserved, produced or purchased); the others the demo goods.</summary>
    private static string DemoSku(ProcessDefinition process, int n) => process.Kind == "training-sales" ? "SKU-108" : $"SKU-{100 + n % 7}";

    /// <summary>Meets the current stage's gates, completes its tasks and moves on along the main path (not loops or losses).</summary>
    private async Task<DealView?> AdvanceOneStageAsync(ProcessDefinition process, IDealGrain deal, DealView view, ActorInfo actor, int n, CancellationToken ct)
    {
        var stage = process.Stage(view.Stage);
        var system = new ActorInfo("system", [Roles.System]);
        foreach (var gate in stage.Gates)
        {
            if (gate.Kind == GateKind.Document)
            {
                var content = Encoding.UTF8.GetBytes($"Demo {gate.DocumentKind} for {view.Title}");
                var doc = new StoredDocument(Guid.NewGuid(), view.Id, gate.DocumentKind!, $"{gate.DocumentKind}-{n}.txt", "text/plain", content.Length, content);
                await documents.AttachAsync(doc, actor, ct: ct);
            }
            else if (gate.Kind == GateKind.Field && !view.Parameters.ContainsKey(gate.Field!))
            {
                // A field only the system writes (the amount paid on the deal's order) is filled as the order's payment
                // would fill it: by the system, standing in for the ERP side the demo has no orders from.
                var writer = process.IsSystemField(gate.Field!) ? system : actor;
                await deal.SetParameters(new SetParametersCommand(new Dictionary<string, string?> { [gate.Field!] = DemoValue(process, gate.Field!, n) }), writer);
            }
        }

        view = (await deal.Get())!;
        foreach (var task in view.Tasks.Where(t => t.Status == "Open" && t.Stage == stage.Id).ToList())
        {
            var done = await deal.CompleteTask(new CompleteTaskCommand(task.Id, "Done (demo)"), system);
            view = done.Deal ?? view;
        }

        // A stage waiting for a sub-process: the child deal is walked to won as well, and the parent hears of it.
        if (stage.SubProcess is not null && view.SubProcesses?.FirstOrDefault(c => c.Stage == stage.Id && c.Status == "Running") is { } running)
        {
            var child = grains.GetGrain<IDealGrain>(running.DealId);
            if (await child.Get() is { } childView && await catalog.GetAsync(childView.ProcessKind, childView.ProcessVersion, ct) is { } childProcess)
            {
                for (var step = 0; step < childProcess.Stages.Count && childView.Status == "Open"; step++)
                {
                    childView = await AdvanceOneStageAsync(childProcess, child, childView, actor, n, ct) ?? childView;
                }
            }

            for (var i = 0; i < 50 && (await deal.Get())!.SubProcesses!.Any(c => c.DealId == running.DealId && c.Status == "Running"); i++)
            {
                await Task.Delay(20, ct);
            }

            view = (await deal.Get())!;
        }

        if (view.Stage != stage.Id || view.Status != "Open")
        {
            return view;
        }

        var next = stage.Transitions.FirstOrDefault(t => !t.SkipGates && view.AllowedMoves.Contains(t.To) && process.Stage(t.To).Outcome != StageOutcome.Lost);
        if (next is null)
        {
            return view;
        }

        var moved = await deal.Move(new MoveDealCommand(next.To), system);
        if (!moved.Ok)
        {
            logger.LogWarning("Demo deal {Id} stays in {Stage}: {Error}", view.Id, view.Stage, moved.Error!.Message);
        }

        return moved.Deal;
    }

    /// <summary>
    /// A handful of demo inquiries through the real intake (form, call, mail, chat, an unrouted one, a repeat of a
    /// known number). Keyed "demo:…", so running it again at every start changes nothing.
    /// </summary>
    public async Task<int> SeedLeadsAsync(InquiryIntake intake)
    {
        (string Key, LeadChannel Channel, string Name, string? Phone, string? Email, string Company, string Need, RoutingInput Routing)[] inquiries =
        [
            ("demo:lead-1", LeadChannel.WebForm, "Pavel Orlov", "8 (912) 345-67-01", "p.orlov@kamaplast.example", "Kama Plastics", "Two screw compressors for the extrusion line",
                new RoutingInput(LeadChannel.WebForm, Fields: new Dictionary<string, string> { ["topic"] = "equipment" })),
            ("demo:lead-2", LeadChannel.Phone, "Irina Belova", "+7 495 555-01-02", null, "Volga Polymer", "Called about a climatic test chamber",
                new RoutingInput(LeadChannel.Phone, CalledNumber: "+74952233211")),
            ("demo:lead-3", LeadChannel.Email, "Jonas Richter", null, "j.richter@hansaprint.example", "Hansa Print", "Excel course for 12 accountants",
                new RoutingInput(LeadChannel.Email, Mailbox: "training@salesorleans.test")),
            ("demo:lead-4", LeadChannel.Chat, "Marta Kühn", null, "m.kuehn@rhein-logistik.example", "Rhein Logistik", "ERP rollout for three warehouses",
                new RoutingInput(LeadChannel.Chat)),
            ("demo:lead-5", LeadChannel.WebForm, "Unknown visitor", "+7 916 000-11-22", null, "", "Please call me back",
                new RoutingInput(LeadChannel.WebForm)),
            ("demo:lead-6", LeadChannel.Phone, "Pavel Orlov", "+79123456701", null, "Kama Plastics", "Calls again about the compressors",
                new RoutingInput(LeadChannel.Phone, CalledNumber: "+74952233211")),
        ];
        var count = 0;
        foreach (var i in inquiries)
        {
            var inquiry = intake.Prepare(new RawInquiry(i.Key, i.Channel, i.Name, i.Phone, i.Email, i.Company, i.Need, i.Routing));
            var outcome = await intake.SubmitAsync(inquiry);
            count += outcome.Kind == InquiryOutcomeKind.NewLead ? 1 : 0;
        }

        return count;
    }

    private static string DemoValue(ProcessDefinition process, string field, int n)
    {
        var definition = process.Fields.First(f => f.Name == field);
        return definition.Type switch
        {
            FieldType.Choice => definition.Choices[n % definition.Choices.Count],
            FieldType.Number => (10 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => $"{definition.Label ?? field} (demo {n + 1})",
        };
    }
}
