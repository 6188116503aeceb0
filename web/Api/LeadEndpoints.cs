using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
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

/// <summary>Leads, contacts, companies, queues and notifications. Commands go to grains; lists come from the read model.</summary>
public static partial class LeadEndpoints
{
    private const int MaxFormFields = 20;

    public static void MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/leads/webform", WebForm).Public("the public web form: rate-limited per address, size-limited, idempotent by submission id").DisableAntiforgery().RequireRateLimiting(LeadWebSetup.WebFormPolicy).WithTags("Leads");

        var leads = app.MapGroup("/api/leads").WithTags("Leads");
        leads.MapPost("/", CreateLead).Requires(Capability.LeadCreate);
        leads.MapGet("/", async ([AsParameters] LeadListQuery q, ClaimsPrincipal user, LeadQueries queries, AccessPolicy access, CancellationToken ct) =>
        {
            // As with deals: short of "all" (admins, marketing, the head of sales who routes triage, integrations), a list
            // is of the user's own department (or, without one, of their own leads).
            var department = q.Department;
            var assignee = q.Assignee;
            var scope = await access.ScopeAsync(user, Capability.LeadRead, ct);
            if (scope != AccessScope.All)
            {
                if (q.Department is not null && q.Department != user.DepartmentOf())
                {
                    return AccessProblems.Forbidden(Capability.LeadRead, ResourceKind.Department);
                }

                department = scope == AccessScope.Department ? user.DepartmentOf() : null;
                assignee = department is null ? user.Name() : assignee;
            }

            return Results.Ok(await queries.ListLeadsAsync(new LeadFilter(department, assignee,
                string.Equals(q.Status, "all", StringComparison.OrdinalIgnoreCase) ? null : q.Status,
                q.Channel, q.Unassigned, q.Search, q.Limit ?? 100, q.Offset ?? 0), ct));
        }).Requires(Capability.LeadRead);
        leads.MapGet("/{id:guid}", (Guid id, IGrainFactory grains) =>
            FoundLead(id, grains, lead => Task.FromResult(Results.Ok(lead)))).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/journal", (Guid id, LeadQueries queries, CancellationToken ct) =>
            queries.GetLeadJournalAsync(id, ct)).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/documents", (Guid id, DocumentStore documents, CancellationToken ct) =>
            documents.ListAsync(id, null, ct)).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapGet("/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, DocumentStore documents, CancellationToken ct) =>
            Download(await documents.GetInquiryDocumentAsync(id, null, documentId, ct), documentId)).Requires(Capability.LeadRead, Resource.Lead());
        leads.MapPost("/{id:guid}/take", (Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
            Reply(grains.GetGrain<ILeadGrain>(id).Take(user.Actor()))).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/assign", AssignLead).Requires(Capability.LeadAssign, Resource.Lead());
        leads.MapPost("/{id:guid}/qualify", (Guid id, QualifyLeadRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
            Reply(grains.GetGrain<ILeadGrain>(id).StartQualifying(body?.Note, user.Actor()))).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/convert", async (Guid id, ConvertLeadRequest body, ClaimsPrincipal user, IGrainFactory grains, SalesOrleans.Stock.IStockCatalog catalog) =>
        {
            // The agreed lines go into the deal (checked against the catalog here, so its order cannot fail on them).
            var (lines, problem) = await DealChainEndpoints.ResolveAsync(body.Lines ?? [], catalog);
            return problem ?? await Reply(grains.GetGrain<ILeadGrain>(id).Convert(new ConvertLeadCommand(body.ProcessKind ?? "", body.Title, body.Company, body.Needs,
                body.LegalDetails, body.Contacts, body.Amount, body.Currency, lines, body.Contact), user.Actor()));
        }).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/notes", AddLeadNote).Requires(Capability.LeadWork, Resource.Lead());
        leads.MapPost("/{id:guid}/disqualify", (Guid id, DisqualifyLeadRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Reply(grains.GetGrain<ILeadGrain>(id).Disqualify(body.Reason ?? "", user.Actor()))).Requires(Capability.LeadWork, Resource.Lead());

        var contacts = app.MapGroup("/api/contacts").WithTags("Contacts");
        contacts.MapGet("/{id:guid}", async (Guid id, IGrainFactory grains) =>
            await grains.GetGrain<IContactGrain>(id).Get() is { } c ? Results.Ok(c) : Problems.NotFound($"Contact {id} does not exist."))
            .Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/journal", (Guid id, LeadQueries queries, CancellationToken ct) =>
            queries.GetContactJournalAsync(id, ct)).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/calls", (Guid id, LeadQueries queries, CancellationToken ct) =>
            queries.ListCallsAsync(id, 200, ct)).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/documents", (Guid id, DocumentStore documents, CancellationToken ct) =>
            documents.ListAsync(null, id, ct)).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapGet("/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, DocumentStore documents, CancellationToken ct) =>
            Download(await documents.GetInquiryDocumentAsync(null, id, documentId, ct), documentId)).Requires(Capability.ContactRead, Resource.Contact());
        contacts.MapPost("/{id:guid}/tasks", async (Guid id, ContactTaskRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access,
            UserDirectory users, CancellationToken ct) =>
        {
            // The executor is within the giver's reach: no tasks for another department's people.
            if (body.Executor is { Length: > 0 } executor && users.UserExists(executor)
                && await access.DenyAsync(user, Capability.ContactTask, ResourceKind.User, executor, ct) is { } denied)
            {
                return denied;
            }

            var isMarketer = user.IsInRole(Roles.Marketer);
            var result = await grains.GetGrain<IContactGrain>(id).AddTask(new NewContactTask(body.Title ?? "", body.Executor,
                isMarketer ? "call-client" : "task", body.DeadlineHours ?? 8), user.Actor());
            return result.Ok ? Results.Created($"/api/contacts/{id}", result.Contact) : Problems.From(result.Error!);
        }).Requires(Capability.ContactTask, Resource.Contact());
        contacts.MapPost("/{id:guid}/tasks/{taskId}/complete", async (Guid id, string taskId, QualifyLeadRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var result = await grains.GetGrain<IContactGrain>(id).CompleteTask(taskId, body?.Note, user.Actor());
            return result.Ok ? Results.Ok(result.Contact) : Problems.From(result.Error!);
        }).Requires(Capability.ContactTask, Resource.Contact());
        app.MapGet("/api/contact-tasks", ListContactTasks).Requires(Capability.ContactRead).WithTags("Contacts");

        // The customer base's imports (/api/import/companies, /contacts) are mapped with the others in ImportEndpoints.

        var companies = app.MapGroup("/api/companies").WithTags("Contacts");
        companies.MapPost("/", CreateCompany).Requires(Capability.CompanyCreate);
        companies.MapGet("/{id:guid}", async (Guid id, IGrainFactory grains) =>
            await grains.GetGrain<ICompanyGrain>(id).Get() is { } c ? Results.Ok(c) : Problems.NotFound($"Company {id} does not exist."))
            .Requires(Capability.CompanyRead, Resource.Company());

        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications");
        notifications.MapGet("/", (bool? unread, int? limit, ClaimsPrincipal user, LeadQueries queries, CancellationToken ct) =>
            queries.ListNotificationsAsync(user.Name(), unread ?? false, limit ?? 100, ct)).Requires(Capability.NotificationRead);
        notifications.MapPost("/read", async (ClaimsPrincipal user, LeadQueries queries, TimeProvider clock, CancellationToken ct) =>
            Results.Ok(new { marked = await queries.MarkNotificationsReadAsync(user.Name(), clock.GetUtcNow(), ct) })).Requires(Capability.NotificationRead);

        var queues = app.MapGroup("/api/queues").WithTags("Queues");
        queues.MapGet("/{department}", async (string department, ILeadDirectory directory, IGrainFactory grains) =>
            directory.DepartmentExists(department)
                ? Results.Ok(await grains.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf(department)).Get())
                : Problems.NotFound($"Unknown department '{department}'.")).Requires(Capability.QueueRead, Resource.Department());
        queues.MapPost("/{department}/presence", async (string department, PresenceRequest body, ClaimsPrincipal user, ILeadDirectory directory,
            AbsenceHandover handover, AccessGuard access, CancellationToken ct) =>
        {
            var who = string.IsNullOrWhiteSpace(body.User) ? user.Name() : body.User.Trim();
            if (!directory.DepartmentExists(department))
            {
                return Problems.NotFound($"Unknown department '{department}'.");
            }

            if (!directory.ManagersOf(department).Contains(who))
            {
                return Problems.Invalid("user", $"'{who}' is not a manager of {department}.");
            }

            // Own scope: one's own presence; department: the people of one's department.
            if (await access.DenyAsync(user, Capability.PresenceManage, ResourceKind.User, who, ct) is { } denied)
            {
                return denied;
            }

            return Results.Ok(await handover.SetPresenceAsync(department, who, body.Absent, user.Actor(), ct));
        }).Requires(Capability.PresenceManage, Resource.Department());
        queues.MapPost("/{department}/settings", async (string department, QueueSettingsRequest body, ClaimsPrincipal user, ILeadDirectory directory, IGrainFactory grains) =>
        {
            if (!directory.DepartmentExists(department))
            {
                return Problems.NotFound($"Unknown department '{department}'.");
            }

            if (body.Capacity is < 0 or > 10_000)
            {
                return Problems.Invalid("capacity", "'capacity' must be between 0 (no cap) and 10000.");
            }

            var queue = grains.GetGrain<ILeadQueueGrain>(LeadQueueGrain.KeyOf(department));
            var current = await queue.Get();
            await queue.Configure(body.Policy ?? current.Policy, body.Capacity ?? current.Capacity);
            return Results.Ok(await queue.Get());
        }).Requires(Capability.QueueManage, Resource.Department());
    }

    private static async Task<IResult> FoundLead(Guid id, IGrainFactory grains, Func<LeadView, Task<IResult>> then) =>
        await grains.GetGrain<ILeadGrain>(id).Get() is { } lead ? await then(lead) : Problems.NotFound($"Lead {id} does not exist.");

    /// <summary>The new assignee is within the assigner's reach: a supervisor hands leads to their own department's people.</summary>
    private static async Task<IResult> AssignLead(Guid id, AssignLeadRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access,
        UserDirectory users, CancellationToken ct)
    {
        if (body.Assignee is { Length: > 0 } assignee && users.UserExists(assignee)
            && await access.DenyAsync(user, Capability.LeadAssign, ResourceKind.User, assignee, ct) is { } denied)
        {
            return denied;
        }

        return await Reply(grains.GetGrain<ILeadGrain>(id).Assign(body.Assignee ?? "", body.Reason, user.Actor()));
    }

    /// <summary>A note answers only what it changed: not the lead's contact data, nor the deal it became.</summary>
    private static async Task<IResult> AddLeadNote(Guid id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await grains.GetGrain<ILeadGrain>(id).AddNote(body.Text ?? "", user.Actor());
        return result.Ok ? TypedResults.Ok(new LeadNoteResponse(id, result.Lead!.Status, result.Lead.Seq)) : Problems.From(result.Error!);
    }

    /// <summary>Short of "all": the tasks of the user's department's people, or only their own.</summary>
    private static async Task<IResult> ListContactTasks(string? executor, string? status, Guid? contactId, int? limit, ClaimsPrincipal user,
        LeadQueries queries, AccessPolicy access, UserDirectory users, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, Capability.ContactRead, ct);
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

        var items = await queries.ListContactTasksAsync(executor, string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : status ?? "Open",
            contactId, limit ?? 200, ct);
        return Results.Ok(items.Where(t => InReach(t.Executor)).ToList());
    }

    private static IResult Download((DocumentEntry Entry, byte[] Content)? document, Guid id) =>
        document is { } d ? Downloads.File(d.Content, d.Entry.ContentType, d.Entry.FileName) : Problems.NotFound($"Document {id} does not exist here.");

    /// <summary>The public form: anonymous, rate-limited per address, size-limited, idempotent by submission id.</summary>
    private static async Task<IResult> WebForm(HttpContext http, InquiryIntake intake, IOptions<WebFormOptions> options, CancellationToken ct)
    {
        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The form is larger than {max} bytes.");
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
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The form is larger than {max} bytes.");
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
        return Results.Accepted(value: new { submissionId = body.SubmissionId.Trim(), status = "received" });
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

    private static async Task<IResult> CreateLead(CreateLeadRequest body, ClaimsPrincipal user, InquiryIntake intake, IGrainFactory grains)
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
            ? Results.Created($"/api/leads/{outcome.LeadId}", new { outcome, lead })
            : Results.Ok(new { outcome, lead });
    }

    private static async Task<IResult> CreateCompany(CreateCompanyRequest body, ClaimsPrincipal user, IGrainFactory grains)
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

        return Results.Created($"/api/companies/{id}", company);
    }

    private static async Task<IResult> Reply(Task<LeadResult> command)
    {
        var result = await command;
        return result.Ok ? Results.Ok(result.Lead) : Problems.From(result.Error!);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{8,100}$")]
    private static partial Regex SubmissionIdPattern();

    [GeneratedRegex(@"^(\d{10}|\d{12})$")]
    private static partial Regex InnPattern();
}

/// <summary>What a note on a lead answers.</summary>
public sealed record LeadNoteResponse(Guid Id, LeadStatus Status, long Seq);

public sealed record LeadListQuery(string? Department, string? Assignee, string? Status, string? Channel, bool? Unassigned, string? Search, int? Limit, int? Offset);
