using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Domain.Orders;

/// <summary>
/// The order's approval route (<see cref="ApprovalRoute"/>, run by <see cref="ApprovalRun"/>): submit starts a round,
/// each step is approved or rejected by its approver, a rejection sends the order back to revision, a resubmit starts
/// the next round. Every decision is journalled; the people asked are notified through the journal entry.
/// </summary>
public sealed partial class Order
{
    /// <summary>
    /// Draft or Revision → OnApproval along <paramref name="route"/> (a new round); when the route's conditions leave no
    /// step for this order, it is approved at once and allocation starts.
    /// </summary>
    public void Submit(ApprovalRoute route, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(route);
        RequireStatus(_state.Status == OrderStatus.Revision ? "resubmit" : "submit", OrderStatus.Draft, OrderStatus.Revision);
        RequireResponsibleOrSupervisor(actor);
        var resubmit = _state.Status == OrderStatus.Revision;
        var number = _state.Approvals.Count + 1;
        var round = ApprovalRun.Start(route, Facts(), number, actor.User, now, step => Pick(step.Role, step.DepartmentHead, now));
        _state.Status = OrderStatus.OnApproval;
        _state.RejectionReason = null;
        if (round is null)
        {
            Record(OrderActivityKind.Submitted, actor, now,
                $"{(resubmit ? "Resubmitted" : "Sent for approval")}: route {route.Name ?? "—"} asks no approval for this order.");
            _state.RequestedSplits = [];
            StartAllocation(Actor.System, now, "Approved without an approval step (the route's conditions leave none); allocating stock.");
            return;
        }

        _state.Approvals.Add(round);
        Record(OrderActivityKind.Submitted, actor, now,
            $"{(resubmit ? "Resubmitted" : "Sent for approval")}, round {number}: {string.Join(" → ", Describe(round))}.", $"round-{number}");
        Ask(ApprovalRun.Pending(round), actor, now);
    }

    /// <summary>
    /// Rejects a step of the running route (<paramref name="stepId"/>, or the first pending one the actor decides) with
    /// a reason: the round ends and the order goes back to its responsible for revision.
    /// </summary>
    public void Reject(string? reason, string? stepId, Actor actor, DateTimeOffset now)
    {
        RequireStatus("reject", OrderStatus.OnApproval);
        var why = RequireText("reason", reason, 400);
        var round = CurrentRound();
        var step = ApprovalRun.StepFor(round, stepId, actor, _state, DepartmentHead());
        Adopt(round);
        ApprovalRun.Reject(round, step, actor, why, now);
        _state.RejectionReason = why;
        _state.Status = OrderStatus.Revision;
        Journal(OrderActivityKind.Rejected, actor, now,
            $"Rejected at step '{step.Id}' (round {round.Round}): {why}. Back to {_state.Responsible} for revision.", step.Id, _state.Responsible);
    }

    /// <summary>
    /// In revision (or draft): the responsible changes quantities and prices of lines and the payment terms before
    /// resubmitting. Lines not named stay as they are.
    /// </summary>
    public void Revise(IReadOnlyList<LineRevision>? lines, string? paymentTerms, Actor actor, DateTimeOffset now)
    {
        RequireStatus("revise", OrderStatus.Revision, OrderStatus.Draft);
        RequireResponsibleOrSupervisor(actor);
        var terms = OptionalText("paymentTerms", paymentTerms, 400);
        var changes = lines ?? [];
        if (changes.Count == 0 && terms is null)
        {
            throw Rejection.Invalid("lines", "Give line changes ('lines': line, quantity, price), 'paymentTerms' or both.");
        }

        var seen = new HashSet<int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var path = $"lines[{i}]";
            var line = _state.Lines.FirstOrDefault(l => l.No == change.Line)
                ?? throw Rejection.Invalid($"{path}.line", $"The order has no line {change.Line}.");
            if (!seen.Add(change.Line))
            {
                throw Rejection.Invalid($"{path}.line", $"Line {change.Line} is named twice.");
            }

            if (change.Quantity is null && change.Price is null)
            {
                throw Rejection.Invalid(path, $"Line {line.No}: give 'quantity', 'price' or both.");
            }

            if (change.Quantity is { } quantity)
            {
                RequireAmount($"{path}.quantity", quantity, positive: true, decimals: StockItem.MaxDecimals);
            }

            if (change.Price is { } price)
            {
                RequireAmount($"{path}.price", price, positive: false, decimals: 2);
            }

            if (ColumnRanges.LineTotalProblem($"{path}.price", change.Quantity ?? line.Quantity, change.Price ?? line.Price) is { } tooLarge)
            {
                throw Rejection.Invalid($"{path}.price", tooLarge);
            }
        }

        var said = new List<string>();
        foreach (var change in changes)
        {
            var line = _state.Lines.First(l => l.No == change.Line);
            var before = $"{Money(line.Quantity)} × {Money(line.Price)}";
            line.Quantity = change.Quantity ?? line.Quantity;
            line.Price = change.Price ?? line.Price;
            said.Add($"line {line.No} ({line.Sku}) {before} → {Money(line.Quantity)} × {Money(line.Price)}");
        }

