using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Domain.Deals;

/// <summary>What a new deal is made from.</summary>
public sealed record NewDeal(
    string Title,
    string Company,
    string? Contact,
    string Owner,
    string Department,
    decimal? Amount,
    string? Currency,
    IReadOnlyList<DealLine>? Lines,
    IReadOnlyDictionary<string, string>? Parameters,
    Guid? CompanyId = null,
    Guid? ContactId = null,
    SubProcessOrigin? Parent = null);

/// <summary>The parent deal and stage that started a deal as a sub-process.</summary>
public sealed record SubProcessOrigin(Guid DealId, string Title, string Stage);

/// <summary>What a person changes about a deal; null leaves a value as it is.</summary>
public sealed record DealDetailsChange(string? Title, decimal? Amount, string? Currency, DateOnly? ExpectedCloseDate, string? Owner);

public sealed record DocumentInfo(Guid Id, string Kind, string FileName, string ContentType, long Size);

/// <summary>Whom a deal is stuck on (the executor of the oldest open task of its stage, or the owner) and since when.</summary>
public sealed record StuckOn(string User, DateTimeOffset Since, string? TaskId, string? TaskTitle);

/// <summary>One deal's share of one person's workload; manager grains sum the shares of all deals.</summary>
public sealed record WorkloadShare(int OpenTasks, int OverdueTasks, int OpenDeals)
{
    public static WorkloadShare None { get; } = new(0, 0, 0);
}

