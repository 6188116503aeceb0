using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Import;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record WebFormRequest(
    string? SubmissionId,
    string? Name,
    string? Phone,
    string? Email,
    string? Company,
    string? Message,
    string? Topic,
    Dictionary<string, string>? Fields,
    string? Region = null,
    string? EquipmentType = null);

public sealed record CreateLeadRequest(string? Name, string? Phone, string? Email, string? Company, string? Need, string? Department, LeadChannel? Channel,
    string? Region = null, string? EquipmentType = null);

public sealed record AssignLeadRequest(string? Assignee, string? Reason);

public sealed record QualifyLeadRequest(string? Note);

public sealed record ConvertLeadRequest(string? ProcessKind, string? Title, string? Company, string? Needs, string? LegalDetails, string? Contacts, decimal? Amount, string? Currency,
    IReadOnlyList<DealLineRequest?>? Lines = null, string? Contact = null);

public sealed record DisqualifyLeadRequest(string? Reason);

public sealed record ContactTaskRequest(string? Title, string? Executor, double? DeadlineHours);

public sealed record CreateCompanyRequest(string? Name, string? Inn, Guid? ParentId);

public sealed record PresenceRequest(string? User, bool Absent);

public sealed record QueueSettingsRequest(AssignmentPolicyKind? Policy, int? Capacity);

/// <summary>What a public form submission answers: only that it arrived, never whether we know the sender.</summary>
public sealed record WebFormReceipt(string SubmissionId, string Status);

/// <summary>What entering a lead by hand answers: the intake's outcome and the lead it made (if it made one).</summary>
public sealed record LeadIntakeView(InquiryOutcome Outcome, LeadView? Lead);

/// <summary>How many notifications were marked read.</summary>
public sealed record NotificationsMarked(int Marked);

/// <summary>What the lead and contact handlers are given: the grains, the access checks, the user directory and the lead read model.</summary>
public readonly record struct LeadServices(IGrainFactory Grains, AccessGuard Access, AccessPolicy Policy, UserDirectory Users, LeadQueries Queries,
    ClaimsPrincipal User, CancellationToken Ct);

/// <summary>What a queue's presence change is given: the departments, the absence handover and the reach of the person named.</summary>
public readonly record struct QueueServices(ILeadDirectory Directory, IAbsenceHandover Handover, AccessGuard Access, ClaimsPrincipal User, CancellationToken Ct);

/// <summary>What the public form is given: the raw request (it reads the body itself), the intake and its limits.</summary>
public readonly record struct WebFormServices(HttpContext Http, IInquiryIntake Intake, IOptions<WebFormOptions> Options, CancellationToken Ct);

/// <summary>Leads, contacts, companies, queues and notifications. Commands go to grains; lists come from the read model.</summary>
public static partial class LeadEndpoints
{
    private const int MaxFormFields = 20;

    public static void MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/leads/webform", WebForm).Public("the public web form: rate-limited per address, size-limited, idempotent by submission id").DisableAntiforgery().RequireRateLimiting(WebFormOptions.RateLimitPolicy).WithTags("Leads");