        if (terms is not null && terms != _state.PaymentTerms)
        {
            said.Add($"payment terms '{_state.PaymentTerms ?? "—"}' → '{terms}'");
            _state.PaymentTerms = terms;
        }

        Record(OrderActivityKind.Revised, actor, now,
            $"Revised: {(said.Count == 0 ? "nothing changed" : string.Join("; ", said))}; total {Money(_state.Total)} {_state.Currency}.", amount: _state.Total);
    }

    /// <summary>What the route's conditions look at now: the total, the largest discount of a line from its list price, the payment terms.</summary>
    public ApprovalFacts Facts() => new(
        _state.Total,
        _state.Lines.Where(l => l.ListPrice > 0 && l.Price < l.ListPrice)
            .Select(l => decimal.Round((l.ListPrice - l.Price) / l.ListPrice * 100, 2)).DefaultIfEmpty(0).Max(),
        _state.PaymentTerms);

    /// <summary>Approves the actor's step; true when the round (so the route) is through.</summary>
    private bool ApproveStep(string? stepId, string? comment, Actor actor, DateTimeOffset now)
    {
        var round = CurrentRound();
        var step = ApprovalRun.StepFor(round, stepId, actor, _state, DepartmentHead());
        Adopt(round);
        var asked = ApprovalRun.Approve(round, step, actor, comment, now, s => Pick(s.Role, s.DepartmentHead, now));
        if (ApprovalRun.Complete(round))
        {
            Record(OrderActivityKind.StepApproved, actor, now,
                $"Step '{step.Id}' approved (round {round.Round}){(comment is null ? "" : $": {comment}")}; the route is through.", step.Id);
            return true;
        }

        Record(OrderActivityKind.StepApproved, actor, now,
            $"Step '{step.Id}' approved (round {round.Round}){(comment is null ? "" : $": {comment}")}.", step.Id);
        Ask(asked, actor, now);
        return false;
    }

    /// <summary>
    /// The running round. An order sent for approval before routes existed has none: it runs the default route's first
    /// round (kept once a decision is taken: a refused command changes nothing), so old orders are decided as before.
    /// </summary>
    private ApprovalRoundState CurrentRound()
    {
        if (_state.Approvals.LastOrDefault() is { Outcome: null } round)
        {
            return round;
        }

        return ApprovalRun.Start(ApprovalRoute.Default, Facts(), _state.Approvals.Count + 1, _state.Responsible, _state.CreatedAt,
                step => Pick(step.Role, step.DepartmentHead, _state.CreatedAt))
            ?? throw new Rejection(RejectionCode.Conflict, "The order has no approval step waiting.");
    }

    private void Adopt(ApprovalRoundState round)
    {
        if (!_state.Approvals.Contains(round))
        {
            _state.Approvals.Add(round);
        }
    }

    private void EndRunningRound(string outcome, DateTimeOffset now)
    {
        if (_state.Approvals.LastOrDefault() is { Outcome: null } round)
        {
            ApprovalRun.End(round, outcome, now);
        }
    }

    private void Ask(IReadOnlyList<ApprovalStepState> steps, Actor actor, DateTimeOffset now)
    {
        foreach (var step in steps)
        {
            var who = ApprovalRun.Who(step, DepartmentHead());
            Journal(OrderActivityKind.ApprovalRequested, actor, now,
                $"Approval of {_state.Customer}'s order ({Money(_state.Total)} {_state.Currency}) asked at step '{step.Id}' from {who}{(step.Assignee is null ? "" : $": {step.Assignee}")}.",
                step.Id, step.Assignee);
        }
    }

    private string? DepartmentOrNull() => _directory.DepartmentOf(_state.Responsible);

    private string? DepartmentHead() => DepartmentOrNull() is { } department ? _directory.SupervisorOf(department) : null;

    /// <summary>
    /// Whom to ask: the head for a head-only step, else the least loaded holder of the role in the order's department
    /// (the same pick as a role-based deal task, <see cref="RolePicker"/>), the deputy of one who is away when the deputy
    /// holds the role — never the responsible or the creator.
    /// </summary>
    private string? Pick(string role, bool departmentHead, DateTimeOffset at)
    {
        string[] fourEyes = _state.CreatedBy is { } creator ? [_state.Responsible, creator] : [_state.Responsible];
        var picked = departmentHead
            ? DepartmentHead()
            : _directory.PickAssignee(role, DepartmentOrNull() ?? "", _state.Id, at, fourEyes);
        return picked is null || fourEyes.Contains(picked) ? null : picked;
    }

    private static IEnumerable<string> Describe(ApprovalRoundState round) =>
        round.Steps.GroupBy(s => s.Group).Select(g => string.Join(" + ", g.Select(s => s.Condition is null ? s.Id : $"{s.Id} ({s.Condition})")));

    /// <summary>A journal entry that also notifies <paramref name="notify"/> (the read model makes it a notification).</summary>
    private void Journal(OrderActivityKind kind, Actor actor, DateTimeOffset now, string text, string? document, string? notify) =>
        _state.Outbox.Add(new OrderActivity(++_state.Seq, now, actor.User, kind, _state.Status, text, document, null, notify));
}

/// <summary>A revision of one order line: a new quantity, a new price, or both.</summary>
public sealed record LineRevision(int Line, decimal? Quantity, decimal? Price);
