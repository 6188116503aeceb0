namespace SalesOrleans.Web.Auth;

/// <summary>
/// One thing a caller may do through the API, named as in the glossary ("deal.move"). Every endpoint requires exactly
/// one (see <see cref="AccessEndpoints.Requires{TBuilder}"/>); the <see cref="AccessMatrix"/> says per role how far it reaches.
/// </summary>
public sealed record Capability(string Name, string Description)
{
    public static readonly Capability DealRead = new("deal.read", "See deals, their journal and documents");
    public static readonly Capability DealCreate = new("deal.create", "Open a deal");
    public static readonly Capability DealChange = new("deal.change", "Notes, environment, task reassignment on a deal");
    public static readonly Capability DealMove = new("deal.move", "Move a deal to another stage");
    public static readonly Capability DealReopen = new("deal.reopen", "Reopen a lost deal (the head of its department)");
    public static readonly Capability DealTaskComplete = new("deal.task.complete", "Complete a task of a deal");
    public static readonly Capability DealDocumentAttach = new("deal.document.attach", "Upload documents and generate proposals (they open document gates)");
    public static readonly Capability DealParameters = new("deal.parameters", "Set a deal's parameters (amounts, terms)");
    public static readonly Capability DealMail = new("deal.mail", "Write e-mail to the deal's customer from the deal (templates, the proposal attached)");
    public static readonly Capability MailTemplate = new("mail.template", "Edit the e-mail templates managers write to customers with");
    public static readonly Capability TaskRead = new("task.read", "List tasks");
    public static readonly Capability LeadRead = new("lead.read", "See leads, their journal and documents");
    public static readonly Capability LeadCreate = new("lead.create", "Enter a lead");
    public static readonly Capability LeadWork = new("lead.work", "Take, qualify, disqualify, convert leads and write notes on them");
    public static readonly Capability LeadAssign = new("lead.assign", "Assign a lead to someone");
    public static readonly Capability ContactRead = new("contact.read", "See contacts, their calls, journal, documents and tasks");
    public static readonly Capability ContactTask = new("contact.task", "Give and complete tasks about a contact");
    public static readonly Capability CompanyRead = new("company.read", "See companies");
    public static readonly Capability CompanyCreate = new("company.create", "Create companies");
    public static readonly Capability OrderRead = new("order.read", "See orders, their papers and journal");
    public static readonly Capability OrderCreate = new("order.create", "Create an order (linking a deal needs deal.change on it)");
    public static readonly Capability OrderChange = new("order.change", "Submit, set the contract, issue invoices, archive orders");
    public static readonly Capability OrderApprove = new("order.approve", "Approve or reject orders");
    public static readonly Capability OrderFulfil = new("order.fulfil", "Start execution, production and receipts, ship orders");
    public static readonly Capability OrderPayment = new("order.payment", "Record payments");
    public static readonly Capability OrderCancel = new("order.cancel", "Cancel orders");
    public static readonly Capability ReservationRead = new("reservation.read", "See stock reservations");
    public static readonly Capability ReservationCreate = new("reservation.create", "Reserve stock");
    public static readonly Capability ReservationRelease = new("reservation.release", "Release stock reservations");
    public static readonly Capability StockRead = new("stock.read", "See the catalog, stock and its movements");
    public static readonly Capability StockReceive = new("stock.receive", "Receive goods");
    public static readonly Capability StockAdjust = new("stock.adjust", "Adjust stock after a count");
    public static readonly Capability StockShip = new("stock.ship", "Ship reserved goods");
    public static readonly Capability CatalogChange = new("catalog.change", "Create SKUs and warehouses");
    public static readonly Capability ProcessRead = new("process.read", "See process definitions");
    public static readonly Capability ProcessPublish = new("process.publish", "Publish a new process version");
    public static readonly Capability QueueRead = new("queue.read", "See a department's lead queue");
    public static readonly Capability QueueManage = new("queue.manage", "Change a queue's assignment policy and capacity");
    public static readonly Capability PresenceManage = new("presence.manage", "Mark someone present or absent (hands their leads over)");
    public static readonly Capability WorkloadRead = new("workload.read", "See managers' workload");
    public static readonly Capability PeopleRead = new("people.read", "See colleagues' names, roles and departments (pickers; names instead of logins)");
    public static readonly Capability TelephonyRead = new("telephony.read", "See calls");
    public static readonly Capability AnalyticsRead = new("analytics.read", "Run reports");
    public static readonly Capability AnalyticsRefresh = new("analytics.refresh", "Refresh the win-probability model");
    public static readonly Capability ExportPersonalData = new("export.personal-data", "Export contact lists (personal data)");
    public static readonly Capability ImportCatalog = new("import.catalog", "Import SKUs and stock");
    public static readonly Capability ImportOrders = new("import.orders", "Import open orders from the old system");
    public static readonly Capability ImportCustomers = new("import.customers", "Import companies and contacts");
    public static readonly Capability MailQuarantine = new("mail.quarantine", "See quarantined and filed mail; make a lead of it, attach it to a customer or discard it");
    public static readonly Capability NotificationRead = new("notification.read", "Read one's own notifications");
    public static readonly Capability TokenAdmin = new("token.admin", "Issue API tokens");
    public static readonly Capability AccessAdmin = new("access.admin", "View and change this access matrix");
    public static readonly Capability UserAdmin = new("user.admin", "List users, reset passwords, switch users on and off");
    public static readonly Capability OpsDashboard = new("ops.dashboard", "Operations: the Orleans dashboard, the cluster page, dead letters");
    public static readonly Capability UserManage = new("user.manage", "Create people and change their roles, department, extension, e-mail, language, calendar, shift and absence");
    public static readonly Capability DepartmentAdmin = new("department.admin", "Create and rename departments, name their heads and calendars, give a process kind to a department");
    public static readonly Capability CalendarAdmin = new("calendar.admin", "Create working calendars and import their holidays");
    public static readonly Capability RoutingKeywords = new("routing.keywords", "Edit a department's routing keywords (per language) that send mail and web-form leads to it");
    public static readonly Capability ClaimRead = new("claim.read", "See customer claims, their journal and claims analytics");
    public static readonly Capability ClaimWork = new("claim.work", "Open, hand on, escalate and resolve customer claims; record satisfaction surveys");

