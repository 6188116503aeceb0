using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Leads;

/// <summary>Everything a contact grain persists, with its outbox.</summary>
public sealed class ContactState
{
    public Guid Id { get; set; }

    public string? Name { get; set; }

    public ContactKind Kind { get; set; }

    /// <summary>Identity keys ("phone:+7…", "email:…") bound to this contact.</summary>
    public List<string> Identities { get; set; } = [];

    public Guid? CompanyId { get; set; }

    public string? Company { get; set; }

    /// <summary>The person's position at the company (from the customer base import).</summary>
    public string? Position { get; set; }

    /// <summary>The contact's id in the system it was imported from.</summary>
    public string? ExternalId { get; set; }

    public string? Department { get; set; }

    public string? Responsible { get; set; }

    public Guid? OpenLeadId { get; set; }

    public Guid? OpenDealId { get; set; }

    public int Inquiries { get; set; }

    /// <summary>Keys of the latest inquiries, so a replayed one is not counted twice.</summary>
    public List<string> RecentInquiryKeys { get; set; } = [];

    /// <summary>Keys of the latest system journal lines (a call's), so a retried one is not written twice (<see cref="JournalKeys"/>).</summary>
    public List<string> RecentLogKeys { get; set; } = [];

    public List<ContactTask> Tasks { get; set; } = [];

    public int NextTaskNumber { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; set; }

    public long Seq { get; set; }

    public List<ContactActivity> Outbox { get; set; } = [];

    public bool Exists => Id != Guid.Empty;
}

public sealed class ContactTask
{
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    public string Executor { get; set; } = "";

    /// <summary>"call-back" (missed call), "call-client" (a marketer's request), …</summary>
    public string Kind { get; set; } = "";

