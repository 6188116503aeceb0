using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Leads;

/// <summary>What leads need to know about people beyond the deal's directory: departments and their managers.</summary>
public interface ILeadDirectory : IDealDirectory
{
    // DepartmentOf(user) comes from IDealDirectory; every lead directory implements it.

    bool DepartmentExists(string department);

    /// <summary>Active managers of the department, sorted by user name (the round-robin order).</summary>
    IReadOnlyList<string> ManagersOf(string department);

    /// <summary>The active user whose telephone extension this is (the incoming-call pop-up goes to them).</summary>
    string? UserAtExtension(string extension);
}

/// <summary>
/// The lead aggregate (Заявка): New → Assigned → Qualifying → Converted | Disqualified. Every command checks
/// everything first and only then mutates, recording activities with consecutive sequence numbers (journal,
/// events and in-app notifications). SLA breaches escalate to the department's supervisor.
/// </summary>
public sealed class Lead(LeadState state, ILeadDirectory directory, Func<string, LeadSla> slaOf, string? headOfSales)
{
    /// <summary>The department of leads no rule routed: the head of sales assigns them by hand.</summary>
    public const string Triage = "triage";

    public const int MaxTextLength = 4000;
    public const int MaxReasonLength = 500;
    public const int MaxInquiries = 200;

    private readonly List<LeadActivity> _recorded = [];

    public LeadState State => state;

    public IReadOnlyList<LeadActivity> Recorded => _recorded;

    /// <summary>Whom the lead's escalations and unassigned news go to.</summary>
    public string? Supervisor => state.Department == Triage ? headOfSales : directory.SupervisorOf(state.Department) ?? headOfSales;

    public void Open(Guid id, OpenLeadCommand command, DateTimeOffset now)
    {
        if (state.Exists)
        {
            throw new Rejection(RejectionCode.Conflict, $"Lead {state.Id} already exists.");
        }

        if (id == Guid.Empty)
        {
            throw Rejection.Invalid("id", "The lead id must not be empty.");
        }

        if (command.ContactId == Guid.Empty)
        {
            throw Rejection.Invalid("contactId", "A lead needs its contact.");
        }

        var inquiry = command.Inquiry;
        if (string.IsNullOrWhiteSpace(inquiry.Key))
        {
            throw Rejection.Invalid("key", "The inquiry key is required.");
        }

        if (inquiry.Phone is null && inquiry.Email is null && string.IsNullOrWhiteSpace(inquiry.Name))
        {
            throw Rejection.Invalid("phone", "A lead needs a phone, an e-mail address or at least a name.");
        }

        OptionalText("need", inquiry.Need, MaxTextLength);
        var department = string.IsNullOrWhiteSpace(inquiry.Department) || !directory.DepartmentExists(inquiry.Department) ? Triage : inquiry.Department;

        state.Id = id;
        state.Channel = inquiry.Channel;
        state.Status = LeadStatus.New;
        state.ContactId = command.ContactId;
        state.CompanyId = command.CompanyId;
        state.Name = Clean(inquiry.Name);
        state.Phone = inquiry.Phone;
        state.Email = inquiry.Email;
        state.Company = Clean(inquiry.Company);
        state.Need = Clean(inquiry.Need);
        state.Region = Clean(inquiry.Region);
        state.EquipmentType = Clean(inquiry.EquipmentType);
        state.InquiryKey = inquiry.Key;
        state.Department = department;
        state.CreatedAt = now;
        state.Inquiries.Add(new LeadInquiry(inquiry.Key, inquiry.Channel, inquiry.ReceivedAt, state.Need));
        var calendar = Supervisor is { } sup ? directory.CalendarOf(sup) : Calendar.WorkingCalendar.AlwaysOpen;
        state.AssignDueAt = calendar.AddWorkingHours(now, slaOf(department).AssignHours);

        var who = state.Name ?? state.Phone ?? state.Email;
        Record(LeadActivityKind.Created, inquiry.SubmittedBy ?? Roles.System, now,
            $"Lead from {Describe(inquiry.Channel)}: {who}{(state.Need is null ? "" : $" — {Shorten(state.Need)}")} → {department} ({inquiry.RoutingReason})", department);
        if (Supervisor is { } supervisor)
        {
            Notify(supervisor, now, department == Triage
                ? $"New unrouted lead from {who}: choose a department and a manager."
                : $"New lead in {department} from {who}.");
        }
    }