    public static readonly IReadOnlyList<Capability> All =
    [
        DealRead, DealCreate, DealChange, DealMove, DealReopen, DealTaskComplete, DealDocumentAttach, DealParameters, TaskRead,
        LeadRead, LeadCreate, LeadWork, LeadAssign, ContactRead, ContactTask, CompanyRead, CompanyCreate,
        OrderRead, OrderCreate, OrderChange, OrderApprove, OrderFulfil, OrderPayment, OrderCancel,
        ReservationRead, ReservationCreate, ReservationRelease, StockRead, StockReceive, StockAdjust, StockShip, CatalogChange,
        ProcessRead, ProcessPublish, QueueRead, QueueManage, PresenceManage, WorkloadRead, PeopleRead, TelephonyRead,
        AnalyticsRead, AnalyticsRefresh, ExportPersonalData, ImportCatalog, ImportOrders, ImportCustomers, MailQuarantine,
        NotificationRead, TokenAdmin, UserAdmin, AccessAdmin, OpsDashboard,
        UserManage, DepartmentAdmin, CalendarAdmin, RoutingKeywords,
        ClaimRead, ClaimWork,
        DealMail, MailTemplate,
    ];

    private static readonly Dictionary<string, Capability> ByName = All.ToDictionary(c => c.Name);

    public static Capability? Find(string name) => ByName.GetValueOrDefault(name);

    public override string ToString() => Name;
}

/// <summary>How far a role's capability reaches: nothing, what the user owns or executes, their department, everything.</summary>
public enum AccessScope
{
    None = 0,
    Own = 1,
    Department = 2,
    All = 3,
}
