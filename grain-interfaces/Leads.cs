namespace SalesOrleans;

/// <summary>Where an inquiry came from (the lead's source channel).</summary>
public enum LeadChannel
{
    Phone,
    Email,
    Chat,
    WebForm,
    Manual,
    Marketing,
}

/// <summary>
/// One inbound touch (call, mail, form, manual entry) after normalisation and routing. <see cref="Key"/> is the
/// external idempotency key ("webform:…", "call:…", "mail:…"); <see cref="Phone"/> is E.164, <see cref="Email"/> lower case.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.InquiryInfo")]
public sealed record InquiryInfo(
    [property: Id(0)] string Key,
    [property: Id(1)] LeadChannel Channel,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] string? Name,
    [property: Id(4)] string? Phone,
    [property: Id(5)] string? Email,
    [property: Id(6)] string? Company,
    [property: Id(7)] string? Need,
    [property: Id(8)] string? Department,
    [property: Id(9)] string RoutingReason,
    [property: Id(10)] string? SubmittedBy = null,
    [property: Id(11)] string? Region = null,
    [property: Id(12)] string? EquipmentType = null);

public enum InquiryOutcomeKind
{
    /// <summary>An unknown phone / address: a new contact and a new lead.</summary>
    NewLead,

    /// <summary>A known contact: the inquiry joined their history (and open lead or deal); the responsible person was told.</summary>
    JoinedHistory,
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.InquiryOutcome")]
public sealed record InquiryOutcome(
    [property: Id(0)] string Key,
    [property: Id(1)] InquiryOutcomeKind Kind,
    [property: Id(2)] Guid ContactId,
    [property: Id(3)] Guid? LeadId,
    [property: Id(4)] Guid? DealId,
    [property: Id(5)] string? Notified);

/// <summary>One inquiry, keyed by its external key: processes it once, answers replays with the first outcome.</summary>
[Alias("SalesOrleans.IInquiryGrain")]
public interface IInquiryGrain : IGrainWithStringKey
{
    [Alias("Submit")]
    Task<InquiryOutcome> Submit(InquiryInfo inquiry);

    [Alias("GetOutcome")]
    Task<InquiryOutcome?> GetOutcome();

    /// <summary>
    /// A person chose the customer (a quarantined mail attached to a contact): the inquiry joins that contact's history,
    /// open lead or open deal, whoever its identities belong to. Once, like Submit: a replay answers the first outcome.
    /// </summary>
    [Alias("AttachTo")]
    Task<InquiryOutcome> AttachTo(InquiryInfo inquiry, Guid contactId);
}

/// <summary>
/// What an identity (normalised phone or address) is bound to. Reserved: another inquiry is still making its
/// contact (see IContactIdentityGrain.Reserve); ask again in a moment.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.IdentityBinding")]
public sealed record IdentityBinding(
    [property: Id(0)] string Identity,
    [property: Id(1)] Guid ContactId,
    [property: Id(2)] Guid? FirstLeadId,
    [property: Id(3)] bool CreatedNow,
    [property: Id(4)] bool Reserved = false);

/// <summary>
/// One grain per normalised phone ("phone:+79161234567") or e-mail address ("email:a@b.ru"): the single arbiter
/// of which contact it belongs to. The first claim creates the contact and its lead before it answers, so a
/// second claim at the same instant finds them.
/// </summary>
[Alias("SalesOrleans.IContactIdentityGrain")]
public interface IContactIdentityGrain : IGrainWithStringKey
{
    [Alias("Resolve")]
    Task<IdentityBinding?> Resolve();

    /// <summary>Binds an unbound identity to a new contact and lead made from the inquiry; a bound one answers its binding.</summary>
    [Alias("Claim")]
    Task<IdentityBinding> Claim(InquiryInfo inquiry, Guid newContactId, Guid newLeadId);