    public bool Done { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? CompletedAt { get; set; }

    public string? Result { get; set; }

    /// <summary>When the executor was told the task is overdue.</summary>
    public DateTimeOffset? OverdueAt { get; set; }

    /// <summary>When the supervisor is told if the task is still open.</summary>
    public DateTimeOffset? EscalationDueAt { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public string? EscalatedTo { get; set; }

    public long UpdatedSeq { get; set; }
}

/// <summary>One entry of the contact's history; kind "Notified" is an in-app notification for <see cref="Subject"/>.</summary>
public sealed record ContactActivity(long Seq, DateTimeOffset At, string Actor, string Kind, string Text, string? Subject = null);

/// <summary>The contact aggregate: history, responsibility, tasks. Checks first, then mutates and records.</summary>
public sealed class Contact(ContactState state, ILeadDirectory directory, string? headOfSales)
{
    public const int MaxRecentKeys = 100;

    private readonly List<ContactActivity> _recorded = [];

    public ContactState State => state;

    public IReadOnlyList<ContactActivity> Recorded => _recorded;

    /// <summary>Who hears about this contact: the responsible manager, else the department's supervisor, else the head of sales.</summary>
    public string? Owner => state.Responsible ?? (state.Department is { } d ? directory.SupervisorOf(d) : null) ?? headOfSales;

    public void Register(Guid id, InquiryInfo inquiry, Guid leadId, string? department, string? responsible, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return;
        }

        state.Id = id;
        state.Name = Clean(inquiry.Name);
        state.Kind = ContactKind.Potential;
        state.Company = Clean(inquiry.Company);
        state.Department = department == Lead.Triage ? null : department ?? inquiry.Department;
        state.Responsible = responsible;
        state.OpenLeadId = leadId;
        state.Inquiries = 1;
        state.RecentInquiryKeys.Add(inquiry.Key);
        state.CreatedAt = now;
        if (inquiry.Phone is not null)
        {
            state.Identities.Add(ContactNormalizer.PhoneIdentity(inquiry.Phone));
        }

        if (inquiry.Email is not null)
        {
            state.Identities.Add(ContactNormalizer.EmailIdentity(inquiry.Email));
        }

        Record("Created", inquiry.SubmittedBy ?? Roles.System, now, $"Potential customer registered from inquiry {inquiry.Key} (lead {leadId})", leadId.ToString());
    }

    /// <summary>
    /// Registers a contact from the customer base import as a customer, or brings a known one up to the imported
    /// details: filled cells overwrite, empty cells leave what is there, phones and addresses are only added.
    /// Returns whether anything changed, so importing the same file again records nothing.
    /// </summary>
    public bool Import(Guid id, ImportedContact c, string actor, DateTimeOffset now)
    {
        var identities = c.Phones.Select(ContactNormalizer.PhoneIdentity).Concat(c.Emails.Select(ContactNormalizer.EmailIdentity)).ToList();
        if (!state.Exists)
        {
            state.Id = id;
            state.Name = c.Name;
            state.Kind = ContactKind.Customer;
            state.CompanyId = c.CompanyId;
            state.Company = c.Company;
            state.Position = c.Position;
            state.ExternalId = c.ExternalId;
            state.Department = c.Department;
            state.Responsible = c.Responsible;
            state.CreatedAt = now;
            state.Identities.AddRange(identities.Distinct());
            Record("Imported", actor, now, $"Customer contact imported from {c.Source}");
            return true;
        }

        var changes = new List<string>();
        Update(state.Name, c.Name, v => state.Name = v, "name", changes);
        Update(state.Company, c.Company, v => state.Company = v, "company", changes);
        Update(state.Position, c.Position, v => state.Position = v, "position", changes);
        Update(state.ExternalId, c.ExternalId, v => state.ExternalId = v, "external id", changes);
        Update(state.Department, c.Department, v => state.Department = v, "department", changes);
        Update(state.Responsible, c.Responsible, v => state.Responsible = v, "responsible", changes);
        if (c.CompanyId is { } companyId && state.CompanyId != companyId)
        {
            state.CompanyId = companyId;
        }

        foreach (var identity in identities.Where(i => !state.Identities.Contains(i)).Distinct())
        {
            state.Identities.Add(identity);
            changes.Add($"reachable at {identity}");
        }

        if (state.Kind != ContactKind.Customer)
        {
            // The customer base says so: no longer a potential customer.
            state.Kind = ContactKind.Customer;
            changes.Add("now a customer");
        }

        if (changes.Count == 0)
        {
            return false;
        }

        Record("Imported", actor, now, $"Updated from {c.Source}: {string.Join(", ", changes)}");
        return true;
    }

    private static void Update(string? current, string? imported, Action<string> set, string what, List<string> changes)
    {
        if (imported is not null && imported != current)
        {
            set(imported);
            changes.Add($"{what} {imported}");
        }
    }

    /// <summary>A further inquiry: counted once per key; the owner is told unless an open lead will tell its assignee.</summary>
    public bool RecordInquiry(InquiryInfo inquiry, DateTimeOffset now)
    {
        if (state.RecentInquiryKeys.Contains(inquiry.Key))
        {
            return false;
        }

        state.RecentInquiryKeys.Add(inquiry.Key);
        if (state.RecentInquiryKeys.Count > MaxRecentKeys)
        {
            state.RecentInquiryKeys.RemoveAt(0);
        }

        state.Inquiries++;
        // A contact first known only by number gets the name a later inquiry brings (as its lead does).
        state.Name ??= Clean(inquiry.Name);
        Record("Inquiry", Roles.System, now, $"Inquiry {inquiry.Key}{(string.IsNullOrWhiteSpace(inquiry.Need) ? "" : $": {inquiry.Need.Trim()}")}", inquiry.Key);
        if (state.OpenLeadId is null && Owner is { } owner)
        {
            Record("Notified", Roles.System, now,
                $"{state.Name ?? inquiry.Phone ?? inquiry.Email} (a known {(state.Kind == ContactKind.Customer ? "customer" : "contact")}) got in touch again"
                + $"{(state.OpenDealId is { } deal ? $" about deal {deal}" : "")}{NotificationTemplates.Wrote(inquiry.Need)}", owner);
        }

        return true;
    }

    public void AddIdentity(string identity, DateTimeOffset now)
    {
        if (state.Identities.Contains(identity))
        {
            return;
        }

        state.Identities.Add(identity);
        Record("IdentityAdded", Roles.System, now, $"Also reachable at {identity}", identity);
    }

    public void SetResponsible(string user, string? department, DateTimeOffset now)
    {
        if (state.Responsible == user && state.Department == (department ?? state.Department))
        {
            return;
        }

        Record("ResponsibleChanged", Roles.System, now, $"Responsible: {user}", user);
        state.Responsible = user;
        state.Department = department ?? state.Department;
    }

    public void LeadClosed(Guid leadId, Guid? dealId, string? dealOwner, DateTimeOffset now)
    {
        if (state.OpenLeadId != leadId && (dealId is null || state.OpenDealId == dealId))
        {
            return;
        }

        if (state.OpenLeadId == leadId)
        {
            state.OpenLeadId = null;
        }

        if (dealId is not null)
        {
            state.OpenDealId = dealId;
            state.Kind = ContactKind.Customer;
            state.Responsible = dealOwner ?? state.Responsible;
            Record("DealOpened", Roles.System, now, $"Lead {leadId} became deal {dealId}", dealId.ToString());
        }
        else
        {
            Record("LeadClosed", Roles.System, now, $"Lead {leadId} disqualified", leadId.ToString());
        }
    }

    public void Log(string kind, string text, string actor, DateTimeOffset now, string? key = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Rejection.Invalid("text", "'text' is required.");
        }

        if (!JournalKeys.Remember(state.RecentLogKeys, key))
        {
            return;
        }

        Record(string.IsNullOrWhiteSpace(kind) ? "Note" : kind.Trim(), actor, now, text.Trim());
    }

