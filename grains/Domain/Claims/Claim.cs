using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Domain.Claims;

/// <summary>Why a customer complains; the analytics group by it.</summary>
public static class ClaimReasons
{
    public const string Quality = "quality";
    public const string Damage = "damage";
    public const string Shortage = "shortage";
    public const string WrongItem = "wrong-item";
    public const string Delay = "delay";
    public const string Service = "service";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Quality, Damage, Shortage, WrongItem, Delay, Service, Other];
}

/// <summary>How a claim ends (1C:ERP CRM: замена, ремонт, возврат денег, отказ).</summary>
public enum ClaimResolution
{
    Replacement,
    Repair,
    Refund,
    Rejected,
}

public enum ClaimStatus
{
    Open,
    Resolved,
}

/// <summary>What the claim grain knows about the order a claim is raised on.</summary>
public sealed record ClaimOrder(Guid Id, string Status, string Customer, Guid? CompanyId, Guid? DealId, string Responsible,
    IReadOnlyDictionary<string, decimal> ShippedBySku, IReadOnlyDictionary<string, string> NameBySku);

/// <summary>What a new claim is made from (after the grain looked up its order).</summary>
public sealed record NewClaim(ClaimOrder? Order, Guid? CompanyId, string? Company, string Reason, string? Description,
    IReadOnlyList<ClaimItem>? Items, string? Responsible, double? DeadlineHours);

/// <summary>
/// The claim aggregate (Претензия / Reklamation): opened on a shipped order or on a customer, worked by a responsible
/// person against a deadline in their working hours, escalated to the head of their department when overdue (or by
/// hand), resolved by replacement, repair, refund or rejection. Every command checks first, then mutates and journals.
/// </summary>
public sealed class Claim(ClaimState state, IDealDirectory directory)
{
    public const int MaxTextLength = 4000;
    public const int MaxNameLength = 200;

    /// <summary>Working hours a claim has by default (two working days).</summary>
    public const double DefaultDeadlineHours = 16;

    /// <summary>At most this many working hours may be given (a quarter of a year of working days).</summary>
    public const double MaxDeadlineHours = 8 * 65;

    public ClaimState State => state;

    public bool IsOpen => state.Status == ClaimStatus.Open;

    /// <summary>Order states after something was shipped: a claim on goods needs them.</summary>
    public static readonly IReadOnlySet<string> ShippedStatuses = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Shipped", "Completed", "Archived" };