    /// <summary>Adds this identity to an existing contact (a second phone, the address of a caller); a bound one keeps its contact.</summary>
    [Alias("Bind")]
    Task<IdentityBinding> Bind(Guid contactId);

    /// <summary>
    /// Binds an unbound identity to a contact and lead still to be made from the inquiry, without making them yet
    /// (an inquiry with several identities reserves them all first); a bound one answers its binding.
    /// </summary>
    [Alias("Reserve")]
    Task<IdentityBinding> Reserve(InquiryInfo inquiry, Guid newContactId, Guid newLeadId);

    /// <summary>Hands a reservation of <paramref name="reservedFor"/> not yet made over to an existing contact; a made one stays.</summary>
    [Alias("Hand")]
    Task<IdentityBinding> Hand(Guid reservedFor, Guid toContactId);
}

public enum LeadStatus
{
    New,
    Assigned,
    Qualifying,
    Converted,
    Disqualified,
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.OpenLeadCommand")]
public sealed record OpenLeadCommand(
    [property: Id(0)] Guid ContactId,
    [property: Id(1)] InquiryInfo Inquiry,
    [property: Id(2)] Guid? CompanyId);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ConvertLeadCommand")]
public sealed record ConvertLeadCommand(
    [property: Id(0)] string ProcessKind,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Company,
    [property: Id(3)] string? Needs,
    [property: Id(4)] string? LegalDetails,
    [property: Id(5)] string? Contacts,
    [property: Id(6)] decimal? Amount,
    [property: Id(7)] string? Currency,
    [property: Id(8)] IReadOnlyList<DealLineView>? Lines = null,
    [property: Id(9)] string? Contact = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.LeadInquiryView")]
public sealed record LeadInquiryView(
    [property: Id(0)] string Key,
    [property: Id(1)] LeadChannel Channel,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? Need);

[GenerateSerializer, Immutable, Alias("SalesOrleans.LeadView")]
public sealed record LeadView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] LeadChannel Channel,
    [property: Id(2)] LeadStatus Status,
    [property: Id(3)] Guid ContactId,
    [property: Id(4)] Guid? CompanyId,
    [property: Id(5)] string? Name,
    [property: Id(6)] string? Phone,
    [property: Id(7)] string? Email,
    [property: Id(8)] string? Company,
    [property: Id(9)] string? Need,
    [property: Id(10)] string InquiryKey,
    [property: Id(11)] string? Department,
    [property: Id(12)] string? Assignee,
    [property: Id(13)] string? AssignmentReason,
    [property: Id(14)] DateTimeOffset CreatedAt,
    [property: Id(15)] DateTimeOffset? AssignedAt,
    [property: Id(16)] DateTimeOffset? FirstContactAt,
    [property: Id(17)] DateTimeOffset? ClosedAt,
    [property: Id(18)] string? DisqualifyReason,
    [property: Id(19)] Guid? DealId,
    [property: Id(20)] DateTimeOffset? AssignDueAt,
    [property: Id(21)] DateTimeOffset? FirstContactDueAt,
    [property: Id(22)] IReadOnlyList<string> SlaBreaches,
    [property: Id(23)] IReadOnlyList<LeadInquiryView> Inquiries,
    [property: Id(24)] long Seq,
    [property: Id(25)] string? Region = null,
    [property: Id(26)] string? EquipmentType = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.LeadResult")]
public sealed record LeadResult([property: Id(0)] LeadView? Lead, [property: Id(1)] CommandError? Error)
{
    public bool Ok => Error is null;
}

/// <summary>A lead (Заявка): an inquiry from a not-yet customer on its way to a deal or a disqualification. Keyed by a Guid.</summary>
[Alias("SalesOrleans.ILeadGrain")]
public interface ILeadGrain : IGrainWithGuidKey, IFollowUpGrain
{
    /// <summary>Opens the lead (idempotent for the same inquiry) and asks its department's queue for an assignee.</summary>
    [Alias("Open")]
    Task<LeadResult> Open(OpenLeadCommand command);