/// <summary>
/// The deal aggregate: the stage machine of one deal over its <see cref="DealState"/> and the process version it
/// runs. Every command checks everything first and only then mutates, recording activities (the journal and the
/// events consumers receive) with consecutive sequence numbers.
/// </summary>
public sealed class Deal
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;
    public const string LostReviewTaskId = "lost-review";

    /// <summary>Working hours the supervisor has to review a lost deal.</summary>
    public const double LostReviewHours = 16;

    public const string OrderProblemTaskId = "order-problem";

    /// <summary>Working hours to fix a deal whose automatic order failed.</summary>
    public const double OrderProblemHours = 4;

    public const int MaxLines = 200;

    public const string SubProcessProblemTaskId = "sub-process-problem";

    /// <summary>Working hours the owner has to decide about a lost sub-process.</summary>
    public const double SubProcessProblemHours = 8;

    /// <summary>
    /// The id of the child deal a stage visit starts: derived from the parent's id, the stage and the visit, so a
    /// retried stage entry (a replayed publication) finds the same child, while a later visit of the stage (a loop
    /// back after a lost child) starts a fresh one.
    /// </summary>
    public static Guid SubProcessIdFor(Guid parentId, string stage, int visit) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"sub-process:{parentId:N}:{stage}:{visit}")));

    private readonly DealState _state;
    private readonly ProcessDefinition _process;
    private readonly IDealDirectory _directory;
    private readonly List<DealActivity> _recorded = [];
    private readonly List<DealTask> _cancelledByMove = [];

    public Deal(DealState state, ProcessDefinition process, IDealDirectory directory)
    {
        if (state.Exists && (state.ProcessKind != process.Kind || state.ProcessVersion != process.Version))
        {
            throw new ArgumentException($"Deal {state.Id} runs {state.ProcessKind} v{state.ProcessVersion}, not {process.Kind} v{process.Version}.");
        }

        _state = state;
        _process = process;
        _directory = directory;
    }

    public DealState State => _state;

    public ProcessDefinition Process => _process;

    /// <summary>Activities recorded by commands on this instance (already appended to the outbox).</summary>
    public IReadOnlyList<DealActivity> Recorded => _recorded;

    public StageDefinition CurrentStage => _process.Stage(_state.Stage);

    public bool IsOpen => _state.Status == DealStatus.Open;

    // ---------------------------------------------------------------- commands

    /// <summary>Starts a new deal in the process's initial stage and fans out its tasks.</summary>
    public void Start(Guid id, NewDeal command, Actor actor, DateTimeOffset now)
    {
        if (_state.Exists)
        {
            throw new Rejection(RejectionCode.Conflict, $"Deal {_state.Id} already exists.");
        }

        if (id == Guid.Empty)
        {
            throw Rejection.Invalid("id", "The deal id must not be empty.");
        }

        RequireText("title", command.Title, MaxTitleLength);
        RequireText("company", command.Company, MaxTitleLength);
        RequireText("owner", command.Owner, 100);
        RequireText("department", command.Department, 100);
        if (!_directory.UserExists(command.Owner))
        {
            throw Rejection.Invalid("owner", $"Unknown user '{command.Owner}'.");
        }

        if (command.Amount is < 0)
        {
            throw Rejection.Invalid("amount", "The amount must not be negative.");
        }

        if (command.Amount is { } amount && ColumnRanges.MoneyProblem("amount", amount) is { } tooLarge)
        {
            throw Rejection.Invalid("amount", tooLarge);
        }

        var currency = (command.Currency ?? "EUR").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Rejection.Invalid("currency", "The currency must be a three-letter ISO 4217 code.");
        }

        var lines = command.Lines ?? [];
        for (var i = 0; i < lines.Count; i++)
        {
            ValidateLine(lines[i], $"lines[{i}]");
        }

        if (command.Amount is null && ColumnRanges.MoneyProblem("lines", lines.Sum(l => l.Total)) is { } sumTooLarge)
        {
            throw Rejection.Invalid("lines", sumTooLarge);
        }

        var parameters = ValidateParameters(command.Parameters ?? new Dictionary<string, string>());
        RequireWritable(parameters.Keys, actor);

        _state.Id = id;
        _state.Title = command.Title.Trim();
        _state.ProcessKind = _process.Kind;
        _state.ProcessVersion = _process.Version;
        _state.Company = command.Company.Trim();
        _state.Contact = string.IsNullOrWhiteSpace(command.Contact) ? null : command.Contact.Trim();
        _state.CompanyId = command.CompanyId;
        _state.ContactId = command.ContactId;
        _state.Owner = command.Owner.Trim();
        _state.Department = command.Department.Trim();
        _state.Lines = [.. lines];
        _state.Amount = command.Amount ?? lines.Sum(l => l.Total);
        _state.Currency = currency;
        _state.Parameters = new Dictionary<string, string>(parameters, StringComparer.OrdinalIgnoreCase);
        _state.Status = DealStatus.Open;
        _state.CreatedAt = now;
        _state.CreatedBy = actor.User;

        Record(ActivityKind.Created, actor, now, $"Deal created in process {_process.Name} (v{_process.Version}), owner {_state.Owner}.");
        if (command.Parent is { } parent)
        {
            _state.ParentDealId = parent.DealId;
            _state.ParentTitle = parent.Title;
            _state.ParentStage = parent.Stage;
            Record(ActivityKind.SubProcessStarted, actor, now, $"Started as a sub-process of deal '{parent.Title}' (stage {parent.Stage}): that deal waits until this one is won.",
                subject: parent.DealId.ToString());
        }

        Enter(_process.Stage(_process.InitialStage), actor, now);
        AdvanceAutomatically(now);
    }

    /// <summary>
    /// Moves the deal to <paramref name="toStage"/> by hand: the transition must exist, its condition hold, the stage's
    /// gates pass and the mover be one who may leave the stage (its <see cref="StageDefinition.LeftBy"/>; stages the
    /// order moves deals into are entered only by the order). A person's move that would cancel the stage's open tasks
    /// needs <paramref name="cancelOpenTasks"/>; <see cref="CancelledByMove"/> then lists them. The system (the order
    /// sync, seeding) moves without that flag: the order's state decides.
    /// </summary>
    public void Move(string toStage, Actor actor, string? lostReason, string? comment, DateTimeOffset now, bool cancelOpenTasks = false)
    {
        RequireOpen();
        if (string.IsNullOrWhiteSpace(toStage))
        {
            throw Rejection.Invalid("toStage", "The target stage is required.");
        }

        if (actor.User != _state.Owner && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the owner ({_state.Owner}) or a supervisor may move this deal.");
        }

        OptionalText("comment", comment, MaxTextLength);
        var stage = CurrentStage;
        var transition = stage.Transitions.FirstOrDefault(t => t.To == toStage && (t.When?.Holds(_state.Parameters) ?? true));
        if (transition is null)
        {
            var allowed = AllowedTransitions();
            var why = stage.Transitions.Any(t => t.To == toStage)
                ? $"The move to '{toStage}' does not apply to this deal's parameters."
                : $"'{stage.Name}' cannot move to '{toStage}'.";
            throw new Rejection(RejectionCode.TransitionNotAllowed, $"{why} Allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.", "toStage", allowed);
        }

        var target = _process.Stage(transition.To);
        RequireMayLeave(stage, target, actor);
        string? reason = null;
        if (target.Outcome == StageOutcome.Lost)
        {
            reason = lostReason?.Trim();
            if (string.IsNullOrEmpty(reason))
            {
                throw new Rejection(RejectionCode.Invalid, $"A lost deal needs a reason: one of {string.Join(", ", _process.LostReasons)}.", "lostReason", _process.LostReasons);
            }

            reason = _process.LostReasons.FirstOrDefault(r => string.Equals(r, reason, StringComparison.OrdinalIgnoreCase));
            if (reason is null)
            {
                throw new Rejection(RejectionCode.Invalid, $"Unknown lost reason '{lostReason}': use one of {string.Join(", ", _process.LostReasons)}.", "lostReason", _process.LostReasons);
            }
        }
        else if (!transition.SkipGates)
        {
            var missing = UnmetGates();
            if (missing.Count > 0)
            {
                throw new Rejection(RejectionCode.GateUnmet, $"'{stage.Name}' cannot be left yet: {string.Join("; ", missing)}.", null, missing);
            }
        }

        var open = CurrentVisitTasks().Where(t => t.IsOpen).ToList();
        if (open.Count > 0 && !cancelOpenTasks && !actor.IsSystem)
        {
            // Cancelling someone's work is a decision, never a side effect of a move.
            throw new Rejection(RejectionCode.OpenTasks,
                $"'{stage.Name}' has {open.Count} open task(s): {string.Join("; ", open.Select(Describe))}. Complete them first, or move with cancelOpenTasks: true to cancel them.",
                "cancelOpenTasks", open.Select(Describe).ToList());
        }

        if (!string.IsNullOrWhiteSpace(comment))
        {
            Record(ActivityKind.Note, actor, now, comment.Trim());
        }

        _state.LostReason = reason;
        Enter(target, actor, now);
        AdvanceAutomatically(now);
    }

    /// <summary>
    /// Reopens a lost deal in the stage it was lost from. Losing is a person's judgement that the head of the department
    /// may overrule (the review of a lost deal exists for that), so only they or an admin reopen, never the owner alone.
    /// The lost-deal review is done by reopening; the stage's tasks start again.
    /// </summary>
    public void Reopen(Actor actor, string? comment, DateTimeOffset now)
    {
        if (_state.Status != DealStatus.Lost)
        {
            throw new Rejection(RejectionCode.Conflict, $"Only a lost deal can be reopened; this one is {_state.Status.ToString().ToLowerInvariant()}.");
        }

        if (!actor.IsSystem && !actor.IsAdmin && !HeadsDepartment(actor))
        {
            var head = _directory.SupervisorOf(_state.Department);
            throw new Rejection(RejectionCode.Forbidden,
                $"Only the head of department '{_state.Department}'{(head is null ? "" : $" ({head})")} or an admin reopens a lost deal.");
        }

        OptionalText("comment", comment, MaxTextLength);
        var lostFrom = _state.StageHistory.Count >= 2 ? _state.StageHistory[^2].Stage : _process.InitialStage;
        var target = _process.FindStage(lostFrom) is { Outcome: null } stage ? stage : _process.Stage(_process.InitialStage);
        var reopened = Record(ActivityKind.Reopened, actor, now,
            $"Deal reopened (was lost: {_state.LostReason}){(string.IsNullOrWhiteSpace(comment) ? "" : $": {comment.Trim()}")}", subject: target.Id);
        foreach (var review in CurrentVisitTasks().Where(t => t.IsOpen && t.TemplateId == LostReviewTaskId).ToList())
        {
            review.Status = DealTaskStatus.Done;
            review.Result = "Deal reopened";
            review.CompletedAt = now;
            review.CompletedBy = actor.User;
            review.UpdatedSeq = reopened.Seq;
        }

        _state.Status = DealStatus.Open;
        _state.LostReason = null;
        _state.ClosedAt = null;
        Enter(target, actor, now);
    }

    /// <summary>
    /// Changes the deal's title, amount, currency, expected close date or owner while it is open and no order exists (an
    /// order carries its own amount and lines from then on). Who may change the deal may do this; the new owner works in
    /// the deal's department, and the open tasks that were the old owner's as owner follow the deal to the new one.
    /// </summary>
    public void ChangeDetails(DealDetailsChange change, bool orderExists, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (orderExists)
        {
            throw new Rejection(RejectionCode.Conflict, "The deal has an order: its amount, currency and lines are the order's now; change them there.");
        }

        if (!MayChange(actor))
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the owner ({_state.Owner}), a manager or the head of department '{_state.Department}', or an admin may change this deal.");
        }

        if (change.Title is not null)
        {
            RequireText("title", change.Title, MaxTitleLength);
        }

        if (change.Amount is { } amount && (amount < 0 || ColumnRanges.MoneyProblem("amount", amount) is not null))
        {
            throw Rejection.Invalid("amount", ColumnRanges.MoneyProblem("amount", amount) ?? "The amount must not be negative.");
        }

        if (change.Amount is { } following && following != _state.Amount && _state.Lines.Count > 0)
        {
            throw Rejection.Invalid("amount", $"The amount follows the deal's lines ({_state.Lines.Count}): change the lines, not the amount.");
        }

        var currency = change.Currency?.Trim().ToUpperInvariant();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            throw Rejection.Invalid("currency", "The currency must be a three-letter ISO 4217 code.");
        }

        if (change.ExpectedCloseDate is { } close && close < DateOnly.FromDateTime(_state.CreatedAt.UtcDateTime))
        {
            throw Rejection.Invalid("expectedCloseDate", $"The expected close date cannot be before the deal was opened ({_state.CreatedAt:yyyy-MM-dd}).");
        }

        var owner = change.Owner?.Trim();
        if (owner is not null)
        {
            RequireText("owner", owner, 100);
            if (!_directory.UserExists(owner))
            {
                throw Rejection.Invalid("owner", $"Unknown user '{owner}'.");
            }

            if (owner != _state.Owner && _directory.DepartmentOf(owner) != _state.Department)
            {
                throw Rejection.Invalid("owner", $"'{owner}' does not work in the deal's department '{_state.Department}'.");
            }
        }

        var changes = new List<string>();
        if (change.Title is { } title && title.Trim() != _state.Title)
        {
            changes.Add($"title '{_state.Title}' → '{title.Trim()}'");
        }

        if (change.Amount is { } newAmount && newAmount != _state.Amount)
        {
            changes.Add($"amount {_state.Amount:0.##} → {newAmount:0.##}");
        }

        if (currency is not null && currency != _state.Currency)
        {
            changes.Add($"currency {_state.Currency} → {currency}");
        }

        if (change.ExpectedCloseDate is { } date && date != _state.ExpectedCloseDate)
        {
            changes.Add($"expected close {(_state.ExpectedCloseDate is { } old ? old.ToString("yyyy-MM-dd") : "none")} → {date:yyyy-MM-dd}");
        }

        var newOwner = owner is not null && owner != _state.Owner ? owner : null;
        if (newOwner is not null)
        {
            changes.Add($"owner {_state.Owner} → {newOwner}");
        }

        if (changes.Count == 0)
        {
            return;
        }

        Record(ActivityKind.DetailsChanged, actor, now, "Details: " + string.Join(", ", changes));
        _state.Title = change.Title?.Trim() ?? _state.Title;
        _state.Amount = change.Amount ?? _state.Amount;
        _state.Currency = currency ?? _state.Currency;
        _state.ExpectedCloseDate = change.ExpectedCloseDate ?? _state.ExpectedCloseDate;
        if (newOwner is not null)
        {
            var previous = _state.Owner;
            _state.Owner = newOwner;
            foreach (var task in _state.Tasks.Where(t => t.IsOpen && t.Executor == previous && TemplateOf(t)?.Executor.Kind == ExecutorKind.Owner).ToList())
            {
                var moved = Record(ActivityKind.TaskReassigned, actor, now, $"Task {task.Title} reassigned from {previous} to {newOwner}: the deal's new owner", task.Id, newOwner);
                task.Executor = newOwner;
                task.UpdatedSeq = moved.Seq;
            }
        }
    }

    /// <summary>
    /// Points the deal at its company (and contact) record, open or closed (old deals get their record later); the
    /// names are kept for display. Linking the same record again changes nothing.
    /// </summary>
    public void LinkCompany(Guid companyId, string companyName, Guid? contactId, string? contactName, Actor actor, DateTimeOffset now)
    {
        if (!MayChange(actor))
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the owner ({_state.Owner}), a manager or the head of department '{_state.Department}', or an admin may change this deal.");
        }

        if (companyId == Guid.Empty)
        {
            throw Rejection.Invalid("companyId", "'companyId' is required.");
        }

        RequireText("company", companyName, MaxTitleLength);
        var contact = string.IsNullOrWhiteSpace(contactName) ? null : contactName.Trim();
        if (contact is { Length: > MaxTitleLength })
        {
            throw Rejection.Invalid("contact", $"'contact' is longer than {MaxTitleLength} characters.");
        }

        if (_state.CompanyId == companyId && _state.Company == companyName.Trim() && (contactId is null || _state.ContactId == contactId))
        {
            return;
        }

        Record(ActivityKind.CompanyLinked, actor, now,
            $"Company: {companyName.Trim()}{(contact is null ? "" : $", contact {contact}")}", subject: companyId.ToString());
        _state.CompanyId = companyId;
        _state.Company = companyName.Trim();
        if (contactId is not null)
        {
            _state.ContactId = contactId;
            _state.Contact = contact ?? _state.Contact;
        }
    }

    public void CompleteTask(string taskId, string? result, Actor actor, DateTimeOffset now)
    {
        var task = FindTask(taskId);
        if (!task.IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"Task {task.Id} is already {task.Status.ToString().ToLowerInvariant()}.");
        }

        RequireMayComplete(task, actor);

        OptionalText("result", result, MaxTextLength);
        var activity = Record(ActivityKind.TaskCompleted, actor, now, $"Task done: {task.Title}{(string.IsNullOrWhiteSpace(result) ? "" : $" — {result.Trim()}")}", task.Id);
        task.Status = DealTaskStatus.Done;
        task.Result = string.IsNullOrWhiteSpace(result) ? null : result.Trim();
        task.CompletedAt = now;
        task.CompletedBy = actor.User;
        task.UpdatedSeq = activity.Seq;
        AdvanceAutomatically(now);
    }

    public void ReassignTask(string taskId, string executor, Actor actor, string? reason, DateTimeOffset now)
    {
        var task = FindTask(taskId);
        if (!task.IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"Task {task.Id} is already {task.Status.ToString().ToLowerInvariant()}.");
        }

        RequireText("executor", executor, 100);
        executor = executor.Trim();
        if (!_directory.UserExists(executor))
        {
            throw Rejection.Invalid("executor", $"Unknown user '{executor}'.");
        }

        if (executor == task.Executor)
        {
            throw Rejection.Invalid("executor", $"Task {task.Id} is already {executor}'s.");
        }

        RequireMayReassign(task, executor, actor);

        OptionalText("reason", reason, MaxTextLength);
        var activity = Record(ActivityKind.TaskReassigned, actor, now,
            $"Task {task.Title} reassigned from {task.Executor} to {executor}{(string.IsNullOrWhiteSpace(reason) ? "" : $": {reason.Trim()}")}", task.Id, executor);
        task.Executor = executor;
        task.UpdatedSeq = activity.Seq;
    }

    /// <summary>Attaches a stored document to the current stage (gates look for documents of the stage's visit).</summary>
    public void AttachDocument(DocumentInfo document, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (document.Id == Guid.Empty)
        {
            throw Rejection.Invalid("documentId", "The document id must not be empty.");
        }

        RequireText("kind", document.Kind, 50);
        RequireText("fileName", document.FileName, 255);
        if (document.Size <= 0)
        {
            throw Rejection.Invalid("file", "The document is empty.");
        }

        if (_state.Documents.Any(d => d.Id == document.Id))
        {
            throw new Rejection(RejectionCode.Conflict, $"Document {document.Id} is already attached.");
        }

        var kind = document.Kind.Trim().ToLowerInvariant();
        Record(ActivityKind.DocumentAttached, actor, now, $"Document attached: {kind} '{document.FileName}'", subject: document.Id.ToString());
        _state.Documents.Add(new DealDocument
        {
            Id = document.Id,
            Kind = kind,
            FileName = document.FileName.Trim(),
            ContentType = document.ContentType,
            Size = document.Size,
            Stage = _state.Stage,
            StageVisit = _state.StageVisit,
            AttachedAt = now,
            AttachedBy = actor.User,
        });
        AdvanceAutomatically(now);
    }

    /// <summary>Sets or clears (empty value) deal parameters; only the process's fields are accepted.</summary>
    public void SetParameters(IReadOnlyDictionary<string, string?> values, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (values.Count == 0)
        {
            throw Rejection.Invalid("parameters", "No parameters given.");
        }

        var toSet = ValidateParameters(values.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!));
        var toClear = values.Where(kv => string.IsNullOrWhiteSpace(kv.Value)).Select(kv => kv.Key).ToList();
        foreach (var key in toClear)
        {
            RequireKnownField(key);
        }

        RequireWritable(toSet.Keys.Concat(toClear), actor);

        var changes = toSet.Where(kv => !_state.Parameters.TryGetValue(kv.Key, out var old) || old != kv.Value)
            .Select(kv => $"{kv.Key} = {kv.Value}")
            .Concat(toClear.Where(_state.Parameters.ContainsKey).Select(k => $"{k} cleared"))
            .ToList();
        if (changes.Count == 0)
        {
            return;
        }

        Record(ActivityKind.ParametersChanged, actor, now, "Parameters: " + string.Join(", ", changes));
        foreach (var (key, value) in toSet)
        {
            _state.Parameters[key] = value;
        }

        foreach (var key in toClear)
        {
            _state.Parameters.Remove(key);
        }

        AdvanceAutomatically(now);
    }

    /// <summary>Adds a party to the deal's environment (no id) or updates one; returns its id.</summary>
    public string SetParty(EnvironmentParty input, Actor actor, DateTimeOffset now)
    {
        RequireText("name", input.Name, MaxTitleLength);
        OptionalText("role", input.Role, MaxTitleLength);
        OptionalText("relation", input.Relation, MaxTitleLength);
        OptionalText("notes", input.Notes, MaxTextLength);
        if (!Enum.IsDefined(input.Kind))
        {
            throw Rejection.Invalid("kind", $"'kind' must be one of {string.Join(", ", Enum.GetNames<PartyKind>())}.");
        }

        if (input.Influence is < 0 or > 5)
        {
            throw Rejection.Invalid("influence", "'influence' goes from 0 (none) to 5 (decisive).");
        }

        var existing = string.IsNullOrEmpty(input.Id) ? null : _state.Environment.FirstOrDefault(p => p.Id == input.Id)
            ?? throw new Rejection(RejectionCode.NotFound, $"Deal {_state.Id} has no party '{input.Id}'.", "partyId");
        var id = existing?.Id ?? $"P{_state.NextPartyNumber}";
        var relatesTo = string.IsNullOrWhiteSpace(input.RelatesTo) ? null : input.RelatesTo.Trim();
        if (relatesTo is not null && relatesTo != EnvironmentParty.Customer
            && (relatesTo == id || _state.Environment.All(p => p.Id != relatesTo)))
        {
            throw Rejection.Invalid("relatesTo", $"'relatesTo' must be \"{EnvironmentParty.Customer}\" or the id of another party of this deal.");
        }

        var party = input with { Id = id, Name = input.Name.Trim(), RelatesTo = relatesTo, Role = input.Role?.Trim(), Relation = input.Relation?.Trim() };
        Record(ActivityKind.EnvironmentChanged, actor, now,
            $"{(existing is null ? "Added" : "Updated")} {party.Kind.ToString().ToLowerInvariant()} {party.Name}{(relatesTo is null ? "" : $" ({party.Relation ?? "related to"} {NameOf(relatesTo)})")}", subject: id);
        if (existing is null)
        {
            _state.NextPartyNumber++;
            _state.Environment.Add(party);
        }
        else
        {
            _state.Environment[_state.Environment.IndexOf(existing)] = party;
        }

        return id;
    }

    /// <summary>Removes a party; relations pointing at it are dropped with it.</summary>
    public void RemoveParty(string partyId, Actor actor, DateTimeOffset now)
    {
        var party = _state.Environment.FirstOrDefault(p => p.Id == partyId)
            ?? throw new Rejection(RejectionCode.NotFound, $"Deal {_state.Id} has no party '{partyId}'.", "partyId");
        Record(ActivityKind.EnvironmentChanged, actor, now, $"Removed {party.Kind.ToString().ToLowerInvariant()} {party.Name}", subject: partyId);
        _state.Environment.Remove(party);
        for (var i = 0; i < _state.Environment.Count; i++)
        {
            if (_state.Environment[i].RelatesTo == partyId)
            {
                _state.Environment[i] = _state.Environment[i] with { RelatesTo = null, Relation = null };
            }
        }
    }

    /// <summary>A journal note; one given a key (the system's, derived from its cause) is written once however often it is asked.</summary>
    public void AddNote(string text, Actor actor, DateTimeOffset now, string? key = null)
    {
        RequireText("text", text, MaxTextLength);
        if (!JournalKeys.Remember(_state.RecentLogKeys, key))
        {
            return;
        }

        Record(ActivityKind.Note, actor, now, text.Trim());
    }

    /// <summary>
    /// Flags tasks whose deadline has passed (the executor is told) and escalates those still open after the
    /// process's grace (the supervisor is told). Idempotent: a repeated or late tick flags nothing twice.
    /// </summary>
    public void CheckDeadlines(DateTimeOffset now)
    {
        foreach (var task in _state.Tasks.Where(t => t.IsOpen).OrderBy(t => t.Deadline).ToList())
        {
            if (task.OverdueAt is null && task.Deadline <= now)
            {
                var activity = Record(ActivityKind.TaskOverdue, Actor.System, now, $"Task overdue: {task.Title} ({task.Executor}, due {task.Deadline:u})", task.Id, task.Executor);
                task.OverdueAt = now;
                task.EscalationDueAt = _directory.CalendarOf(task.Executor).AddWorkingHours(task.Deadline, _process.EscalationGraceHours);
                task.UpdatedSeq = activity.Seq;
            }

            if (task.OverdueAt is not null && task.EscalatedAt is null && task.EscalationDueAt <= now)
            {
                var supervisor = _directory.SupervisorOf(_state.Department) ?? _state.Owner;
                var activity = Record(ActivityKind.TaskEscalated, Actor.System, now, $"Overdue task escalated to {supervisor}: {task.Title} ({task.Executor})", task.Id, supervisor);
                task.EscalatedAt = now;
                task.EscalatedTo = supervisor;
                task.UpdatedSeq = activity.Seq;
            }
        }
    }

    /// <summary>
    /// An order names this deal: refused unless its creator may change the deal (an order drives the deal through the
    /// system account, so linking one is a change of the deal). Changes nothing.
    /// </summary>
    public void AcceptOrderLink(Guid orderId, Actor creator)
    {
        if (!MayChange(creator))
        {
            throw new Rejection(RejectionCode.Forbidden,
                $"{creator.User} may not link order {orderId} to deal {_state.Id}: only its owner, a manager or the head of department '{_state.Department}', or an admin may.",
                "dealId");
        }
    }

    /// <summary>
    /// Replaces the deal's lines while it is open and has no order (from then on the order carries them); the amount
    /// follows the lines. Who may change the deal may do this. An order problem stays until the order is made (the
    /// new lines let the automatic order try again).
    /// </summary>
    public void SetLines(IReadOnlyList<DealLine> lines, bool orderExists, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        if (orderExists || _state.Order is not null)
        {
            throw new Rejection(RejectionCode.Conflict, "The deal has an order: its lines are the order's now; change them there.", "lines");
        }

        if (!MayChange(actor))
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the owner ({_state.Owner}), a manager or the head of department '{_state.Department}', or an admin may change this deal's lines.");
        }

        if (lines.Count > MaxLines)
        {
            throw Rejection.Invalid("lines", $"A deal has at most {MaxLines} lines.");
        }

        var normalized = new List<DealLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            ValidateLine(lines[i], $"lines[{i}]");
            normalized.Add(lines[i] with { Sku = lines[i].Sku.Trim().ToUpperInvariant(), Name = string.IsNullOrWhiteSpace(lines[i].Name) ? null : lines[i].Name!.Trim() });
        }

        var amount = normalized.Sum(l => l.Total);
        if (ColumnRanges.MoneyProblem("lines", amount) is { } tooLarge)
        {
            throw Rejection.Invalid("lines", tooLarge);
        }

        if (normalized.SequenceEqual(_state.Lines) && (normalized.Count == 0 || amount == _state.Amount))
        {
            return;
        }

        Record(ActivityKind.LinesChanged, actor, now,
            $"Lines: {string.Join("; ", normalized.Select(l => $"{l.Sku} × {l.Quantity:0.###} à {l.Price:0.##}{(l.Discount == 0 ? "" : $" −{l.Discount:0.##}%")}"))}"
            + (normalized.Count == 0 ? "none" : $"; amount {_state.Amount:0.##} → {amount:0.##} {_state.Currency}"));
        _state.Lines = normalized;
        if (normalized.Count > 0)
        {
            _state.Amount = amount;
        }
    }

    /// <summary>
    /// The automatic order could not be made: the deal says why and is blocked (a gate) until it is; its owner and the
    /// head of the department get a task each. A repeat of the same problem changes nothing.
    /// </summary>
    public void ReportOrderProblem(string problem, DateTimeOffset now)
    {
        if (!IsOpen || _state.Order is not null || string.IsNullOrWhiteSpace(problem))
        {
            return;
        }

        problem = problem.Trim();
        if (problem.Length > MaxTextLength)
        {
            problem = problem[..MaxTextLength];
        }

        if (problem == _state.OrderProblem)
        {
            return;
        }

        _state.OrderProblem = problem;
        Record(ActivityKind.OrderProblem, Actor.System, now, $"The order could not be made from the deal's lines: {problem}", subject: "problem");
        var executors = new[] { _state.Owner, _directory.SupervisorOf(_state.Department) ?? _state.Owner }.Distinct();
        foreach (var executor in executors)
        {
            if (!CurrentVisitTasks().Any(t => t.IsOpen && t.TemplateId == OrderProblemTaskId && t.Executor == executor))
            {
                AddTask(OrderProblemTaskId, $"Fix the deal so its order can be made: {problem}", executor, OrderProblemHours, Actor.System, now);
            }
        }
    }

    /// <summary>
    /// The deal's order as its sync tells it: clears an order problem (its tasks are done), and the deal's amount
    /// follows the order's total (the difference is journalled).
    /// </summary>
    public void ApplyOrderState(DealOrderInfo order, DateTimeOffset now)
    {
        var before = _state.Order;
        if (_state.OrderProblem is not null)
        {
            var solved = Record(ActivityKind.OrderProblem, Actor.System, now, $"Order {order.OrderId:N} made: the problem is solved ({_state.OrderProblem}).", subject: "solved");
            _state.OrderProblem = null;
            foreach (var task in _state.Tasks.Where(t => t.IsOpen && t.TemplateId == OrderProblemTaskId))
            {
                task.Status = DealTaskStatus.Done;
                task.Result = "Order made";
                task.CompletedAt = now;
                task.CompletedBy = Actor.System.User;
                task.UpdatedSeq = solved.Seq;
            }
        }

        if (before == order)
        {
            AdvanceAutomatically(now);
            return;
        }

        var changes = new List<string>();
        if (IsOpen && order.Total != _state.Amount)
        {
            changes.Add($"amount {_state.Amount:0.##} → {order.Total:0.##} {_state.Currency} (the order's total)");
            _state.Amount = order.Total;
        }

        if (before?.Status != order.Status)
        {
            changes.Add($"order {order.Status.ToLowerInvariant()}");
        }

        if (order.ProductionPercent is { } percent && (before?.ProductionPercent != percent || before?.ProductionExpectedOn != order.ProductionExpectedOn))
        {
            changes.Add($"production {percent}% ready{(order.ProductionExpectedOn is { } on ? $", expected {on:yyyy-MM-dd}" : "")}");
        }

        _state.Order = order;
        if (changes.Count > 0)
        {
            Record(ActivityKind.OrderChanged, Actor.System, now, "Order: " + string.Join(", ", changes));
        }

        if (IsOpen)
        {
            AdvanceAutomatically(now);
        }
    }

    /// <summary>
    /// What a child deal reports (won, lost, reopened) or that it could not be started: journalled on this deal; a lost
    /// or failed child blocks the stage that waits for it (its gate says why) and gives the owner a task to decide; a
    /// won or reopened one closes that task. A repeat of the same state changes nothing.
    /// </summary>
    public void ApplySubProcessState(Guid childId, SubProcessStatus status, string? reason, DateTimeOffset now)
    {
        var child = _state.SubProcesses.FirstOrDefault(c => c.ChildId == childId);
        if (child is null || !Enum.IsDefined(status))
        {
            return;
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxTextLength })
        {
            reason = reason[..MaxTextLength];
        }

        if (child.Status == status && (status == SubProcessStatus.Running || child.Reason == reason))
        {
            return;
        }

        var text = status switch
        {
            SubProcessStatus.Won => $"Sub-process won: '{child.Title}' ({child.Kind}).",
            SubProcessStatus.Lost => $"Sub-process lost: '{child.Title}' ({child.Kind}): {reason}. The stage cannot be left until it is reopened and won.",
            SubProcessStatus.Failed => $"Sub-process '{child.Kind}' could not be started: {reason}. The stage cannot be left until it is.",
            _ => $"Sub-process reopened: '{child.Title}' ({child.Kind}).",
        };
        var changed = Record(ActivityKind.SubProcessChanged, Actor.System, now, text, subject: childId.ToString());
        child.Status = status;
        child.Reason = status is SubProcessStatus.Lost or SubProcessStatus.Failed ? reason : null;
        child.ClosedAt = status is SubProcessStatus.Won or SubProcessStatus.Lost ? now : null;

        var waiting = IsOpen && child.Stage == _state.Stage && child.StageVisit == _state.StageVisit;
        if (status is SubProcessStatus.Lost or SubProcessStatus.Failed)
        {
            if (waiting && !CurrentVisitTasks().Any(t => t.IsOpen && t.TemplateId == SubProcessProblemTaskId))
            {
                AddTask(SubProcessProblemTaskId, status == SubProcessStatus.Lost
                    ? $"Sub-process '{child.Title}' lost ({reason}): reopen it or decide how the deal goes on"
                    : $"Sub-process '{child.Kind}' could not be started ({reason}): fix it or decide how the deal goes on",
                    _state.Owner, SubProcessProblemHours, Actor.System, now);
            }

            return;
        }

        foreach (var task in _state.Tasks.Where(t => t.IsOpen && t.TemplateId == SubProcessProblemTaskId && t.Stage == child.Stage && t.StageVisit == child.StageVisit))
        {
            task.Status = DealTaskStatus.Done;
            task.Result = status == SubProcessStatus.Won ? "Sub-process won" : "Sub-process reopened";
            task.CompletedAt = now;
            task.CompletedBy = Actor.System.User;
            task.UpdatedSeq = changed.Seq;
        }

        if (IsOpen)
        {
            AdvanceAutomatically(now);
        }
    }

    // ---------------------------------------------------------------- queries

    /// <summary>The open tasks the last move on this instance cancelled (the move's answer names them).</summary>
    public IReadOnlyList<DealTask> CancelledByMove => _cancelledByMove;

    /// <summary>
    /// Who may change the deal at all: the system, an admin, its owner, the head of its department, or a manager or
    /// supervisor of its department.
    /// </summary>
    public bool MayChange(Actor actor) =>
        actor.IsSystem || actor.IsAdmin || actor.User == _state.Owner || HeadsDepartment(actor)
        || (_directory.DepartmentOf(actor.User) == _state.Department
            && (actor.Roles.Contains(Domain.Roles.Manager) || actor.Roles.Contains(Domain.Roles.Supervisor)));

    /// <summary>The head of the deal's department: the department's supervisor, or a supervisor working in it.</summary>
    public bool HeadsDepartment(Actor actor) =>
        actor.Roles.Contains(Domain.Roles.Supervisor)
        && (_directory.SupervisorOf(_state.Department) == actor.User || _directory.DepartmentOf(actor.User) == _state.Department);

    /// <summary>Whether the task reviews the owner's work: the lost-deal review, or a template that is one (four-eyes).</summary>
    public bool IsReview(DealTask task) =>
        task.TemplateId == LostReviewTaskId || TemplateOf(task)?.IsReview == true;

    /// <summary>When the deal next has something to flag (a deadline or an escalation), if ever.</summary>
    public DateTimeOffset? NextWakeAt =>
        _state.Tasks.Where(t => t.IsOpen)
            .Select(t => t.OverdueAt is null ? t.Deadline : t.EscalatedAt is null ? t.EscalationDueAt : null)
            .Where(t => t is not null)
            .Min();

    public StuckOn? StuckOn
    {
        get
        {
            if (!IsOpen)
            {
                return null;
            }

            var oldest = CurrentVisitTasks().Where(t => t.IsOpen).OrderBy(t => t.CreatedAt).ThenBy(t => t.Deadline).FirstOrDefault();
            return oldest is null
                ? new StuckOn(_state.Owner, _state.StageEnteredAt, null, null)
                : new StuckOn(oldest.Executor, oldest.CreatedAt, oldest.Id, oldest.Title);
        }
    }

    /// <summary>Stages the deal may move to now (transitions whose condition holds).</summary>
    public IReadOnlyList<string> AllowedTransitions() =>
        IsOpen
            ? CurrentStage.Transitions.Where(t => t.When?.Holds(_state.Parameters) ?? true).Select(t => t.To).Distinct().ToList()
            : [];

    /// <summary>What the current stage still needs before it may be left forward, in words.</summary>
    public IReadOnlyList<string> UnmetGates()
    {
        var stage = CurrentStage;
        var missing = new List<string>();
        if (_state.OrderProblem is { } problem)
        {
            missing.Add($"the order from the deal's lines made (now: {problem})");
        }

        foreach (var child in _state.SubProcesses.Where(c => c.Stage == stage.Id && c.StageVisit == _state.StageVisit && c.Status != SubProcessStatus.Won))
        {
            missing.Add(child.Status switch
            {
                SubProcessStatus.Lost => $"the sub-process '{child.Title}' won (it was lost: {child.Reason}; reopen it, or take the deal another way)",
                SubProcessStatus.Failed => $"the sub-process '{child.Kind}' started (it could not be: {child.Reason})",
                _ => $"the sub-process '{child.Title}' won (running, owner {child.Owner})",
            });
        }

        foreach (var gate in stage.Gates)
        {
            switch (gate.Kind)
            {
                case GateKind.Document:
                    if (!_state.Documents.Any(d => d.Stage == stage.Id && d.StageVisit == _state.StageVisit && d.Kind == gate.DocumentKind))
                    {
                        missing.Add(gate.Description ?? $"document '{gate.DocumentKind}' attached");
                    }

                    break;
                case GateKind.Field:
                    if (!_state.Parameters.TryGetValue(gate.Field!, out var value) || string.IsNullOrWhiteSpace(value))
                    {
                        missing.Add(gate.Description ?? $"field '{FieldLabel(gate.Field!)}' filled");
                    }

                    break;
                case GateKind.TasksDone:
                    var names = gate.Tasks.Count == 0 ? stage.Tasks.Select(t => t.Id).ToList() : gate.Tasks;
                    var tasks = CurrentVisitTasks().Where(t => names.Contains(t.TemplateId)).ToList();
                    var undone = tasks.Where(t => t.Status != DealTaskStatus.Done).Select(t => $"task '{t.Title}' done").ToList();
                    if (gate.Description is not null && undone.Count > 0)
                    {
                        missing.Add(gate.Description);
                    }
                    else
                    {
                        missing.AddRange(undone);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown gate kind {gate.Kind}.");
            }
        }

        return missing;
    }

    /// <summary>Each person's share of open tasks, overdue tasks and open deals from this deal.</summary>
    public IReadOnlyDictionary<string, WorkloadShare> WorkloadShares()
    {
        var shares = new Dictionary<string, WorkloadShare>();
        foreach (var task in _state.Tasks.Where(t => t.IsOpen))
        {
            var s = shares.GetValueOrDefault(task.Executor, WorkloadShare.None);
            shares[task.Executor] = s with { OpenTasks = s.OpenTasks + 1, OverdueTasks = s.OverdueTasks + (task.OverdueAt is null ? 0 : 1) };
        }

        if (IsOpen && _state.Owner.Length > 0)
        {
            var s = shares.GetValueOrDefault(_state.Owner, WorkloadShare.None);
            shares[_state.Owner] = s with { OpenDeals = 1 };
        }

        return shares;
    }

    public IEnumerable<DealTask> CurrentVisitTasks() =>
        _state.Tasks.Where(t => t.Stage == _state.Stage && t.StageVisit == _state.StageVisit);

    // ---------------------------------------------------------------- mechanics

    private void Enter(StageDefinition target, Actor actor, DateTimeOffset now)
    {
        var from = _state.Stage.Length == 0 ? null : CurrentStage;
        var cancelled = from is null ? [] : CurrentVisitTasks().Where(t => t.IsOpen && t.TemplateId != LostReviewTaskId).ToList();
        var text = from is null
            ? $"Stage: {target.Name}"
            : $"Stage: {from.Name} → {target.Name}{(cancelled.Count > 0 ? $" ({cancelled.Count} open task(s) cancelled: {string.Join("; ", cancelled.Select(Describe))})" : "")}";
        _cancelledByMove.AddRange(cancelled);
        var moved = Record(ActivityKind.StageChanged, actor, now, text, subject: target.Id);
        foreach (var task in cancelled)
        {
            task.Status = DealTaskStatus.Cancelled;
            task.CompletedAt = now;
            task.CompletedBy = actor.User;
            task.UpdatedSeq = moved.Seq;
        }

        if (_state.StageHistory.Count > 0)
        {
            _state.StageHistory[^1] = _state.StageHistory[^1] with { LeftAt = now };
        }

        _state.Stage = target.Id;
        _state.StageVisit++;
        _state.StageEnteredAt = now;
        _state.StageHistory.Add(new StageVisitRecord(target.Id, _state.StageVisit, now, null, actor.User));

        foreach (var template in target.Tasks)
        {
            AddTask(template.Id, template.Title, ResolveExecutor(template.Executor), template.DeadlineHours, actor, now);
        }

        if (target.SubProcess is { } sub && target.Outcome is null)
        {
            StartSubProcess(target, sub, actor, now);
        }

        if (_process.OrderLink?.CreateAt == target.Id && _state.Lines.Count == 0 && _state.Order is null)
        {
            ReportOrderProblem("the deal has no lines (add the goods or services agreed)", now);
        }

        switch (target.Outcome)
        {
            case StageOutcome.Won:
                _state.Status = DealStatus.Won;
                _state.ClosedAt = now;
                Record(ActivityKind.Won, actor, now, $"Deal won: {_state.Amount:0.##} {_state.Currency}");
                break;
            case StageOutcome.Lost:
                _state.Status = DealStatus.Lost;
                _state.ClosedAt = now;
                Record(ActivityKind.Lost, actor, now, $"Deal lost: {_state.LostReason}", subject: _state.LostReason);
                var reviewer = _directory.SupervisorOf(_state.Department) ?? _state.Owner;
                AddTask(LostReviewTaskId, $"Review lost deal: {_state.Title} ({_state.LostReason}, {_state.Owner})", reviewer, LostReviewHours, actor, now);
                break;
        }
    }

    /// <summary>
    /// Records the child deal the stage starts (the grain's publication creates it, with this id, from the record); the
    /// stage then waits for it to be won.
    /// </summary>
    private void StartSubProcess(StageDefinition stage, SubProcessDefinition sub, Actor actor, DateTimeOffset now)
    {
        var childId = SubProcessIdFor(_state.Id, stage.Id, _state.StageVisit);
        if (_state.SubProcesses.Any(c => c.ChildId == childId))
        {
            return;
        }

        var owner = sub.OwnerRole is null or "owner"
            ? _state.Owner
            : _directory.PickByRole(sub.OwnerRole, _state.Department, childId) ?? _directory.SupervisorOf(_state.Department) ?? _state.Owner;
        var title = $"{stage.Name}: {_state.Title}";
        if (title.Length > MaxTitleLength)
        {
            title = title[..MaxTitleLength];
        }

        _state.SubProcesses.Add(new SubProcessLink
        {
            ChildId = childId,
            Kind = sub.Kind,
            Stage = stage.Id,
            StageVisit = _state.StageVisit,
            Owner = owner,
            Title = title,
            Status = SubProcessStatus.Running,
            StartedAt = now,
        });
        Record(ActivityKind.SubProcessStarted, actor, now, $"Sub-process started: '{title}' ({sub.Kind}), owner {owner}; the stage waits until it is won.",
            subject: childId.ToString());
    }

    private void AddTask(string templateId, string title, string executor, double deadlineHours, Actor actor, DateTimeOffset now)
    {
        executor = _directory.StandInFor(executor, now);
        var task = new DealTask
        {
            Id = $"T{_state.NextTaskNumber++}",
            TemplateId = templateId,
            Stage = _state.Stage,
            StageVisit = _state.StageVisit,
            Title = title,
            Executor = executor,
            CreatedAt = now,
            Deadline = _directory.CalendarOf(executor).AddWorkingHours(now, deadlineHours),
            Status = DealTaskStatus.Open,
        };
        var activity = Record(ActivityKind.TaskCreated, actor, now, $"Task for {executor}: {title} (due {task.Deadline:u})", task.Id, executor);
        task.UpdatedSeq = activity.Seq;
        _state.Tasks.Add(task);
    }

    /// <summary>In automatic mode, leaves every stage whose tasks are done and whose gates pass, by its first applicable transition.</summary>
    private void AdvanceAutomatically(DateTimeOffset now)
    {
        if (_process.Mode != RoutingMode.Automatic)
        {
            return;
        }

        // Bounded: a definition can never make this spin, whatever its transitions.
        for (var hops = 0; hops < _process.Stages.Count && IsOpen; hops++)
        {
            var stage = CurrentStage;
            if (CurrentVisitTasks().Any(t => t.Status != DealTaskStatus.Done) || UnmetGates().Count > 0)
            {
                return;
            }

            var next = stage.Transitions.FirstOrDefault(t =>
                !t.ManualOnly
                && (t.When?.Holds(_state.Parameters) ?? true)
                && _process.Stage(t.To).Outcome != StageOutcome.Lost);
            if (next is null)
            {
                return;
            }

            Enter(_process.Stage(next.To), Actor.System, now);
        }
    }

    private string ResolveExecutor(ExecutorRule rule) => rule.Kind switch
    {
        ExecutorKind.Owner => _state.Owner,
        ExecutorKind.User when rule.User is not null && _directory.UserExists(rule.User) => rule.User,
        ExecutorKind.Role when rule.Role is not null => _directory.PickByRole(rule.Role, _state.Department, _state.Id)
            ?? _directory.SupervisorOf(_state.Department) ?? _state.Owner,
        ExecutorKind.Supervisor => _directory.SupervisorOf(_state.Department) ?? _state.Owner,
        // A named user who has left: the owner gets the task rather than nobody.
        _ => _state.Owner,
    };

    private DealActivity Record(ActivityKind kind, Actor actor, DateTimeOffset now, string text, string? taskId = null, string? subject = null)
    {
        var activity = new DealActivity(++_state.Seq, now, actor.User, kind, _state.Stage, text, taskId, subject);
        _state.Outbox.Add(activity);
        _recorded.Add(activity);
        return activity;
    }

    private static string Describe(DealTask task) => $"{task.Id} '{task.Title}' ({task.Executor})";

    private TaskTemplate? TemplateOf(DealTask task) =>
        _process.FindStage(task.Stage)?.Tasks.FirstOrDefault(t => t.Id == task.TemplateId);

    /// <summary>
    /// A task is completed by its executor; a role task also by another holder of that role in the deal's department;
    /// for a colleague who is away, by the head of the department or an admin. The person a review is about (the
    /// deal's owner) never completes it, whoever they are (four-eyes). The system is not a person.
    /// </summary>
    private void RequireMayComplete(DealTask task, Actor actor)
    {
        if (actor.IsSystem)
        {
            return;
        }

        if (IsReview(task) && actor.User == _state.Owner)
        {
            throw new Rejection(RejectionCode.Forbidden,
                $"Task {task.Id} '{task.Title}' reviews the work of the deal's owner ({_state.Owner}): the owner cannot complete it (four-eyes); it is {task.Executor}'s.", "taskId");
        }

        var role = TemplateOf(task)?.Executor is { Kind: ExecutorKind.Role, Role: { } r } ? r : null;
        if (actor.User == task.Executor
            || (role is not null && actor.Roles.Contains(role) && _directory.DepartmentOf(actor.User) is { } d && (d == _state.Department || d == _directory.DepartmentOf(task.Executor)))
            || actor.IsAdmin
            || HeadsDepartment(actor))
        {
            return;
        }

        throw new Rejection(RejectionCode.Forbidden,
            $"Task {task.Id} '{task.Title}' is {task.Executor}'s: only they{(role is null ? "" : $", another '{role}' of the department")}, the head of department '{_state.Department}' or an admin may complete it.", "taskId");
    }

    /// <summary>
    /// Like completing: the executor may hand a task on, the owner may hand on tasks that are not reviews of them, the
    /// head of the department and admins any task; a review never goes to the person it reviews.
    /// </summary>
    private void RequireMayReassign(DealTask task, string executor, Actor actor)
    {
        var review = IsReview(task);
        if (!actor.IsSystem)
        {
            if (review && actor.User == _state.Owner)
            {
                throw new Rejection(RejectionCode.Forbidden,
                    $"Task {task.Id} '{task.Title}' reviews the work of the deal's owner ({_state.Owner}): the owner cannot hand it on (four-eyes).", "taskId");
            }

            if (actor.User != task.Executor && actor.User != _state.Owner && !actor.IsAdmin && !HeadsDepartment(actor))
            {
                throw new Rejection(RejectionCode.Forbidden,
                    $"Only the executor ({task.Executor}), the deal's owner, the head of department '{_state.Department}' or an admin may reassign task {task.Id}.", "taskId");
            }
        }

        if (review && executor == _state.Owner)
        {
            throw Rejection.Invalid("executor", $"Task {task.Id} '{task.Title}' reviews the work of the deal's owner: it cannot go to the owner ({executor}).");
        }
    }

    /// <summary>
    /// Who may take the deal out of <paramref name="stage"/> into <paramref name="target"/>: stages the order moves
    /// deals into, and stages left by the order, are passed only by the order; a review stage is left by the head of
    /// department or an admin, never by the owner reviewed.
    /// </summary>
    private void RequireMayLeave(StageDefinition stage, StageDefinition target, Actor actor)
    {
        if (actor.IsSystem)
        {
            return;
        }

        if (stage.LeftBy == StageLeaver.Order)
        {
            throw new Rejection(RejectionCode.Conflict,
                $"'{stage.Name}' follows the deal's order: the order's state moves the deal on, not a person (cancel the order to lose the deal).", "toStage");
        }

        if (_process.IsEnteredByOrder(target.Id))
        {
            throw new Rejection(RejectionCode.Conflict,
                $"'{target.Name}' is reached only through the deal's order: the order's state moves the deal there, not a person.", "toStage");
        }

        if (stage.LeftBy == StageLeaver.Supervisor && (actor.User == _state.Owner || !(actor.IsAdmin || HeadsDepartment(actor))))
        {
            var head = _directory.SupervisorOf(_state.Department);
            throw new Rejection(RejectionCode.Forbidden,
                $"'{stage.Name}' reviews the owner's work: only the head of department '{_state.Department}'{(head is null ? "" : $" ({head})")} or an admin, never the deal's owner, moves the deal on.", "toStage");
        }
    }

    /// <summary>Fields the system owns (the amount paid from the order) are written by the system only.</summary>
    private void RequireWritable(IEnumerable<string> keys, Actor actor)
    {
        if (actor.IsSystem)
        {
            return;
        }

        foreach (var key in keys)
        {
            if (_process.IsSystemField(key))
            {
                throw new Rejection(RejectionCode.Forbidden,
                    $"'{key}' ({FieldLabel(key)}) is written by the system from the deal's order (a payment recorded on the order); it cannot be set by hand.",
                    $"parameters.{key}");
            }
        }
    }

    private DealTask FindTask(string taskId) =>
        _state.Tasks.FirstOrDefault(t => t.Id == taskId)
        ?? throw new Rejection(RejectionCode.NotFound, $"Deal {_state.Id} has no task '{taskId}'.", "taskId");

    private void RequireOpen()
    {
        if (!IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"The deal is {_state.Status.ToString().ToLowerInvariant()} and can no longer change.");
        }
    }

    private Dictionary<string, string> ValidateParameters(IReadOnlyDictionary<string, string> values)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, raw) in values)
        {
            var field = RequireKnownField(key);
            var value = (raw ?? "").Trim();
            var path = $"parameters.{key}";
            if (value.Length > MaxTextLength)
            {
                throw Rejection.Invalid(path, $"'{key}' is longer than {MaxTextLength} characters.");
            }

            switch (field.Type)
            {
                case FieldType.Number when !decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _):
                    throw Rejection.Invalid(path, $"'{key}' must be a number.");
                case FieldType.Choice:
                    var choice = field.Choices.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase))
                        ?? throw Rejection.Invalid(path, $"'{key}' must be one of {string.Join(", ", field.Choices)}.");
                    value = choice;
                    break;
            }

            result[field.Name] = value;
        }

        return result;
    }

    private FieldDefinition RequireKnownField(string key) =>
        _process.Fields.FirstOrDefault(f => string.Equals(f.Name, key, StringComparison.OrdinalIgnoreCase))
        ?? throw Rejection.Invalid($"parameters.{key}", $"Process {_process.Kind} has no field '{key}'. Known: {string.Join(", ", _process.Fields.Select(f => f.Name))}.");

    private string NameOf(string partyOrCustomer) =>
        partyOrCustomer == EnvironmentParty.Customer ? _state.Company : _state.Environment.First(p => p.Id == partyOrCustomer).Name;

    private string FieldLabel(string name) => _process.Fields.FirstOrDefault(f => f.Name == name)?.Label ?? name;

    private static void ValidateLine(DealLine line, string path)
    {
        RequireText($"{path}.sku", line.Sku, 64);
        if (line.Quantity <= 0)
        {
            throw Rejection.Invalid($"{path}.quantity", "The quantity must be positive.");
        }

        if (line.Price < 0)
        {
            throw Rejection.Invalid($"{path}.price", "The price must not be negative.");
        }

        if (line.Discount is < 0 or > 100)
        {
            throw Rejection.Invalid($"{path}.discount", "The discount is a percentage from 0 to 100.");
        }

        if (line.Name is { Length: > MaxTitleLength })
        {
            throw Rejection.Invalid($"{path}.name", $"'name' is longer than {MaxTitleLength} characters.");
        }

        if (ColumnRanges.LineTotalProblem($"{path}.price", line.Quantity, line.Price) is { } tooLarge)
        {
            throw Rejection.Invalid($"{path}.price", tooLarge);
        }
    }

    private static void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        if (value.Length > maxLength)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
        }
    }

    private static void OptionalText(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
        }
    }
}