    /// <summary>
    /// A task about the contact; without an executor it goes to the contact's owner. A task given with an id (the system's
    /// own, derived from what caused it) is made once: asked again, the task with that id is answered as it is.
    /// </summary>
    public ContactTask AddTask(NewContactTask task, Actor actor, DateTimeOffset now)
    {
        if (!state.Exists)
        {
            throw new Rejection(RejectionCode.NotFound, "The contact does not exist.");
        }

        if (task.Id is { } id && state.Tasks.FirstOrDefault(t => t.Id == id) is { } existing)
        {
            return existing;
        }

        if (string.IsNullOrWhiteSpace(task.Title) || task.Title.Length > 300)
        {
            throw Rejection.Invalid("title", "'title' is required (at most 300 characters).");
        }

        var executor = string.IsNullOrWhiteSpace(task.Executor) ? Owner : task.Executor.Trim();
        if (executor is null || !directory.UserExists(executor))
        {
            throw Rejection.Invalid("executor", executor is null ? "Nobody is responsible for the contact: name an executor." : $"Unknown user '{executor}'.");
        }

        if (!double.IsFinite(task.DeadlineHours) || task.DeadlineHours <= 0 || task.DeadlineHours > 24 * 90)
        {
            throw Rejection.Invalid("deadlineHours", "'deadlineHours' must be between 0 and 2160 working hours.");
        }

        var created = new ContactTask
        {
            Id = task.Id ?? $"C{state.NextTaskNumber++}",
            Title = task.Title.Trim(),
            Executor = executor,
            Kind = string.IsNullOrWhiteSpace(task.Kind) ? "task" : task.Kind.Trim(),
            CreatedAt = now,
            Deadline = directory.CalendarOf(executor).AddWorkingHours(now, task.DeadlineHours),
            CreatedBy = actor.User,
        };
        var activity = Record("TaskCreated", actor.User, now, $"Task for {executor}: {created.Title} (due {created.Deadline:u})", executor);
        created.UpdatedSeq = activity.Seq;
        state.Tasks.Add(created);
        Record("Notified", Roles.System, now, $"New task from {actor.User}: {created.Title} (due {created.Deadline:u})", executor);
        return created;
    }

    public void CompleteTask(string taskId, string? result, Actor actor, DateTimeOffset now)
    {
        var task = state.Tasks.FirstOrDefault(t => t.Id == taskId)
            ?? throw new Rejection(RejectionCode.NotFound, $"The contact has no task '{taskId}'.", "taskId");
        if (task.Done)
        {
            throw new Rejection(RejectionCode.Conflict, $"Task {taskId} is already done.");
        }

        if (actor.User != task.Executor && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, $"Task {taskId} is {task.Executor}'s.");
        }

        if (result is { Length: > 4000 })
        {
            throw Rejection.Invalid("result", "'result' is longer than 4000 characters.");
        }