    [Alias("Get")]
    Task<LeadView?> Get();

    /// <summary>A supervisor assigns (or reassigns) by hand; the queue assigns through the same path with its reason.</summary>
    [Alias("Assign")]
    Task<LeadResult> Assign(string assignee, string? reason, ActorInfo actor);

    /// <summary>A manager takes an unassigned lead of their department.</summary>
    [Alias("Take")]
    Task<LeadResult> Take(ActorInfo actor);

    /// <summary>A user answered a call of the lead's customer: an open lead nobody has becomes theirs.</summary>
    [Alias("AnsweredBy")]
    Task<LeadResult> AnsweredBy(string user, string callId);

    /// <summary>The assignee reached the customer: first contact, qualification starts.</summary>
    [Alias("StartQualifying")]
    Task<LeadResult> StartQualifying(string? note, ActorInfo actor);

    [Alias("Convert")]
    Task<LeadResult> Convert(ConvertLeadCommand command, ActorInfo actor);

    [Alias("Disqualify")]
    Task<LeadResult> Disqualify(string reason, ActorInfo actor);

    /// <summary>The queue moves a lead not yet contacted from an absent manager; false when it no longer applies.</summary>
    [Alias("HandOver")]
    Task<bool> HandOver(string from, string to, string reason);

    /// <summary>A further inquiry of the same contact joins the lead's history; the assignee (or supervisor) is told.</summary>
    [Alias("AddInquiry")]
    Task<LeadResult> AddInquiry(InquiryInfo inquiry);

    /// <summary>Something that happened around the lead (a call) for its journal.</summary>
    [Alias("Log")]
    Task Log(string text, string actor);

    /// <summary>
    /// Like <see cref="Log"/>, written once per key (derived from the call or whatever caused it) however often retried.
    /// A converted lead forwards the note to its deal (keyed there too) unless it noted that key before converting.
    /// False when there is no such lead.
    /// </summary>
    [Alias("LogOnce")]
    Task<bool> LogOnce(string key, string text, string actor);

    /// <summary>A person's note in the lead's journal.</summary>
    [Alias("AddNote")]
    Task<LeadResult> AddNote(string text, ActorInfo actor);
}

public enum ContactKind
{
    /// <summary>Registered from a lead ("potential customer").</summary>
    Potential,
    Customer,
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.ContactTaskView")]
public sealed record ContactTaskView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Executor,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset Deadline,
    [property: Id(7)] string CreatedBy,
    [property: Id(8)] DateTimeOffset? CompletedAt,
    [property: Id(9)] string? Result,
    [property: Id(10)] long UpdatedSeq,
    [property: Id(11)] DateTimeOffset? OverdueAt = null,
    [property: Id(12)] string? EscalatedTo = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ContactView")]
public sealed record ContactView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] ContactKind Kind,
    [property: Id(3)] IReadOnlyList<string> Phones,
    [property: Id(4)] IReadOnlyList<string> Emails,
    [property: Id(5)] Guid? CompanyId,
    [property: Id(6)] string? Company,
    [property: Id(7)] string? Department,
    [property: Id(8)] string? Responsible,
    [property: Id(9)] Guid? OpenLeadId,
    [property: Id(10)] Guid? OpenDealId,
    [property: Id(11)] int Inquiries,
    [property: Id(12)] IReadOnlyList<ContactTaskView> Tasks,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] long Seq,
    [property: Id(15)] string? Position = null,
    [property: Id(16)] string? ExternalId = null);

/// <summary>A contact from the customer base import, checked: phones E.164, addresses lower-cased, the company resolved.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ImportedContact")]
public sealed record ImportedContact(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Phones,
    [property: Id(2)] IReadOnlyList<string> Emails,
    [property: Id(3)] Guid? CompanyId,
    [property: Id(4)] string? Company,
    [property: Id(5)] string? Position,
    [property: Id(6)] string? Department,
    [property: Id(7)] string? Responsible,
    [property: Id(8)] string? ExternalId,
    [property: Id(9)] string Source);