    /// <summary>
    /// Gives the lead to <paramref name="assignee"/>. Supervisors (and the queue, acting as the system) may assign any
    /// open lead; the same assignee again changes nothing. From triage the lead moves to the assignee's department.
    /// </summary>
    public void Assign(string assignee, string? reason, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (!actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, "Only a supervisor assigns leads by hand; managers take them from their queue.");
        }

        RequireText("assignee", assignee, 100);
        assignee = assignee.Trim();
        if (!directory.UserExists(assignee))
        {
            throw Rejection.Invalid("assignee", $"Unknown user '{assignee}'.");
        }

        OptionalText("reason", reason, MaxReasonLength);
        if (assignee == state.Assignee)
        {
            return;
        }

        var why = string.IsNullOrWhiteSpace(reason) ? $"assigned by {actor.User}" : reason.Trim();
        if (actor.User != Roles.System && !string.IsNullOrWhiteSpace(reason))
        {
            why = $"assigned by {actor.User}: {reason.Trim()}";
        }

        ApplyAssignment(assignee, why, actor, now);
    }

    /// <summary>A manager of the lead's department takes it while nobody has it.</summary>
    public void Take(Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (state.Assignee is not null)
        {
            throw new Rejection(RejectionCode.Conflict, $"The lead is already {state.Assignee}'s.");
        }

        if (state.Department == Triage)
        {
            throw new Rejection(RejectionCode.Forbidden, "An unrouted lead is assigned by the head of sales.");
        }

        if (directory.DepartmentOf(actor.User) != state.Department && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, $"The lead waits in the {state.Department} queue; only its managers take it.");
        }

        ApplyAssignment(actor.User, $"taken by {actor.User} from the {state.Department} queue", actor, now);
    }

    /// <summary>
    /// Someone answered a call of this lead's customer: the one who has the customer on the line keeps them. An open lead
    /// nobody has yet becomes theirs (from triage it follows them into their department); a lead someone already has,
    /// or an answer by a user unknown here (a PBX extension of nobody), changes nothing. False when nothing changed.
    /// </summary>
    public bool AssignToAnswerer(string user, string callId, DateTimeOffset now)
    {
        if (!state.IsOpen || state.Assignee is not null || string.IsNullOrWhiteSpace(user) || !directory.UserExists(user))
        {
            return false;
        }

        ApplyAssignment(user, $"answered the call {callId}", new Actor(user, []), now);
        return true;
    }

    /// <summary>
    /// Moves a lead not yet contacted from an absent manager to a colleague the queue picked. False (nothing
    /// changes) when the lead is no longer <paramref name="from"/>'s or the first contact was already made.
    /// </summary>
    public bool HandOver(string from, string to, string reason, DateTimeOffset now)
    {
        if (!state.IsOpen || state.Assignee != from || state.Status != LeadStatus.Assigned || !directory.UserExists(to) || to == from)
        {
            return false;
        }

        ApplyAssignment(to, reason, Actor.System, now);
        return true;
    }

    public void StartQualifying(string? note, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        RequireAssigneeOrSupervisor(actor);
        OptionalText("note", note, MaxTextLength);
        if (state.Status != LeadStatus.Assigned)
        {
            throw new Rejection(RejectionCode.Conflict, $"The lead is {state.Status.ToString().ToLowerInvariant()}, not assigned.");
        }

        Record(LeadActivityKind.QualifyingStarted, actor.User, now, $"First contact by {actor.User}{(string.IsNullOrWhiteSpace(note) ? "" : $": {note.Trim()}")}");
        state.Status = LeadStatus.Qualifying;
        state.FirstContactAt = now;
    }

    /// <summary>Checks a conversion before the grain makes the deal; nothing changes.</summary>
    public void CheckConversion(ConvertLeadCommand command, Actor actor)
    {
        RequireOpen();
        RequireAssigneeOrSupervisor(actor);
        if (state.Assignee is null)
        {
            throw new Rejection(RejectionCode.Conflict, "Assign the lead before converting it: the assignee becomes the deal's owner.");
        }

        RequireText("processKind", command.ProcessKind, 100);
        // The industrial survey: a deal is opened with needs, legal details and contacts known.
        RequireText("needs", command.Needs, MaxTextLength);
        RequireText("legalDetails", command.LegalDetails, MaxTextLength);
        RequireText("contacts", command.Contacts, MaxTextLength);
        if ((Clean(command.Company) ?? state.Company) is null)
        {
            throw Rejection.Invalid("company", "'company' is required: the lead has none.");
        }

        OptionalText("title", command.Title, 200);
    }

    /// <summary>The deal was made: the lead is converted (first contact counts as made if it was not recorded).</summary>
    public void MarkConverted(Guid dealId, string processKind, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        Record(LeadActivityKind.Converted, actor.User, now, $"Converted into deal {dealId} ({processKind}) by {actor.User}", dealId.ToString());
        state.Status = LeadStatus.Converted;
        state.DealId = dealId;
        state.ProcessKind = processKind;
        state.FirstContactAt ??= now;
        state.ClosedAt = now;
    }

    public void Disqualify(string reason, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        RequireAssigneeOrSupervisor(actor);
        RequireText("reason", reason, MaxReasonLength);
        Record(LeadActivityKind.Disqualified, actor.User, now, $"Disqualified by {actor.User}: {reason.Trim()}", reason.Trim());
        state.Status = LeadStatus.Disqualified;
        state.DisqualifyReason = reason.Trim();
        state.ClosedAt = now;
    }

    /// <summary>A further inquiry of the lead's contact: joins the history; the assignee (or the supervisor) is told. Replays change nothing.</summary>
    public void AddInquiry(InquiryInfo inquiry, DateTimeOffset now)
    {
        if (state.Inquiries.Any(i => i.Key == inquiry.Key))
        {
            return;
        }

        OptionalText("need", inquiry.Need, MaxTextLength);
        Record(LeadActivityKind.InquiryJoined, Roles.System, now,
            $"Further inquiry by {Describe(inquiry.Channel)}{(string.IsNullOrWhiteSpace(inquiry.Need) ? "" : $": {Shorten(inquiry.Need)}")}", inquiry.Key);
        if (state.Inquiries.Count >= MaxInquiries)
        {
            state.Inquiries.RemoveAt(1);
        }

        state.Inquiries.Add(new LeadInquiry(inquiry.Key, inquiry.Channel, inquiry.ReceivedAt, Clean(inquiry.Need)));
        // A PBX may post a call's end before (or without) the event that names the caller: a later inquiry fills in
        // what the lead still lacks, never what someone has written.
        state.Name ??= Clean(inquiry.Name);
        state.Company ??= Clean(inquiry.Company);
        if (state.IsOpen && (state.Assignee ?? Supervisor) is { } who)
        {
            Notify(who, now, $"{state.Name ?? state.Phone ?? state.Email} got in touch again by {Describe(inquiry.Channel)}{NotificationTemplates.Wrote(inquiry.Need)}");
        }
    }

    /// <summary>A journal note; one given a key (the system's, derived from its cause) is written once however often it is asked.</summary>
    /// <summary>
    /// Where a keyed note for a converted lead goes: its deal, unless the lead noted that key before it was converted
    /// (then the note is already in the customer's history once, and the deal gets none). Null for a lead not converted.
    /// </summary>
    public Guid? ForwardedNoteTarget(string key) =>
        state.Status == LeadStatus.Converted && state.DealId is { } dealId && !state.RecentLogKeys.Contains(key, StringComparer.Ordinal) ? dealId : null;

    public void Note(string text, string actor, DateTimeOffset now, string? key = null)
    {
        RequireText("text", text, MaxTextLength);
        if (!JournalKeys.Remember(state.RecentLogKeys, key))
        {
            return;
        }

        Record(LeadActivityKind.Note, actor, now, text.Trim());
    }

    /// <summary>Flags the SLA breaches due by <paramref name="now"/> and escalates them to the supervisor. Idempotent.</summary>
    public void CheckSla(DateTimeOffset now)
    {
        if (state.Status == LeadStatus.New && state.AssignBreachedAt is null && state.AssignDueAt <= now)
        {
            state.AssignBreachedAt = now;
            var to = Supervisor;
            Record(LeadActivityKind.SlaBreached, Roles.System, now, $"Not assigned within the SLA (due {state.AssignDueAt:u}); escalated to {to ?? "nobody"}", "assign");
            if (to is not null)
            {
                Notify(to, now, $"Lead from {state.Name ?? state.Phone ?? state.Email} is still unassigned (due {state.AssignDueAt:u}).");
            }
        }

        if (state.Status == LeadStatus.Assigned && state.FirstContactBreachedAt is null && state.FirstContactDueAt <= now)
        {
            state.FirstContactBreachedAt = now;
            var to = Supervisor;
            Record(LeadActivityKind.SlaBreached, Roles.System, now, $"No first contact by {state.Assignee} within the SLA (due {state.FirstContactDueAt:u}); escalated to {to ?? "nobody"}", "first-contact");
            if (to is not null)
            {
                Notify(to, now, $"{state.Assignee} has not contacted {state.Name ?? state.Phone ?? state.Email} yet (due {state.FirstContactDueAt:u}).");
            }
        }
    }

    /// <summary>When the lead next has an SLA to check, if ever.</summary>
    public DateTimeOffset? NextWakeAt => state.Status switch
    {
        LeadStatus.New when state.AssignBreachedAt is null => state.AssignDueAt,
        LeadStatus.Assigned when state.FirstContactBreachedAt is null => state.FirstContactDueAt,
        _ => null,
    };

    public IReadOnlyList<string> SlaBreaches =>
        new[] { state.AssignBreachedAt is null ? null : "assign", state.FirstContactBreachedAt is null ? null : "first-contact" }
            .OfType<string>().ToList();

    private void ApplyAssignment(string assignee, string reason, Actor actor, DateTimeOffset now)
    {
        var previous = state.Assignee;
        // The lead follows its assignee into their department (from triage, or a hand assignment across departments).
        var department = directory.DepartmentOf(assignee) is { } own && directory.DepartmentExists(own) ? own : state.Department;
        Record(LeadActivityKind.Assigned, actor.User, now,
            previous is null ? $"Assigned to {assignee}: {reason}" : $"Reassigned from {previous} to {assignee}: {reason}", assignee);
        state.Assignee = assignee;
        state.AssignmentReason = reason;
        state.Department = department;
        state.AssignedAt = now;
        if (state.Status == LeadStatus.New)
        {
            state.Status = LeadStatus.Assigned;
        }

        if (state.Status == LeadStatus.Assigned)
        {
            state.FirstContactDueAt = directory.CalendarOf(assignee).AddWorkingHours(now, slaOf(department).FirstContactHours);
            state.FirstContactBreachedAt = null;
        }

        Notify(assignee, now, $"Lead assigned to you: {state.Name ?? state.Phone ?? state.Email}{(state.Need is null ? "" : $" — {Shorten(state.Need)}")}");
    }

    private void Notify(string recipient, DateTimeOffset now, string text) =>
        Record(LeadActivityKind.Notified, Roles.System, now, text, recipient);

    private LeadActivity Record(LeadActivityKind kind, string actor, DateTimeOffset now, string text, string? subject = null)
    {
        var activity = new LeadActivity(++state.Seq, now, actor, kind, text, subject);
        state.Outbox.Add(activity);
        _recorded.Add(activity);
        return activity;
    }

    private void RequireOpen()
    {
        if (!state.Exists)
        {
            throw new Rejection(RejectionCode.NotFound, "The lead does not exist.");
        }

        if (!state.IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"The lead is {state.Status.ToString().ToLowerInvariant()} and can no longer change.");
        }
    }

    private void RequireAssigneeOrSupervisor(Actor actor)
    {
        if (actor.User != state.Assignee && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, state.Assignee is null
                ? "Take the lead first."
                : $"The lead is {state.Assignee}'s; only they or a supervisor may do this.");
        }
    }

    private static string Describe(LeadChannel channel) => channel switch
    {
        LeadChannel.Phone => "phone",
        LeadChannel.Email => "e-mail",
        LeadChannel.Chat => "chat",
        LeadChannel.WebForm => "web form",
        LeadChannel.Manual => "manual entry",
        LeadChannel.Marketing => "marketing",
        _ => channel.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        OptionalText(field, value, maxLength);
    }

    private static void OptionalText(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
        }
    }
}