        var leads = app.MapGroup("/api/leads").WithTags("Leads");
        leads.MapPost("/", CreateLead).Requires(Capability.LeadCreate);
        leads.MapGet("/", ListLeads).Requires(Capability.LeadRead);
        leads.MapGet("/{id:guid}", GetLead).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/journal", GetLeadJournal).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/documents", ListLeadDocuments).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/documents/{documentId:guid}", GetLeadDocument).Produces(StatusCodes.Status200OK, typeof(Stream), Downloads.Fallback).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapPost("/{id:guid}/take", TakeLead).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/assign", AssignLead).Requires(Capability.LeadAssign, Resource.Lead());
        leads.MapPost("/{id:guid}/qualify", QualifyLead).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/convert", ConvertLead).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/notes", AddLeadNote).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/disqualify", DisqualifyLead).Requires(Capability.LeadWork, Resource.Lead());

        var contacts = app.MapGroup("/api/contacts").WithTags("Contacts");
        contacts.MapGet("/{id:guid}", GetContact).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/journal", GetContactJournal).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/calls", ListContactCalls).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/documents", ListContactDocuments).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/documents/{documentId:guid}", GetContactDocument).Produces(StatusCodes.Status200OK, typeof(Stream), Downloads.Fallback).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapPost("/{id:guid}/tasks", AddContactTask).Requires(Capability.ContactTask, Resource.Contact());
        contacts.MapPost("/{id:guid}/tasks/{taskId}/complete", CompleteContactTask).Requires(Capability.ContactTask, Resource.Contact());
        app.MapGet("/api/contact-tasks", ListContactTasks).Requires(Capability.ContactRead).WithTags("Contacts");

        // The customer base's imports (/api/import/companies, /contacts) are mapped with the others in ImportEndpoints.

        var companies = app.MapGroup("/api/companies").WithTags("Contacts");
        companies.MapPost("/", CreateCompany).Requires(Capability.CompanyCreate);
        companies.MapGet("/{id:guid}", GetCompany).Requires(Capability.CompanyRead, Resource.Company());

        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications");
        notifications.MapGet("/", ListNotifications).Requires(Capability.NotificationRead);
        notifications.MapPost("/read", MarkNotificationsRead).Requires(Capability.NotificationRead);

        var queues = app.MapGroup("/api/queues").WithTags("Queues");
        queues.MapGet("/{department}", GetQueue).Requires(Capability.QueueRead, Resource.Department());
        queues.MapPost("/{department}/presence", SetPresence).Requires(Capability.PresenceManage, Resource.Department());
        queues.MapPost("/{department}/settings", ConfigureQueue).Requires(Capability.QueueManage, Resource.Department());
    }

    private static async Task<Results<Ok<IReadOnlyList<LeadListItem>>, ProblemHttpResult>> ListLeads([AsParameters] LeadListQuery q, [AsParameters] LeadServices s)
    {
        var (user, ct) = (s.User, s.Ct);
        // As with deals: short of "all" (admins, marketing, the head of sales who routes triage, integrations), a list
        // is of the user's own department (or, without one, of their own leads).
        var department = q.Department;
        var assignee = q.Assignee;
        var scope = await s.Policy.ScopeAsync(user, Capability.LeadRead, ct);
        if (scope != AccessScope.All)
        {
            if (q.Department is not null && q.Department != user.DepartmentOf())
            {
                return AccessProblems.Forbidden(Capability.LeadRead, ResourceKind.Department);
            }

            department = scope == AccessScope.Department ? user.DepartmentOf() : null;
            assignee = department is null ? user.Name() : assignee;
        }

        return TypedResults.Ok(await s.Queries.ListLeadsAsync(new LeadFilter(department, assignee,
            string.Equals(q.Status, "all", StringComparison.OrdinalIgnoreCase) ? null : q.Status,
            q.Channel, q.Unassigned, q.Search, q.Limit ?? 100, q.Offset ?? 0), ct));
    }

    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> GetLead(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<ILeadGrain>(id).Get() is { } lead ? TypedResults.Ok(lead) : Problems.NotFound($"Lead {id} does not exist.");

    private static async Task<Ok<IReadOnlyList<LeadJournalEntry>>> GetLeadJournal(Guid id, LeadQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetLeadJournalAsync(id, ct));

    private static async Task<Ok<IReadOnlyList<DocumentEntry>>> ListLeadDocuments(Guid id, DocumentStore documents, CancellationToken ct) =>
        TypedResults.Ok(await documents.ListAsync(id, null, ct));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetLeadDocument(Guid id, Guid documentId, DocumentStore documents,
        CancellationToken ct) =>
        Download(await documents.GetInquiryDocumentAsync(id, null, documentId, ct), documentId);

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> TakeLead(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        Reply(grains.GetGrain<ILeadGrain>(id).Take(user.Actor()));

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> QualifyLead(Guid id, QualifyLeadRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        Reply(grains.GetGrain<ILeadGrain>(id).StartQualifying(body?.Note, user.Actor()));

    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> ConvertLead(Guid id, ConvertLeadRequest body, ClaimsPrincipal user, IGrainFactory grains,
        SalesOrleans.Stock.IStockCatalog catalog)
    {
        // The agreed lines go into the deal (checked against the catalog here, so its order cannot fail on them).
        var (lines, problem) = await DealChainEndpoints.ResolveAsync(body.Lines ?? [], catalog);
        if (problem is not null)
        {
            return problem;
        }

        return await Reply(grains.GetGrain<ILeadGrain>(id).Convert(new ConvertLeadCommand(body.ProcessKind ?? "", body.Title, body.Company, body.Needs,
            body.LegalDetails, body.Contacts, body.Amount, body.Currency, lines, body.Contact), user.Actor()));
    }

    private static Task<Results<Ok<LeadView>, ProblemHttpResult>> DisqualifyLead(Guid id, DisqualifyLeadRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
        Reply(grains.GetGrain<ILeadGrain>(id).Disqualify(body.Reason ?? "", user.Actor()));

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> GetContact(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<IContactGrain>(id).Get() is { } c ? TypedResults.Ok(c) : Problems.NotFound($"Contact {id} does not exist.");

    private static async Task<Ok<IReadOnlyList<LeadJournalEntry>>> GetContactJournal(Guid id, LeadQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetContactJournalAsync(id, ct));

    private static async Task<Ok<IReadOnlyList<CallLogItem>>> ListContactCalls(Guid id, LeadQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListCallsAsync(id, 200, ct));

    private static async Task<Ok<IReadOnlyList<DocumentEntry>>> ListContactDocuments(Guid id, DocumentStore documents, CancellationToken ct) =>
        TypedResults.Ok(await documents.ListAsync(null, id, ct));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetContactDocument(Guid id, Guid documentId, DocumentStore documents,
        CancellationToken ct) =>
        Download(await documents.GetInquiryDocumentAsync(null, id, documentId, ct), documentId);

    private static async Task<Results<Created<ContactView>, ProblemHttpResult>> AddContactTask(Guid id, ContactTaskRequest body, [AsParameters] LeadServices s)
    {
        var user = s.User;
        // The executor is within the giver's reach: no tasks for another department's people.
        if (body.Executor is { Length: > 0 } executor && s.Users.UserExists(executor)
            && await s.Access.DenyAsync(user, Capability.ContactTask, ResourceKind.User, executor, s.Ct) is { } denied)
        {
            return denied;
        }

        var isMarketer = user.IsInRole(Roles.Marketer);
        var result = await s.Grains.GetGrain<IContactGrain>(id).AddTask(new NewContactTask(body.Title ?? "", body.Executor,
            isMarketer ? "call-client" : "task", body.DeadlineHours ?? 8), user.Actor());
        return result.Ok ? TypedResults.Created($"/api/contacts/{id}", result.Contact) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> CompleteContactTask(Guid id, string taskId, QualifyLeadRequest? body, ClaimsPrincipal user,
        IGrainFactory grains)
    {
        var result = await grains.GetGrain<IContactGrain>(id).CompleteTask(taskId, body?.Note, user.Actor());
        return result.Ok ? TypedResults.Ok(result.Contact) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CompanyView>, ProblemHttpResult>> GetCompany(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<ICompanyGrain>(id).Get() is { } c ? TypedResults.Ok(c) : Problems.NotFound($"Company {id} does not exist.");

    private static async Task<Ok<IReadOnlyList<NotificationItem>>> ListNotifications(bool? unread, int? limit, ClaimsPrincipal user, LeadQueries queries,
        CancellationToken ct) =>
        TypedResults.Ok(await queries.ListNotificationsAsync(user.Name(), unread ?? false, limit ?? 100, ct));

    private static async Task<Ok<NotificationsMarked>> MarkNotificationsRead(TimeProvider clock, [AsParameters] LeadServices s) =>
        TypedResults.Ok(new NotificationsMarked(await s.Queries.MarkNotificationsReadAsync(s.User.Name(), clock.GetUtcNow(), s.Ct)));

    private static async Task<Results<Ok<QueueView>, ProblemHttpResult>> GetQueue(string department, ILeadDirectory directory, IGrainFactory grains) =>
        directory.DepartmentExists(department)
            ? TypedResults.Ok(await grains.GetGrain<ILeadQueueGrain>(LeadQueueKeys.Of(department)).Get())
            : Problems.NotFound($"Unknown department '{department}'.");

    private static async Task<Results<Ok<HandoverReport>, ProblemHttpResult>> SetPresence(string department, PresenceRequest body, [AsParameters] QueueServices s)
    {
        var who = string.IsNullOrWhiteSpace(body.User) ? s.User.Name() : body.User.Trim();
        if (!s.Directory.DepartmentExists(department))
        {
            return Problems.NotFound($"Unknown department '{department}'.");
        }

        if (!s.Directory.ManagersOf(department).Contains(who))
        {
            return Problems.Invalid("user", $"'{who}' is not a manager of {department}.");
        }

        // Own scope: one's own presence; department: the people of one's department.
        if (await s.Access.DenyAsync(s.User, Capability.PresenceManage, ResourceKind.User, who, s.Ct) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await s.Handover.SetPresenceAsync(department, who, body.Absent, s.User.Actor(), s.Ct));
    }

    private static async Task<Results<Ok<QueueView>, ProblemHttpResult>> ConfigureQueue(string department, QueueSettingsRequest body, ILeadDirectory directory,
        IGrainFactory grains)
    {
        if (!directory.DepartmentExists(department))
        {
            return Problems.NotFound($"Unknown department '{department}'.");
        }

        if (body.Capacity is < 0 or > 10_000)
        {
            return Problems.Invalid("capacity", "'capacity' must be between 0 (no cap) and 10000.");
        }

        var queue = grains.GetGrain<ILeadQueueGrain>(LeadQueueKeys.Of(department));
        var current = await queue.Get();
        await queue.Configure(body.Policy ?? current.Policy, body.Capacity ?? current.Capacity);
        return TypedResults.Ok(await queue.Get());
    }

    /// <summary>The new assignee is within the assigner's reach: a supervisor hands leads to their own department's people.</summary>
    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> AssignLead(Guid id, AssignLeadRequest body, [AsParameters] LeadServices s)
    {
        if (body.Assignee is { Length: > 0 } assignee && s.Users.UserExists(assignee)
            && await s.Access.DenyAsync(s.User, Capability.LeadAssign, ResourceKind.User, assignee, s.Ct) is { } denied)
        {
            return denied;
        }

        return await Reply(s.Grains.GetGrain<ILeadGrain>(id).Assign(body.Assignee ?? "", body.Reason, s.User.Actor()));
    }

    /// <summary>A note answers only what it changed: not the lead's contact data, nor the deal it became.</summary>
    private static async Task<Results<Ok<LeadNoteResponse>, ProblemHttpResult>> AddLeadNote(Guid id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await grains.GetGrain<ILeadGrain>(id).AddNote(body.Text ?? "", user.Actor());
        return result.Ok ? TypedResults.Ok(new LeadNoteResponse(id, result.Lead!.Status, result.Lead.Seq)) : Problems.From(result.Error!);
    }

    /// <summary>Short of "all": the tasks of the user's department's people, or only their own.</summary>
    private static async Task<Results<Ok<List<ContactTaskItem>>, ProblemHttpResult>> ListContactTasks(string? executor, string? status, Guid? contactId, int? limit,
        [AsParameters] LeadServices s)
    {
        var (user, users, ct) = (s.User, s.Users, s.Ct);
        var scope = await s.Policy.ScopeAsync(user, Capability.ContactRead, ct);
        var department = user.DepartmentOf();
        bool InReach(string who) => scope == AccessScope.All || who == user.Name()
            || (scope == AccessScope.Department && department is not null && users.Find(who)?.Department == department);
        if (scope != AccessScope.All && (department is null || scope == AccessScope.Own))
        {
            executor = user.Name();
        }
        else if (executor is not null && !InReach(executor))
        {
            return AccessProblems.Forbidden(Capability.ContactRead, ResourceKind.User);
        }

        var items = await s.Queries.ListContactTasksAsync(executor, string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : status ?? "Open",
            contactId, limit ?? 200, ct);
        return TypedResults.Ok(items.Where(t => InReach(t.Executor)).ToList());
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Download((DocumentEntry Entry, byte[] Content)? document, Guid id) =>
        document is { } d ? Downloads.File(d.Content, d.Entry.ContentType, d.Entry.FileName) : Problems.NotFound($"Document {id} does not exist here.");

    /// <summary>The public form: anonymous, rate-limited per address, size-limited, idempotent by submission id.</summary>
    private static async Task<Results<Accepted<WebFormReceipt>, ProblemHttpResult>> WebForm([AsParameters] WebFormServices s)
    {
        var (http, intake, ct) = (s.Http, s.Intake, s.Ct);
        var max = s.Options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The form is larger than {max} bytes.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        WebFormRequest? body;
        try
        {
            // A plain HTML form posts url-encoded fields; a script posts JSON. Unknown form fields become routing fields.
            body = http.Request.HasFormContentType
                ? FromForm(await http.Request.ReadFormAsync(ct))
                : await http.Request.ReadFromJsonAsync<WebFormRequest>(ct);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body";
            return Problems.Invalid(field, $"The form is not valid JSON at '{field}': {ex.Message}");
        }
        catch (InvalidOperationException)
        {
            return Problems.Invalid("body", "Send the form as application/json or application/x-www-form-urlencoded.");
        }
        catch (InvalidDataException ex)
        {
            return Problems.Invalid("body", $"The form cannot be read: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The form is larger than {max} bytes.");
        }

        if (body is null)
        {
            return Problems.Invalid("body", "The form is empty.");
        }

        if (string.IsNullOrWhiteSpace(body.SubmissionId) || !SubmissionIdPattern().IsMatch(body.SubmissionId))
        {
            return Problems.Invalid("submissionId", "'submissionId' is required: 8 to 100 letters, digits, '-', '_', '.' or ':' (a fresh one per submission).");
        }

        var fields = body.Fields ?? [];
        if (fields.Count > MaxFormFields || fields.Any(f => f.Key.Length > 50 || (f.Value?.Length ?? 0) > 1000))
        {
            return Problems.Invalid("fields", $"At most {MaxFormFields} fields, names up to 50 and values up to 1000 characters.");
        }

        if (!string.IsNullOrWhiteSpace(body.Topic))
        {
            fields = new Dictionary<string, string>(fields) { ["topic"] = body.Topic };
        }

        InquiryInfo inquiry;
        try
        {
            // Region and equipment type are the marketing segments; a site may send them as top-level or as extra fields.
            inquiry = intake.Prepare(new RawInquiry("webform:" + body.SubmissionId.Trim(), LeadChannel.WebForm, body.Name, body.Phone, body.Email, body.Company,
                body.Message, new RoutingInput(LeadChannel.WebForm, Fields: fields, Text: body.Message),
                Region: body.Region ?? fields.GetValueOrDefault("region"), EquipmentType: body.EquipmentType ?? fields.GetValueOrDefault("equipmentType")));
        }
        catch (Rejection rejection)
        {
            return Problems.From(rejection.ToError());
        }

        await intake.SubmitAsync(inquiry);
        // The sender learns only that the form arrived, not whether we know them.
        return TypedResults.Accepted((string?)null, new WebFormReceipt(body.SubmissionId.Trim(), "received"));
    }

    private static readonly string[] KnownFormFields = ["submissionId", "name", "phone", "email", "company", "message", "topic", "region", "equipmentType"];

    private static WebFormRequest FromForm(IFormCollection form)
    {
        string? Get(string key) => form.TryGetValue(key, out var v) ? v.ToString() : null;
        var extra = form.Where(f => !KnownFormFields.Contains(f.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new WebFormRequest(Get("submissionId"), Get("name"), Get("phone"), Get("email"), Get("company"), Get("message"), Get("topic"), extra,
            Get("region"), Get("equipmentType"));
    }

    private static async Task<Results<Created<LeadIntakeView>, Ok<LeadIntakeView>, ProblemHttpResult>> CreateLead(CreateLeadRequest body, ClaimsPrincipal user,
        IInquiryIntake intake, IGrainFactory grains)
    {
        var channel = body.Channel ?? (user.IsInRole(Roles.Marketer) ? LeadChannel.Marketing : LeadChannel.Manual);
        if (channel is LeadChannel.Phone or LeadChannel.Email or LeadChannel.WebForm)
        {
            return Problems.Invalid("channel", "Phone, e-mail and web-form leads come through their own intake; use manual, chat or marketing.");
        }

        InquiryInfo inquiry;
        try
        {
            inquiry = intake.Prepare(new RawInquiry($"manual:{Guid.NewGuid():N}", channel, body.Name, body.Phone, body.Email, body.Company, body.Need,
                new RoutingInput(channel, Text: body.Need, EnteredByDepartment: user.DepartmentOf()), body.Department, user.Name(), NameAloneIsEnough: true, body.Region, body.EquipmentType));
        }
        catch (Rejection rejection)
        {
            return Problems.From(rejection.ToError());
        }

        var outcome = await intake.SubmitAsync(inquiry);
        var lead = outcome.Kind == InquiryOutcomeKind.NewLead && outcome.LeadId is { } id ? await grains.GetGrain<ILeadGrain>(id).Get() : null;
        return outcome.Kind == InquiryOutcomeKind.NewLead
            ? TypedResults.Created($"/api/leads/{outcome.LeadId}", new LeadIntakeView(outcome, lead))
            : TypedResults.Ok(new LeadIntakeView(outcome, lead));
    }

    private static async Task<Results<Created<CompanyView>, ProblemHttpResult>> CreateCompany(CreateCompanyRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            return Problems.Invalid("name", "'name' is required (at most 200 characters).");
        }

        if (body.Inn is { Length: > 0 } inn && !InnPattern().IsMatch(inn.Trim()))
        {
            return Problems.Invalid("inn", "'inn' must be 10 or 12 digits.");
        }

        ICompanyGrain? parent = null;
        if (body.ParentId is { } parentId)
        {
            parent = grains.GetGrain<ICompanyGrain>(parentId);
            if (await parent.Get() is null)
            {
                return Problems.Invalid("parentId", $"Company {parentId} does not exist.");
            }
        }

        var id = Guid.NewGuid();
        var company = await grains.GetGrain<ICompanyGrain>(id).Create(body.Name, body.Inn, body.ParentId);
        if (parent is not null)
        {
            await parent.AddDivision(id);
        }

        return TypedResults.Created($"/api/companies/{id}", company);
    }

    private static async Task<Results<Ok<LeadView>, ProblemHttpResult>> Reply(Task<LeadResult> command)
    {
        var result = await command;
        return result.Ok ? TypedResults.Ok(result.Lead) : Problems.From(result.Error!);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{8,100}$")]
    private static partial Regex SubmissionIdPattern();

    [GeneratedRegex(@"^(\d{10}|\d{12})$")]
    private static partial Regex InnPattern();
}

/// <summary>What a note on a lead answers.</summary>
public sealed record LeadNoteResponse(Guid Id, LeadStatus Status, long Seq);

public sealed record LeadListQuery(string? Department, string? Assignee, string? Status, string? Channel, bool? Unassigned, string? Search, int? Limit, int? Offset);