/// <summary>A company from the customer base import, checked; <see cref="ParentId"/> is its group, already imported.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ImportedCompany")]
public sealed record ImportedCompany(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Inn,
    [property: Id(2)] string? ExternalId,
    [property: Id(3)] Guid? ParentId,
    [property: Id(4)] string? Region,
    [property: Id(5)] string? Segment,
    [property: Id(6)] string? Department);

[GenerateSerializer, Immutable, Alias("SalesOrleans.NewContactTask")]
public sealed record NewContactTask(
    [property: Id(0)] string Title,
    [property: Id(1)] string? Executor,
    [property: Id(2)] string Kind,
    [property: Id(3)] double DeadlineHours,
    [property: Id(4)] string? Id = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ContactResult")]
public sealed record ContactResult([property: Id(0)] ContactView? Contact, [property: Id(1)] CommandError? Error)
{
    public bool Ok => Error is null;
}

/// <summary>A person we talk to. Keyed by a Guid. Calls no other grain, so anyone may call it without a cycle.</summary>
[Alias("SalesOrleans.IContactGrain")]
public interface IContactGrain : IGrainWithGuidKey, IFollowUpGrain
{
    /// <summary>Registers the contact (idempotent) as a potential customer from its first inquiry, with its lead's department and assignee.</summary>
    [Alias("Register")]
    Task<ContactView> Register(InquiryInfo inquiry, Guid leadId, string? department, string? responsible);

    [Alias("Get")]
    Task<ContactView?> Get();

    /// <summary>A further inquiry joins the history; answers the contact so the caller can reach its lead or deal.</summary>
    [Alias("RecordInquiry")]
    Task<ContactView?> RecordInquiry(InquiryInfo inquiry, string? notify);

    [Alias("AddIdentity")]
    Task AddIdentity(string identity);

    /// <summary>The lead's assignee became responsible for the contact.</summary>
    [Alias("SetResponsible")]
    Task SetResponsible(string user, string? department);

    /// <summary>The lead was closed: converted into a deal (the contact becomes a customer) or disqualified.</summary>
    [Alias("LeadClosed")]
    Task LeadClosed(Guid leadId, Guid? dealId, string? dealOwner);

    [Alias("Log")]
    Task Log(string kind, string text, string actor);

    /// <summary>Like <see cref="Log"/>, written once per key (derived from the call or whatever caused it) however often retried.</summary>
    [Alias("LogOnce")]
    Task LogOnce(string key, string kind, string text, string actor);

    /// <summary>Registers the contact from the customer base import, or updates it; a repeat changes nothing (same seq).</summary>
    [Alias("Import")]
    Task<ContactView> Import(ImportedContact contact, ActorInfo actor);

    /// <summary>A task about this contact for a person: a call back after a missed call, a marketer's "call this client".</summary>
    [Alias("AddTask")]
    Task<ContactResult> AddTask(NewContactTask task, ActorInfo actor);

    [Alias("CompleteTask")]
    Task<ContactResult> CompleteTask(string taskId, string? result, ActorInfo actor);

    [Alias("ReassignTask")]
    Task<ContactResult> ReassignTask(string taskId, string executor, string? reason, ActorInfo actor);
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.CompanyView")]
public sealed record CompanyView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Inn,
    [property: Id(3)] Guid? ParentId,
    [property: Id(4)] IReadOnlyList<Guid> Divisions,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] long Seq,
    [property: Id(7)] string? ExternalId = null,
    [property: Id(8)] string? Region = null,
    [property: Id(9)] string? Segment = null,
    [property: Id(10)] string? Department = null);

/// <summary>A customer company (counterparty); a group holds divisions, each a company of its own. Keyed by a Guid.</summary>
[Alias("SalesOrleans.ICompanyGrain")]
public interface ICompanyGrain : IGrainWithGuidKey
{
    [Alias("Create")]
    Task<CompanyView> Create(string name, string? inn, Guid? parentId);

