using System.Globalization;
using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Processes;

/// <summary>
/// Checks a process definition before it is published. Reports every problem at once, each naming where it is
/// (e.g. <c>stages[3] 'proposal': transition to unknown stage 'foo'</c>), so a supervisor fixes a draft in one pass.
/// Defensive about nulls: a definition built in code or read from odd JSON must yield problems, not exceptions.
/// </summary>
public static partial class ProcessValidator
{
    /// <summary>Deals store document kinds lower-cased with at most this many characters.</summary>
    public const int MaxDocumentKindLength = 50;

    public static IReadOnlyList<string> Validate(ProcessDefinition d) => Validate(d, null);

    /// <summary>
    /// Checks the definition and, given the newest published version of every kind (<paramref name="published"/>), its
    /// sub-processes against them: each must be published, and none may lead back to this process (directly or through
    /// other processes' sub-processes), since such a deal would start children for ever.
    /// </summary>
    public static IReadOnlyList<string> Validate(ProcessDefinition d, IReadOnlyDictionary<string, ProcessDefinition>? published)
    {
        ArgumentNullException.ThrowIfNull(d);
        var problems = new List<string>();
        var stages = (d.Stages ?? []).ToList();
        var fields = (d.Fields ?? []).ToList();

        CheckHeader(d, problems);
        var fieldsByName = CheckFields(fields, problems);
        var stagesById = CheckStageIds(stages, problems);
        CheckInitialStage(d, stagesById, problems);

        for (var i = 0; i < stages.Count; i++)
        {
            if (stages[i] is { } stage)
            {
                CheckStage(d, stage, $"stages[{i}] '{stage.Id}'", stagesById, fieldsByName, problems);
            }
        }

        CheckLostReasons(d, stages, problems);
        CheckTranslations(d, stages, fields, problems);
        CheckOrderLink(d, stagesById, fieldsByName, problems);
        CheckSystemFields(d, problems);
        CheckGraph(d, stages, stagesById, problems);
        CheckSatisfactionRole(d, problems);
        if (published is not null)
        {
            CheckSubProcesses(d, stages, published, problems);
        }

        return problems;
    }

    public static void EnsureValid(ProcessDefinition d) => EnsureValid(d, null);

    public static void EnsureValid(ProcessDefinition d, IReadOnlyDictionary<string, ProcessDefinition>? published)
    {
        var problems = Validate(d, published);
        if (problems.Count > 0)
        {
            throw new ProcessDefinitionException(problems);
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex FieldNamePattern();

    private static void CheckHeader(ProcessDefinition d, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(d.Kind))
        {
            problems.Add("kind: is required");
        }
        else if (!IdPattern().IsMatch(d.Kind))
        {
            problems.Add($"kind '{d.Kind}': use lower-case letters, digits and single dashes (e.g. 'training-sales')");
        }

        if (string.IsNullOrWhiteSpace(d.Name))
        {
            problems.Add("name: is required");
        }

        if (d.Version < 0)
        {
            problems.Add($"version {d.Version}: must not be negative");
        }

        if (!Enum.IsDefined(d.Mode))
        {
            problems.Add($"mode {(int)d.Mode}: unknown routing mode");
        }

        if (!double.IsFinite(d.EscalationGraceHours) || d.EscalationGraceHours < 0)
        {
            problems.Add($"escalationGraceHours {Show(d.EscalationGraceHours)}: must be 0 or more working hours");
        }

        if (d.Stages is null || d.Stages.Count == 0)
        {
            problems.Add("stages: the process needs at least one stage");
        }
    }

    private static Dictionary<string, FieldDefinition> CheckFields(List<FieldDefinition> fields, List<string> problems)
    {
        // Deal parameters are looked up case-insensitively, so names differing only in case would collide.
        var byName = new Dictionary<string, FieldDefinition>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field is null)
            {
                problems.Add($"fields[{i}]: is empty");
                continue;
            }

            var where = $"fields[{i}] '{field.Name}'";
            if (string.IsNullOrWhiteSpace(field.Name))
            {
                problems.Add($"fields[{i}]: name is required");
                continue;
            }

            if (!FieldNamePattern().IsMatch(field.Name))
            {
                problems.Add($"{where}: name must start with a letter and hold only letters, digits, '-' or '_'");
            }

            if (!byName.TryAdd(field.Name, field))
            {
                problems.Add($"{where}: duplicate field name (names are compared ignoring case)");
            }

            if (!Enum.IsDefined(field.Type))
            {
                problems.Add($"{where}: unknown field type {(int)field.Type}");
            }

            var choices = field.Choices ?? [];
            if (field.Type == FieldType.Choice)
            {
                if (choices.Count == 0)
                {
                    problems.Add($"{where}: a choice field needs choices");
                }

                if (choices.Any(string.IsNullOrWhiteSpace))
                {
                    problems.Add($"{where}: choices must not be empty");
                }

                foreach (var duplicate in Duplicates(choices.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim())))
                {
                    problems.Add($"{where}: duplicate choice '{duplicate}'");
                }
            }
            else if (choices.Count > 0)
            {
                // Most likely a forgotten "type": "choice" — the values would silently not be enforced.
                problems.Add($"{where}: choices are only allowed on a choice field (type is {field.Type.ToString().ToLowerInvariant()})");
            }