    public void Open(Guid id, NewClaim command, Actor actor, DateTimeOffset now)
    {
        if (state.Id != Guid.Empty)
        {
            throw new Rejection(RejectionCode.Conflict, $"Claim {state.Id} already exists.");
        }

        var reason = command.Reason?.Trim().ToLowerInvariant() ?? "";
        if (!ClaimReasons.All.Contains(reason))
        {
            throw Rejection.Invalid("reason", $"'reason' must be one of: {string.Join(", ", ClaimReasons.All)}.");
        }

        OptionalText("description", command.Description, MaxTextLength);
        var order = command.Order;
        if (order is not null && !ShippedStatuses.Contains(order.Status))
        {
            throw Rejection.Invalid("orderId", $"Order {order.Id} has shipped nothing yet ({order.Status}): a claim on an order needs a shipment.");
        }

        var company = Clean(command.Company) ?? order?.Customer;
        if (company is null)
        {
            throw Rejection.Invalid("companyId", "A claim is raised on a shipped order or on a customer: give 'orderId' or 'companyId'.");
        }

        if (company.Length > MaxNameLength)
        {
            throw Rejection.Invalid("company", $"'company' is longer than {MaxNameLength} characters.");
        }

        var items = command.Items ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item.Sku) || item.Sku.Length > 100)
            {
                throw Rejection.Invalid($"items[{i}].sku", "Every item needs a SKU (at most 100 characters).");
            }

            if (item.Quantity <= 0 || item.Quantity > 1_000_000)
            {
                throw Rejection.Invalid($"items[{i}].quantity", "The quantity must be positive.");
            }

            if (order is not null)
            {
                var shipped = order.ShippedBySku.GetValueOrDefault(item.Sku.Trim());
                var claimed = items.Where(x => x.Sku.Trim() == item.Sku.Trim()).Sum(x => x.Quantity);
                if (claimed > shipped)
                {
                    throw Rejection.Invalid($"items[{i}].quantity", $"Order {order.Id} shipped {shipped:0.###} of {item.Sku.Trim()}; {claimed:0.###} cannot be claimed.");
                }
            }
        }

        var responsible = Clean(command.Responsible) ?? order?.Responsible ?? actor.User;
        if (!directory.UserExists(responsible))
        {
            throw Rejection.Invalid("responsible", $"Unknown user '{responsible}'.");
        }

        var hours = command.DeadlineHours ?? DefaultDeadlineHours;
        if (double.IsNaN(hours) || hours <= 0 || hours > MaxDeadlineHours)
        {
            throw Rejection.Invalid("deadlineHours", $"'deadlineHours' must be between 0 and {MaxDeadlineHours} working hours.");
        }

        state.Id = id;
        state.OrderId = order?.Id;
        state.DealId = order?.DealId;
        state.CompanyId = command.CompanyId ?? order?.CompanyId;
        state.Company = company;
        state.Reason = reason;
        state.Description = Clean(command.Description);
        state.Items = items.Select(i => new ClaimItem(i.Sku.Trim(), Clean(i.Name) ?? order?.NameBySku.GetValueOrDefault(i.Sku.Trim()), i.Quantity)).ToList();
        state.Responsible = responsible;
        state.Department = directory.DepartmentOf(responsible);
        state.Manager = order?.Responsible;
        state.Status = ClaimStatus.Open;
        state.CreatedAt = now;
        state.CreatedBy = actor.User;
        state.Deadline = directory.CalendarOf(responsible).AddWorkingHours(now, hours);
        Record("Opened", actor.User, now,
            $"Claim opened ({reason}) for {company}{(order is null ? "" : $" on order {order.Id}")}; responsible {responsible}, due {state.Deadline:yyyy-MM-dd HH:mm} UTC");
    }

    public void Assign(string responsible, string? comment, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        RequireMayWork(actor);
        var to = Clean(responsible);
        if (to is null || !directory.UserExists(to))
        {
            throw Rejection.Invalid("responsible", $"Unknown user '{responsible}'.");
        }

        OptionalText("comment", comment, MaxTextLength);
        if (to == state.Responsible)
        {
            return;
        }

        Record("Assigned", actor.User, now, $"Handed from {state.Responsible} to {to}{Suffix(comment)}");
        state.Responsible = to;
        state.Department = directory.DepartmentOf(to) ?? state.Department;
    }

    /// <summary>By hand: the responsible or the head of the department asks the head (or the head's superior: an admin) to step in.</summary>
    public void Escalate(string? comment, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        RequireMayWork(actor);
        OptionalText("comment", comment, MaxTextLength);
        if (state.EscalatedTo is not null)
        {
            throw new Rejection(RejectionCode.Conflict, $"The claim is already escalated to {state.EscalatedTo}.");
        }

        EscalateTo(actor.User, now, $"Escalated by {actor.User}{Suffix(comment)}");
    }

    /// <summary>The deadline passed: the claim is overdue and goes up to the head of the department. Idempotent.</summary>
    public bool CheckOverdue(DateTimeOffset now)
    {
        if (!IsOpen || now < state.Deadline || state.OverdueAt is not null)
        {
            return false;
        }

        state.OverdueAt = now;
        Record("Overdue", Roles.System, now, $"Overdue since {state.Deadline:yyyy-MM-dd HH:mm} UTC");
        if (state.EscalatedTo is null)
        {
            EscalateTo(Roles.System, now, "Escalated: the deadline passed");
        }

        return true;
    }

    public void Resolve(string resolution, decimal? cost, string? comment, Actor actor, DateTimeOffset now)
    {
        RequireOpen();
        RequireMayWork(actor);
        if (!Enum.TryParse<ClaimResolution>(resolution?.Trim(), ignoreCase: true, out var outcome) || int.TryParse(resolution, out _))
        {
            throw Rejection.Invalid("resolution", "'resolution' must be one of: replacement, repair, refund, rejected.");
        }

        if (cost is < 0 or > 1_000_000_000_000m)
        {
            throw Rejection.Invalid("cost", "The cost must be between 0 and 10^12.");
        }

        if (outcome == ClaimResolution.Rejected && string.IsNullOrWhiteSpace(comment))
        {
            throw Rejection.Invalid("comment", "A rejected claim needs the reason in 'comment'.");
        }

        OptionalText("comment", comment, MaxTextLength);
        state.Status = ClaimStatus.Resolved;
        state.Resolution = outcome;
        state.Cost = outcome == ClaimResolution.Rejected ? 0 : cost ?? 0;
        state.ResolutionComment = Clean(comment);
        state.ResolvedAt = now;
        state.ResolvedBy = actor.User;
        Record("Resolved", actor.User, now, $"Resolved: {outcome.ToString().ToLowerInvariant()}, cost {state.Cost:0.##}{Suffix(comment)}");
    }

    public void AddNote(string text, Actor actor, DateTimeOffset now)
    {
        RequireMayWork(actor);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Rejection.Invalid("text", "'text' is required.");
        }

        OptionalText("text", text, MaxTextLength);
        Record("Note", actor.User, now, text.Trim());
    }

    /// <summary>Working hours from opening to resolution on the responsible's calendar (null while open).</summary>
    public double? HoursToResolve() =>
        state.ResolvedAt is { } resolved ? directory.CalendarOf(state.Responsible).WorkingHoursBetween(state.CreatedAt, resolved) : null;

    private void EscalateTo(string by, DateTimeOffset now, string text)
    {
        var head = state.Department is { } department ? directory.SupervisorOf(department) : null;
        // The head of the department is escalated to; the head's own claims (or a department without one) go to an admin.
        var to = head is not null && head != state.Responsible ? head : Roles.Admin;
        state.EscalatedTo = to;
        state.EscalatedAt = now;
        Record("Escalated", by, now, $"{text}: to {to}");
    }

    /// <summary>The responsible, the person it was escalated to, the head of the department, supervisors and admins.</summary>
    private void RequireMayWork(Actor actor)
    {
        if (actor.ActsAsSupervisor || actor.User == state.Responsible || actor.User == state.EscalatedTo || actor.User == state.CreatedBy)
        {
            return;
        }

        throw new Rejection(RejectionCode.Forbidden, $"Only the responsible ({state.Responsible}), the person it was escalated to, a supervisor or an admin may work on this claim.");
    }

    private void RequireOpen()
    {
        if (!IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"Claim {state.Id} is already resolved ({state.Resolution?.ToString().ToLowerInvariant()}).");
        }
    }

    private void Record(string kind, string actor, DateTimeOffset now, string text) =>
        state.Journal.Add(new ClaimActivity(++state.Seq, now, actor, kind, text));

    private static string Suffix(string? comment) => string.IsNullOrWhiteSpace(comment) ? "" : $" — {comment.Trim()}";

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void OptionalText(string field, string? value, int max)
    {
        if (value is { } v && v.Length > max)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {max} characters.");
        }

        if (value is not null && !TextHygiene.IsClean(value))
        {
            throw Rejection.Invalid(field, $"'{field}' contains characters that cannot be stored.");
        }
    }
}