    [Alias("Get")]
    Task<CompanyView?> Get();

    [Alias("AddDivision")]
    Task<CompanyView?> AddDivision(Guid divisionId);

    /// <summary>Creates the company from the customer base import or updates it; a repeat changes nothing (same seq).</summary>
    [Alias("Import")]
    Task<CompanyView> Import(ImportedCompany company);
}

public enum AssignmentPolicyKind
{
    RoundRobin,
    LeastLoaded,
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.QueueDecision")]
public sealed record QueueDecision(
    [property: Id(0)] string? Assignee,
    [property: Id(1)] string Reason);

[GenerateSerializer, Immutable, Alias("SalesOrleans.QueueMemberView")]
public sealed record QueueMemberView(
    [property: Id(0)] string User,
    [property: Id(1)] bool Absent,
    [property: Id(2)] bool OnShift,
    [property: Id(3)] int OpenLeads,
    [property: Id(4)] int OpenTasks,
    [property: Id(5)] long Assigned);

[GenerateSerializer, Immutable, Alias("SalesOrleans.QueueView")]
public sealed record QueueView(
    [property: Id(0)] string Department,
    [property: Id(1)] AssignmentPolicyKind Policy,
    [property: Id(2)] int Capacity,
    [property: Id(3)] IReadOnlyList<QueueMemberView> Members,
    [property: Id(4)] IReadOnlyList<Guid> Waiting);

/// <summary>
/// A department's lead queue ("queue:industrial"): decides who gets each new lead by the department's policy,
/// exactly, one decision at a time; a lead nobody can take now waits until someone can.
/// </summary>
[Alias("SalesOrleans.ILeadQueueGrain")]
public interface ILeadQueueGrain : IGrainWithStringKey
{
    /// <summary>Picks an assignee for the lead (the same one if asked again) or puts it on the waiting list.</summary>
    [Alias("RequestAssignment")]
    Task<QueueDecision> RequestAssignment(Guid leadId);

    /// <summary>A lead was assigned by hand (or taken): it counts for that person.</summary>
    [Alias("NoteAssigned")]
    Task NoteAssigned(Guid leadId, string assignee);

    /// <summary>A lead left the person (closed or reassigned): their count drops and a waiting lead may go out.</summary>
    [Alias("Release")]
    Task Release(Guid leadId);

    /// <summary>Marks a member absent or back. Going absent hands their leads not yet contacted to others; answers how many moved.</summary>
    [Alias("SetPresence")]
    Task<int> SetPresence(string user, bool absent);

    [Alias("Configure")]
    Task Configure(AssignmentPolicyKind policy, int capacity);