            if (field.WrittenBy is { } writer && !Enum.IsDefined(writer))
            {
                problems.Add($"{where}: unknown writtenBy {(int)writer}");
            }
        }

        return byName;
    }

    private static Dictionary<string, StageDefinition> CheckStageIds(List<StageDefinition> stages, List<string> problems)
    {
        var byId = new Dictionary<string, StageDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage is null)
            {
                problems.Add($"stages[{i}]: is empty");
                continue;
            }

            if (string.IsNullOrWhiteSpace(stage.Id))
            {
                problems.Add($"stages[{i}]: id is required");
                continue;
            }

            if (!IdPattern().IsMatch(stage.Id))
            {
                problems.Add($"stages[{i}] '{stage.Id}': id must be lower-case letters, digits and single dashes");
            }

            if (!byId.TryAdd(stage.Id, stage))
            {
                problems.Add($"stages[{i}] '{stage.Id}': duplicate stage id");
            }
        }

        return byId;
    }

    private static void CheckInitialStage(ProcessDefinition d, Dictionary<string, StageDefinition> stagesById, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(d.InitialStage))
        {
            problems.Add("initialStage: is required");
        }
        else if (!stagesById.TryGetValue(d.InitialStage, out var initial))
        {
            problems.Add($"initialStage '{d.InitialStage}': no such stage");
        }
        else if (initial.IsTerminal)
        {
            problems.Add($"initialStage '{d.InitialStage}': must not be a terminal stage");
        }
    }

    private static void CheckStage(
        ProcessDefinition d,
        StageDefinition stage,
        string where,
        Dictionary<string, StageDefinition> stagesById,
        Dictionary<string, FieldDefinition> fieldsByName,
        List<string> problems)
    {
        var tasks = (stage.Tasks ?? []).ToList();
        var gates = (stage.Gates ?? []).ToList();
        var transitions = (stage.Transitions ?? []).ToList();

        if (string.IsNullOrWhiteSpace(stage.Name))
        {
            problems.Add($"{where}: name is required");
        }

        if (!double.IsFinite(stage.Probability) || stage.Probability is < 0 or > 1)
        {
            problems.Add($"{where}: probability {Show(stage.Probability)} must be between 0 and 1");
        }

        if (stage.Outcome is { } outcome && !Enum.IsDefined(outcome))
        {
            problems.Add($"{where}: unknown outcome {(int)outcome}");
        }
        else if (stage.Outcome == StageOutcome.Won && stage.Probability != 1)
        {
            problems.Add($"{where}: a won stage must have probability 1 (has {Show(stage.Probability)})");
        }
        else if (stage.Outcome == StageOutcome.Lost && stage.Probability != 0)
        {
            problems.Add($"{where}: a lost stage must have probability 0 (has {Show(stage.Probability)})");
        }

        if (stage.IsTerminal)
        {
            // A closed deal does no more work and goes nowhere.
            if (tasks.Count > 0)
            {
                problems.Add($"{where}: a terminal stage must not have tasks");
            }

            if (gates.Count > 0)
            {
                problems.Add($"{where}: a terminal stage must not have gates");
            }

            if (transitions.Count > 0)
            {
                problems.Add($"{where}: a terminal stage must not have transitions");
            }
        }
        else if (transitions.Count == 0)
        {
            problems.Add($"{where}: a non-terminal stage needs at least one transition");
        }

        CheckLeftBy(d, stage, transitions, where, problems);
        CheckSubProcess(d, stage, where, problems);
        CheckTasks(tasks, where, problems);
        CheckGates(stage, gates, tasks, where, fieldsByName, problems);
        CheckTransitions(d, stage, transitions, where, stagesById, fieldsByName, problems);
    }

    private static void CheckTasks(List<TaskTemplate> tasks, string where, List<string> problems)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task is null)
            {
                problems.Add($"{where}: tasks[{i}] is empty");
                continue;
            }

            var at = $"{where}: tasks[{i}] '{task.Id}'";
            if (string.IsNullOrWhiteSpace(task.Id))
            {
                problems.Add($"{where}: tasks[{i}] id is required");
            }
            else
            {
                if (!IdPattern().IsMatch(task.Id))
                {
                    problems.Add($"{at}: id must be lower-case letters, digits and single dashes");
                }

                if (!ids.Add(task.Id))
                {
                    problems.Add($"{at}: duplicate task id in this stage");
                }
            }

            if (string.IsNullOrWhiteSpace(task.Title))
            {
                problems.Add($"{at}: title is required");
            }

            if (!double.IsFinite(task.DeadlineHours) || task.DeadlineHours <= 0)
            {
                problems.Add($"{at}: deadlineHours {Show(task.DeadlineHours)} must be more than 0");
            }

            CheckExecutor(task.Executor, at, problems);
            if (task.Review == true && task.Executor?.Kind == ExecutorKind.Owner)
            {
                // Four-eyes: the person reviewed never completes their own review.
                problems.Add($"{at}: a review task cannot go to the deal's owner (the owner is the one reviewed)");
            }
        }
    }

    private static void CheckLeftBy(ProcessDefinition d, StageDefinition stage, List<TransitionDefinition> transitions, string where, List<string> problems)
    {
        if (stage.LeftBy is not { } leftBy)
        {
            return;
        }

        if (!Enum.IsDefined(leftBy))
        {
            problems.Add($"{where}: unknown leftBy {(int)leftBy}");
            return;
        }

        if (stage.IsTerminal)
        {
            problems.Add($"{where}: a terminal stage is never left, so it takes no leftBy");
            return;
        }

        if (leftBy != StageLeaver.Order)
        {
            return;
        }

        // Only the order moves the deal out: it must have a way to (a stage its states lead to, or the lost stage).
        if (d.OrderLink is not { } link)
        {
            problems.Add($"{where}: leftBy 'order' needs an orderLink (no order would ever move the deal on)");
        }
        else if (!transitions.Any(t => t?.To is not null && (link.Moves ?? []).Any(m => m?.To == t.To)))
        {
            problems.Add($"{where}: leftBy 'order' but no transition leads to a stage an orderLink move goes to");
        }
    }

    // Roles a person may hold that can own a child deal or make a call (not admin, integration or system accounts).
    private static readonly string[] WorkingRoles = [Roles.Manager, Roles.Supervisor, Roles.Marketer, Roles.Warehouse, Roles.Engineer];

    private static void CheckSubProcess(ProcessDefinition d, StageDefinition stage, string where, List<string> problems)
    {
        if (stage.SubProcess is not { } sub)
        {
            return;
        }

        if (stage.IsTerminal)
        {
            problems.Add($"{where}: a terminal stage starts no sub-process (the deal is closed)");
        }

        if (string.IsNullOrWhiteSpace(sub.Kind))
        {
            problems.Add($"{where}: subProcess.kind is required (the process kind the child deal runs)");
        }
        else if (!IdPattern().IsMatch(sub.Kind))
        {
            problems.Add($"{where}: subProcess.kind '{sub.Kind}' must be a process kind (lower-case letters, digits and single dashes)");
        }
        else if (sub.Kind == d.Kind)
        {
            problems.Add($"{where}: subProcess.kind '{sub.Kind}' is this process itself: a deal would start itself for ever (a cycle)");
        }

        if (sub.OwnerRole is { } role && !string.Equals(role, "owner", StringComparison.Ordinal) && !WorkingRoles.Contains(role))
        {
            problems.Add($"{where}: subProcess.ownerRole '{role}' is not 'owner' or one of the roles {string.Join(", ", WorkingRoles)}");
        }
    }

    private static void CheckSatisfactionRole(ProcessDefinition d, List<string> problems)
    {
        if (d.SatisfactionRole is { } role && !string.Equals(role, "owner", StringComparison.Ordinal) && !WorkingRoles.Contains(role))
        {
            problems.Add($"satisfactionRole '{role}': must be 'owner' (the deal's owner) or one of the roles {string.Join(", ", WorkingRoles)}");
        }
    }

    /// <summary>Every sub-process kind is published, and following sub-processes from this process never comes back to it.</summary>
    private static void CheckSubProcesses(ProcessDefinition d, List<StageDefinition> stages, IReadOnlyDictionary<string, ProcessDefinition> published, List<string> problems)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            if (stages[i]?.SubProcess?.Kind is not { Length: > 0 } kind || kind == d.Kind || !IdPattern().IsMatch(kind))
            {
                continue;
            }

            var where = $"stages[{i}] '{stages[i].Id}'";
            if (!published.ContainsKey(kind))
            {
                problems.Add($"{where}: subProcess.kind '{kind}' is not a published process (published: {string.Join(", ", published.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }

            if (PathBack(kind, d.Kind, published) is { } path)
            {
                problems.Add($"{where}: subProcess.kind '{kind}' leads back to this process: {d.Kind} → {string.Join(" → ", path)} (a cycle: deals would start each other for ever)");
            }
        }
    }

    // The kinds from `from` to `target` following published sub-processes (the draft replaces its own kind's published version), or null.
    private static List<string>? PathBack(string from, string target, IReadOnlyDictionary<string, ProcessDefinition> published)
    {
        var previous = new Dictionary<string, string?>(StringComparer.Ordinal) { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var kind))
        {
            if (kind == target)
            {
                var path = new List<string>();
                for (string? k = kind; k is not null; k = previous[k])
                {
                    path.Insert(0, k);
                }

                return path;
            }

            if (!published.TryGetValue(kind, out var definition))
            {
                continue;
            }

            foreach (var next in definition.SubProcessKinds())
            {
                if (previous.TryAdd(next, kind))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    private static void CheckExecutor(ExecutorRule? rule, string at, List<string> problems)
    {
        if (rule is null)
        {
            problems.Add($"{at}: executor is required");
            return;
        }

        var hasRole = !string.IsNullOrWhiteSpace(rule.Role);
        var hasUser = !string.IsNullOrWhiteSpace(rule.User);
        switch (rule.Kind)
        {
            case ExecutorKind.Role:
                if (!hasRole)
                {
                    problems.Add($"{at}: executor kind 'role' needs a role");
                }

                if (hasUser)
                {
                    problems.Add($"{at}: executor kind 'role' must not name a user");
                }

                break;
            case ExecutorKind.User:
                if (!hasUser)
                {
                    problems.Add($"{at}: executor kind 'user' needs a user");
                }

                if (hasRole)
                {
                    problems.Add($"{at}: executor kind 'user' must not name a role");
                }

                break;
            case ExecutorKind.Owner:
            case ExecutorKind.Supervisor:
                if (hasRole || hasUser)
                {
                    problems.Add($"{at}: executor kind '{rule.Kind.ToString().ToLowerInvariant()}' takes neither role nor user");
                }

                break;
            default:
                problems.Add($"{at}: unknown executor kind {(int)rule.Kind}");
                break;
        }
    }

    private static void CheckGates(
        StageDefinition stage,
        List<GateDefinition> gates,
        List<TaskTemplate> tasks,
        string where,
        Dictionary<string, FieldDefinition> fieldsByName,
        List<string> problems)
    {
        var taskIds = tasks.Where(t => t is not null).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < gates.Count; i++)
        {
            var gate = gates[i];
            var at = $"{where}: gates[{i}]";
            if (gate is null)
            {
                problems.Add($"{at} is empty");
                continue;
            }

            switch (gate.Kind)
            {
                case GateKind.Document:
                    if (string.IsNullOrWhiteSpace(gate.DocumentKind))
                    {
                        problems.Add($"{at} (document): documentKind is required");
                    }
                    else if (gate.DocumentKind != gate.DocumentKind.Trim().ToLowerInvariant() || gate.DocumentKind.Length > MaxDocumentKindLength)
                    {
                        // Attached documents are stored trimmed and lower-cased; any other spelling could never be met.
                        problems.Add($"{at} (document): documentKind '{gate.DocumentKind}' must be lower-case, without surrounding spaces, at most {MaxDocumentKindLength} characters");
                    }

                    break;
                case GateKind.Field:
                    if (string.IsNullOrWhiteSpace(gate.Field))
                    {
                        problems.Add($"{at} (field): field is required");
                    }
                    else if (!HasField(fieldsByName, gate.Field))
                    {
                        problems.Add($"{at} (field): unknown field '{gate.Field}'{Known(fieldsByName)}");
                    }

                    break;
                case GateKind.TasksDone:
                    var named = gate.Tasks ?? [];
                    if (named.Count == 0 && tasks.Count == 0)
                    {
                        problems.Add($"{at} (tasksDone): the stage has no tasks to wait for");
                    }

                    foreach (var task in named.Where(t => !taskIds.Contains(t ?? "")))
                    {
                        problems.Add($"{at} (tasksDone): unknown task '{task}' (this stage's tasks: {(taskIds.Count == 0 ? "none" : string.Join(", ", taskIds))})");
                    }

                    break;
                default:
                    problems.Add($"{at}: unknown gate kind {(int)gate.Kind}");
                    break;
            }
        }
    }

    private static void CheckTransitions(
        ProcessDefinition d,
        StageDefinition stage,
        List<TransitionDefinition> transitions,
        string where,
        Dictionary<string, StageDefinition> stagesById,
        Dictionary<string, FieldDefinition> fieldsByName,
        List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < transitions.Count; i++)
        {
            var transition = transitions[i];
            if (transition is null)
            {
                problems.Add($"{where}: transitions[{i}] is empty");
                continue;
            }

            if (string.IsNullOrWhiteSpace(transition.To))
            {
                problems.Add($"{where}: transitions[{i}] needs a target stage ('to')");
            }
            else if (!stagesById.ContainsKey(transition.To))
            {
                problems.Add($"{where}: transition to unknown stage '{transition.To}'");
            }
            else if (transition.To == stage.Id)
            {
                problems.Add($"{where}: transition to itself");
            }

            if (transition.When is { } when)
            {
                CheckCondition(when, $"{where}: transition to '{transition.To}' when", fieldsByName, problems);
            }

            // The same target twice is only meaningful when the conditions differ.
            var key = $"{transition.To}|{ConditionKey(transition.When)}";
            if (!string.IsNullOrWhiteSpace(transition.To) && !seen.Add(key))
            {
                problems.Add($"{where}: duplicate transition to '{transition.To}'");
            }
        }

        if (d.Mode == RoutingMode.Automatic && !stage.IsTerminal && transitions.Count > 0)
        {
            // The deal's automatic routing never takes manualOnly transitions nor moves to a lost stage.
            var automatic = transitions.Any(t => t is not null && !t.ManualOnly
                && stagesById.TryGetValue(t.To ?? "", out var target) && target.Outcome != StageOutcome.Lost);
            if (!automatic)
            {
                problems.Add($"{where}: in automatic mode the stage needs a transition that is not manualOnly and does not lead to a lost stage");
            }
        }
    }

    private static void CheckCondition(ConditionDefinition when, string at, Dictionary<string, FieldDefinition> fieldsByName, List<string> problems)
    {
        var values = when.In ?? [];
        if (values.Count == 0 || values.All(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{at}: the 'in' list must not be empty");
        }

        if (string.IsNullOrWhiteSpace(when.Field))
        {
            problems.Add($"{at}: field is required");
            return;
        }

        if (!fieldsByName.TryGetValue(when.Field, out var field) || field.Name != when.Field)
        {
            problems.Add($"{at}: unknown field '{when.Field}'{Known(fieldsByName)}");
            return;
        }

        if (field.Type == FieldType.Choice)
        {
            var choices = field.Choices ?? [];
            foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
            {
                if (!choices.Any(c => string.Equals(c?.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add($"{at}: '{value}' is not a choice of field '{field.Name}' ({string.Join(", ", choices)})");
                }
            }
        }
    }

    private static void CheckLostReasons(ProcessDefinition d, List<StageDefinition> stages, List<string> problems)
    {
        var reasons = d.LostReasons ?? [];
        if (stages.Any(s => s?.Outcome == StageOutcome.Lost) && reasons.Count == 0)
        {
            problems.Add("lostReasons: a process with a lost stage needs at least one lost reason");
        }

        if (reasons.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("lostReasons: reasons must not be empty");
        }

        // A deal names its reason ignoring case, so reasons differing only in case are one reason.
        foreach (var duplicate in Duplicates(reasons.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim())))
        {
            problems.Add($"lostReasons: duplicate reason '{duplicate}'");
        }
    }

    // Translations are optional, but a language code or a reason that names nothing is a typo that would silently show English.
    private static void CheckTranslations(ProcessDefinition d, List<StageDefinition> stages, List<FieldDefinition> fields, List<string> problems)
    {
        CheckNames("names", d.Names, problems);
        for (var i = 0; i < stages.Count; i++)
        {
            CheckNames($"stages[{i}] '{stages[i]?.Id}' names", stages[i]?.Names, problems);
            foreach (var task in stages[i]?.Tasks ?? [])
            {
                CheckNames($"stages[{i}] '{stages[i]?.Id}' task '{task?.Id}' titles", task?.Titles, problems);
            }
        }

        for (var i = 0; i < fields.Count; i++)
        {
            CheckNames($"fields[{i}] '{fields[i]?.Name}' labels", fields[i]?.Labels, problems);
        }

        var reasons = (d.LostReasons ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToList();
        foreach (var (reason, names) in d.LostReasonNames ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            if (!reasons.Contains(reason?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"lostReasonNames: '{reason}' is not one of the lostReasons");
            }

            CheckNames($"lostReasonNames '{reason}'", names, problems);
        }
    }

    private static void CheckNames(string at, IReadOnlyDictionary<string, string>? names, List<string> problems)
    {
        foreach (var (language, text) in names ?? new Dictionary<string, string>())
        {
            if (language == Languages.Neutral || !Languages.Supported.Contains(language))
            {
                problems.Add($"{at}: '{language}' is not a translation language (one of {string.Join(", ", Languages.Supported.Where(l => l != Languages.Neutral))})");
            }
            else if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add($"{at}: the '{language}' text is empty");
            }
        }
    }

    private static void CheckSystemFields(ProcessDefinition d, List<string> problems)
    {
        var fields = (d.Fields ?? []).ToList();
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] is { WrittenBy: FieldWriter.System } field
                && !string.Equals(field.Name, d.OrderLink?.PaidField, StringComparison.OrdinalIgnoreCase))
            {
                // The node writes only the amount paid (from the order); any other system field would stay empty forever.
                problems.Add($"fields[{i}] '{field.Name}': writtenBy 'system' is only for the orderLink's paidField (the system fills nothing else)");
            }
        }
    }

    private static void CheckOrderLink(
        ProcessDefinition d,
        Dictionary<string, StageDefinition> stagesById,
        Dictionary<string, FieldDefinition> fieldsByName,
        List<string> problems)
    {
        if (d.OrderLink is not { } link)
        {
            return;
        }

        if (link.Approval is { } approval)
        {
            problems.AddRange(approval.Validate("orderLink.approval"));
        }

        var moves = (link.Moves ?? []).ToList();
        if (link.CreateAt is null && link.PaidField is null && moves.Count == 0 && link.LostStage is null && link.Approval is null)
        {
            problems.Add("orderLink: names no createAt stage, paidField, moves or lostStage (leave it out when deals make no orders)");
        }

        if (link.CreateAt is not null)
        {
            if (!stagesById.TryGetValue(link.CreateAt, out var stage))
            {
                problems.Add($"orderLink.createAt '{link.CreateAt}': no such stage");
            }
            else if (stage.IsTerminal)
            {
                // A closed deal makes no order.
                problems.Add($"orderLink.createAt '{link.CreateAt}': must not be a terminal stage");
            }
        }

        if (string.IsNullOrWhiteSpace(link.Warehouse) || !IdPattern().IsMatch(link.Warehouse.Trim().ToLowerInvariant()))
        {
            problems.Add($"orderLink.warehouse '{link.Warehouse}': a warehouse id is required (letters, digits and single dashes)");
        }

        if (link.PaidField is not null)
        {
            if (!HasField(fieldsByName, link.PaidField))
            {
                problems.Add($"orderLink.paidField: unknown field '{link.PaidField}'{Known(fieldsByName)}");
            }
            else if (fieldsByName[link.PaidField].Type != FieldType.Number)
            {
                problems.Add($"orderLink.paidField '{link.PaidField}': must be a number field (it holds the amount paid)");
            }
            else if (fieldsByName[link.PaidField].WrittenBy == FieldWriter.People)
            {
                problems.Add($"orderLink.paidField '{link.PaidField}': is written by the system from the order's payments, not by people (drop writtenBy 'people')");
            }
        }

        var triggers = new HashSet<OrderLinkTrigger>();
        for (var i = 0; i < moves.Count; i++)
        {
            var move = moves[i];
            if (move is null)
            {
                problems.Add($"orderLink.moves[{i}]: is empty");
                continue;
            }

            var at = $"orderLink.moves[{i}]";
            if (!Enum.IsDefined(move.On))
            {
                problems.Add($"{at}: unknown trigger {(int)move.On}");
            }
            else if (!triggers.Add(move.On))
            {
                problems.Add($"{at}: a second move on '{Camel(move.On)}'");
            }

            if (string.IsNullOrWhiteSpace(move.To))
            {
                problems.Add($"{at}: needs a target stage ('to')");
            }
            else if (!stagesById.TryGetValue(move.To, out var target))
            {
                problems.Add($"{at}: move on '{Camel(move.On)}' to unknown stage '{move.To}'");
            }
            else if (target.Outcome == StageOutcome.Lost)
            {
                // Losing needs a reason: that is what lostStage and lostReason are for.
                problems.Add($"{at}: move on '{Camel(move.On)}' to lost stage '{move.To}' (use lostStage for a cancelled order)");
            }
        }

        if (link.LostStage is not null)
        {
            if (!stagesById.TryGetValue(link.LostStage, out var lost))
            {
                problems.Add($"orderLink.lostStage '{link.LostStage}': no such stage");
            }
            else if (lost.Outcome != StageOutcome.Lost)
            {
                problems.Add($"orderLink.lostStage '{link.LostStage}': must be a lost stage");
            }

            // The deal refuses a lost move whose reason is not the process's.
            if (string.IsNullOrWhiteSpace(link.LostReason))
            {
                problems.Add("orderLink.lostReason: is required with a lostStage");
            }
            else if (!(d.LostReasons ?? []).Any(r => string.Equals(r?.Trim(), link.LostReason.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"orderLink.lostReason '{link.LostReason}': not one of the process's lostReasons");
            }
        }
    }

    private static string Camel(OrderLinkTrigger trigger) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(trigger.ToString());

    private static void CheckGraph(ProcessDefinition d, List<StageDefinition> stages, Dictionary<string, StageDefinition> stagesById, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(d.InitialStage) || !stagesById.ContainsKey(d.InitialStage))
        {
            // Reachability from nowhere would only repeat the initialStage problem for every stage.
            return;
        }

        var reachable = Reach([d.InitialStage], id => Targets(stagesById[id], stagesById));
        var unreachable = stages.Where(s => s is not null && !string.IsNullOrWhiteSpace(s.Id) && !reachable.Contains(s.Id))
            .Select(s => $"'{s.Id}'").Distinct().ToList();
        if (unreachable.Count > 0)
        {
            problems.Add($"stages: not reachable from initial stage '{d.InitialStage}': {string.Join(", ", unreachable)}");
        }

        if (!reachable.Any(id => stagesById[id].Outcome == StageOutcome.Won))
        {
            problems.Add("stages: no won stage is reachable from the initial stage");
        }

        if (!reachable.Any(id => stagesById[id].Outcome == StageOutcome.Lost))
        {
            problems.Add("stages: no lost stage is reachable from the initial stage");
        }

        // Walk backwards from the terminals: every stage that can still finish.
        var predecessors = stagesById.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, stage) in stagesById)
        {
            foreach (var target in Targets(stage, stagesById))
            {
                predecessors[target].Add(id);
            }
        }

        var canFinish = Reach(stagesById.Values.Where(s => s.IsTerminal).Select(s => s.Id), id => predecessors[id]);
        var stuck = stages.Where(s => s is not null && reachable.Contains(s.Id) && !s.IsTerminal && !canFinish.Contains(s.Id))
            .Select(s => $"'{s.Id}'").Distinct().ToList();
        if (stuck.Count > 0)
        {
            problems.Add($"stages: no terminal stage can be reached from {string.Join(", ", stuck)} (a dead end or a cycle with no way out)");
        }
    }

    private static IEnumerable<string> Targets(StageDefinition stage, Dictionary<string, StageDefinition> stagesById) =>
        (stage.Transitions ?? []).Where(t => t is not null && t.To is not null && stagesById.ContainsKey(t.To)).Select(t => t.To);

    private static HashSet<string> Reach(IEnumerable<string> from, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string>(from, StringComparer.Ordinal);
        var queue = new Queue<string>(seen);
        while (queue.TryDequeue(out var id))
        {
            foreach (var n in next(id))
            {
                if (seen.Add(n))
                {
                    queue.Enqueue(n);
                }
            }
        }

        return seen;
    }

    // Gates and conditions name a field exactly as it is defined, so the UI's labels and lookups agree.
    private static bool HasField(Dictionary<string, FieldDefinition> fieldsByName, string name) =>
        fieldsByName.TryGetValue(name, out var field) && field.Name == name;

    private static string Known(Dictionary<string, FieldDefinition> fieldsByName) =>
        fieldsByName.Count == 0 ? " (the process defines no fields)" : $" (fields: {string.Join(", ", fieldsByName.Values.Select(f => f.Name))})";

    private static string ConditionKey(ConditionDefinition? when) =>
        when is null ? "" : $"{when.Field}|{when.Not}|{string.Join(",", (when.In ?? []).Select(v => v?.Trim().ToLowerInvariant()).Order())}";

    private static IEnumerable<string> Duplicates(IEnumerable<string> values) =>
        values.GroupBy(v => v, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key);

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