        var activity = Record("TaskCompleted", actor.User, now, $"Task done: {task.Title}{(string.IsNullOrWhiteSpace(result) ? "" : $" — {result.Trim()}")}", task.Id);
        task.Done = true;
        task.CompletedAt = now;
        task.Result = string.IsNullOrWhiteSpace(result) ? null : result.Trim();
        task.UpdatedSeq = activity.Seq;
    }

    /// <summary>
    /// Flags open tasks past their deadline (the executor is told) and escalates those still open
    /// <paramref name="graceHours"/> working hours later (the supervisor is told). Idempotent.
    /// </summary>
    public void CheckDeadlines(DateTimeOffset now, double graceHours)
    {
        foreach (var task in state.Tasks.Where(t => !t.Done).OrderBy(t => t.Deadline).ToList())
        {
            if (task.OverdueAt is null && task.Deadline <= now)
            {
                var overdue = Record("TaskOverdue", Roles.System, now, $"Task overdue: {task.Title} ({task.Executor}, due {task.Deadline:u})", task.Executor);
                Record("Notified", Roles.System, now, $"Overdue: {task.Title} about {state.Name ?? "a contact"} (due {task.Deadline:u})", task.Executor);
                task.OverdueAt = now;
                task.EscalationDueAt = directory.CalendarOf(task.Executor).AddWorkingHours(task.Deadline, graceHours);
                task.UpdatedSeq = overdue.Seq;
            }

            if (task.OverdueAt is not null && task.EscalatedAt is null && task.EscalationDueAt <= now)
            {
                var to = (state.Department is { } d ? directory.SupervisorOf(d) : null) ?? headOfSales ?? task.Executor;
                var escalated = Record("TaskEscalated", Roles.System, now, $"Overdue task escalated to {to}: {task.Title} ({task.Executor})", to);
                Record("Notified", Roles.System, now, $"Escalated: {task.Executor} has not done '{task.Title}' about {state.Name ?? "a contact"} (due {task.Deadline:u})", to);
                task.EscalatedAt = now;
                task.EscalatedTo = to;
                task.UpdatedSeq = escalated.Seq;
            }
        }
    }

    /// <summary>When an open task next needs flagging or escalating, if ever.</summary>
    public DateTimeOffset? NextWakeAt =>
        state.Tasks.Where(t => !t.Done)
            .Select(t => t.OverdueAt is null ? t.Deadline : t.EscalatedAt is null ? t.EscalationDueAt : null)
            .Where(t => t is not null)
            .Min();

    /// <summary>Gives an open task to someone else (an absent executor's call-back); the new executor is told.</summary>
    public void ReassignTask(string taskId, string executor, string? reason, Actor actor, DateTimeOffset now)
    {
        var task = state.Tasks.FirstOrDefault(t => t.Id == taskId)
            ?? throw new Rejection(RejectionCode.NotFound, $"The contact has no task '{taskId}'.", "taskId");
        if (task.Done)
        {
            throw new Rejection(RejectionCode.Conflict, $"Task {taskId} is already done.");
        }

        if (string.IsNullOrWhiteSpace(executor) || !directory.UserExists(executor.Trim()))
        {
            throw Rejection.Invalid("executor", $"Unknown user '{executor}'.");
        }

        executor = executor.Trim();
        if (executor == task.Executor)
        {
            return;
        }

        if (actor.User != task.Executor && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, "Only the executor or a supervisor may reassign a task.");
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "" : $": {reason.Trim()}";
        var activity = Record("TaskReassigned", actor.User, now, $"Task {task.Title} reassigned from {task.Executor} to {executor}{why}", executor);
        task.Executor = executor;
        task.UpdatedSeq = activity.Seq;
        Record("Notified", Roles.System, now, $"New task from {actor.User}: {task.Title} (due {task.Deadline:u}){why}", executor);
    }

    private ContactActivity Record(string kind, string actor, DateTimeOffset now, string text, string? subject = null)
    {
        var activity = new ContactActivity(++state.Seq, now, actor, kind, text, subject);
        state.Outbox.Add(activity);
        _recorded.Add(activity);
        return activity;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