    [Alias("Get")]
    Task<QueueView> Get();
}

/// <summary>One PBX call event as the webhook receives it (ts in Unix seconds).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.CallEvent")]
public sealed record CallEvent(
    [property: Id(0)] string Event,
    [property: Id(1)] string CallId,
    [property: Id(2)] string Caller,
    [property: Id(3)] string Called,
    [property: Id(4)] double Ts,
    [property: Id(5)] string? CallerName,
    [property: Id(6)] string? HangupBy,
    [property: Id(7)] long? DurationMs,
    [property: Id(8)] int? SipCode,
    [property: Id(9)] string? Extension = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.CallView")]
public sealed record CallView(
    [property: Id(0)] string CallId,
    [property: Id(1)] string? Caller,
    [property: Id(2)] string? Called,
    [property: Id(3)] string? Department,
    [property: Id(4)] IReadOnlyList<string> Events,
    [property: Id(5)] string Outcome,
    [property: Id(6)] Guid? ContactId,
    [property: Id(7)] Guid? LeadId,
    [property: Id(8)] string? CallBackTaskFor,
    [property: Id(9)] long? DurationMs,
    [property: Id(10)] bool Settled,
    [property: Id(11)] CallerCard? Card = null,
    [property: Id(12)] string? Extension = null,
    [property: Id(13)] string? RingsFor = null);

/// <summary>What the incoming-call pop-up shows about the caller: who they are and where their business stands.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.CallerCard")]
public sealed record CallerCard(
    [property: Id(0)] bool NewLead,
    [property: Id(1)] string? Name,
    [property: Id(2)] string? Company,
    [property: Id(3)] string? Responsible,
    [property: Id(4)] Guid? OpenDealId,
    [property: Id(5)] int Inquiries);

/// <summary>One PBX call ("call:&lt;id&gt;") assembling its events: duplicates ignored, order by the event's timestamp.</summary>
[Alias("SalesOrleans.ICallGrain")]
public interface ICallGrain : IGrainWithStringKey, IFollowUpGrain
{
    /// <summary>Records the event; answers false for a duplicate.</summary>
    [Alias("Record")]
    Task<bool> Record(CallEvent callEvent);

    [Alias("Get")]
    Task<CallView?> Get();

    // What the call's follow-up grain (ICallFollowUpGrain) did after an acknowledgement, stored by the call in one
    // write each; every one idempotent, each answers the call as it now is (null: no such call).

    /// <summary>The inquiry is made (or there was none to make: no contact).</summary>
    [Alias("InquiryMade")]
    Task<CallWork?> InquiryMade(CallInquiryResult result);

    /// <summary>The lead was told who answered.</summary>
    [Alias("AnswerHandled")]
    Task<CallWork?> AnswerHandled();

    /// <summary>
    /// The call is judged: logged on the contact and its lead or deal, the call-back task made for a missed one. The
    /// follow-up grain projected the judged call first: if that was version <paramref name="logShown"/> (no event came
    /// meanwhile), the same write clears the "log due" mark — one write for the settling, not two.
    /// </summary>
    [Alias("Settled")]
    Task<CallWork?> Settled(string outcome, string? callBackTaskFor, long logShown);

    /// <summary>The call log shows <paramref name="version"/>: the "log due" mark is cleared if nothing changed since.</summary>
    [Alias("LogShown")]
    Task<CallWork?> LogShown(long version);
}

/// <summary>
/// What a call owes after acknowledging an event, as the call stored it: handed to its follow-up grain after the
/// reply, and answered back by every step the follow-up grain reports.
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.CallWork")]
public sealed record CallWork(
    [property: Id(0)] CallView View,
    [property: Id(1)] long Version,
    [property: Id(2)] string? CallerName,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] bool InquiryDue,
    [property: Id(5)] bool AnswerDue,
    [property: Id(6)] DateTimeOffset? SettleAt,
    [property: Id(7)] bool LogDue,
    [property: Id(8)] bool ConfirmLog = false)
{
    /// <summary>Anything left for the follow-up grain.</summary>
    public bool Due => InquiryDue || AnswerDue || SettleAt is not null || LogDue;
}

/// <summary>What making a call's inquiry found: its department, contact and lead, and the caller card.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.CallInquiryResult")]
public sealed record CallInquiryResult(
    [property: Id(0)] string? Department,
    [property: Id(1)] Guid? ContactId,
    [property: Id(2)] Guid? LeadId,
    [property: Id(3)] CallerCard? Card);

/// <summary>
/// The work after a call's acknowledgement ("call:&lt;id&gt;", the call's key): the inquiry, telling the lead who
/// answered, settling, the call log. Memory only: the call's stored marks (grain_state.work_due) say what is owed,
/// and the call hands them over after each write, on activation and when the sweep wakes it.
/// </summary>
[Alias("SalesOrleans.ICallFollowUpGrain")]
public interface ICallFollowUpGrain : IGrainWithStringKey
{
    /// <summary>Takes what the call owes now (the newest version wins) and works on it; never waits for the work.</summary>
    [OneWay, Alias("Take")]
    Task Take(CallWork work);
}
