using System.Globalization;
using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Orders;

/// <summary>
/// An order's approval route as data (маршрут согласования): the steps an order sent for approval goes through, each
/// with the role that approves it (optionally only the head of the order's department) and an optional condition on
/// the order (amount, discount, payment terms). Steps run one after another; a step marked <see cref="ApprovalStepDefinition.Parallel"/>
/// runs together with the step before it. A route with no steps — or whose conditions leave none — approves at once
/// ("invoice and contract without an approval phase"). Declared in a process definition (<c>orderLink.approval</c>);
/// orders without one follow <see cref="Default"/>.
/// </summary>
public sealed record ApprovalRoute
{
    /// <summary>Shown on the order ("Sales head, then commercial director").</summary>
    public string? Name { get; init; }

    public IReadOnlyList<ApprovalStepDefinition> Steps { get; init; } = [];

    /// <summary>Orders of no process with a route: one step, a supervisor (head) of the order's department — the behaviour before routes.</summary>
    public static ApprovalRoute Default { get; } = new()
    {
        Name = "default",
        Steps = [new ApprovalStepDefinition { Id = "supervisor", Role = Roles.Supervisor }],
    };

    /// <summary>The steps whose conditions hold for the order, in route order.</summary>
    public IReadOnlyList<ApprovalStepDefinition> StepsFor(ApprovalFacts facts) =>
        (Steps ?? []).Where(s => s.When is null || s.When.Holds(facts)).ToList();

    /// <summary>Every problem of the route, each naming where it is (<paramref name="where"/> is the route's own path).</summary>
    public IReadOnlyList<string> Validate(string where)
    {
        var problems = new List<string>();
        var steps = (Steps ?? []).ToList();
        if (Name is { Length: > 100 })
        {
            problems.Add($"{where}.name: longer than 100 characters");
        }

        if (steps.Count > MaxSteps)
        {
            problems.Add($"{where}.steps: at most {MaxSteps} steps");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = $"{where}.steps[{i}]";
            if (step is null)
            {
                problems.Add($"{at}: is empty");
                continue;
            }

            if (string.IsNullOrWhiteSpace(step.Id) || !IdPattern.IsMatch(step.Id))
            {
                problems.Add($"{at}: id '{step.Id}' must be lower-case letters, digits and single dashes");
            }
            else if (!ids.Add(step.Id))
            {
                problems.Add($"{at} '{step.Id}': the id is used twice");
            }

            if (string.IsNullOrWhiteSpace(step.Role) || !Roles.IsKnown(step.Role) || step.Role == Roles.Integration)
            {
                problems.Add($"{at} '{step.Id}': role '{step.Role}' is not a role people approve in (one of {string.Join(", ", Roles.All.Where(r => r != Roles.Integration))})");
            }

            if (step.DepartmentHead && step.Role != Roles.Supervisor)
            {
                problems.Add($"{at} '{step.Id}': departmentHead needs role 'supervisor' (the head of a department is a supervisor)");
            }

            if (step.Parallel && i == 0)
            {
                problems.Add($"{at} '{step.Id}': parallel means 'together with the step before'; the first step has none");
            }

            if (step.When is { } when)
            {
                problems.AddRange(when.Validate($"{at} '{step.Id}'.when"));
            }
        }

        return problems;
    }

    public const int MaxSteps = 10;

    private static readonly Regex IdPattern = new("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.Compiled);
}

/// <summary>One step of a route: who approves it and when it applies.</summary>
public sealed record ApprovalStepDefinition
{
    public required string Id { get; init; }

    /// <summary>Any person holding this role may approve (in the order's department where the access layer scopes it).</summary>
    public required string Role { get; init; }

    /// <summary>Only the head of the order's department (role supervisor) approves this step.</summary>
    public bool DepartmentHead { get; init; }

    /// <summary>Runs together with the step before it (both must approve before the route goes on).</summary>
    public bool Parallel { get; init; }

    /// <summary>The step applies only when this holds for the order; none: always.</summary>
    public ApprovalCondition? When { get; init; }

    /// <summary>The step's name per language ("ru", "de"; the id is the fallback).</summary>
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// When a step applies. Every part given must hold, or — with <see cref="Any"/> — at least one: order total above
/// <see cref="AmountAbove"/>, a line's discount from the list price above <see cref="DiscountAbove"/> percent, the
/// payment terms containing one of <see cref="PaymentTermsContain"/> (case-insensitive, e.g. "deferred", "отсрочк").
/// </summary>
public sealed record ApprovalCondition
{
    public decimal? AmountAbove { get; init; }

    public decimal? DiscountAbove { get; init; }

    public IReadOnlyList<string> PaymentTermsContain { get; init; } = [];

    public bool Any { get; init; }

    public bool Holds(ApprovalFacts facts)
    {
        var parts = new List<bool>();
        if (AmountAbove is { } amount)
        {
            parts.Add(facts.Total > amount);
        }

        if (DiscountAbove is { } discount)
        {
            parts.Add(facts.MaxDiscountPercent > discount);
        }

        if (PaymentTermsContain is { Count: > 0 } words)
        {
            parts.Add(facts.PaymentTerms is { } terms && words.Any(w => !string.IsNullOrWhiteSpace(w) && terms.Contains(w.Trim(), StringComparison.OrdinalIgnoreCase)));
        }

        return parts.Count == 0 || (Any ? parts.Any(p => p) : parts.All(p => p));
    }

    /// <summary>Plain words for the order page: "amount > 10000 or discount > 15 %".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (AmountAbove is { } amount)
        {
            parts.Add($"amount > {amount.ToString("0.##", CultureInfo.InvariantCulture)}");
        }

        if (DiscountAbove is { } discount)
        {
            parts.Add($"discount > {discount.ToString("0.##", CultureInfo.InvariantCulture)} %");
        }

        if (PaymentTermsContain is { Count: > 0 } words)
        {
            parts.Add($"payment terms with {string.Join(" / ", words.Select(w => $"'{w}'"))}");
        }

        return string.Join(Any ? " or " : " and ", parts);
    }

    public IReadOnlyList<string> Validate(string where)
    {
        var problems = new List<string>();
        if (AmountAbove is null && DiscountAbove is null && PaymentTermsContain is not { Count: > 0 })
        {
            problems.Add($"{where}: names no amountAbove, discountAbove or paymentTermsContain (leave 'when' out for a step that always applies)");
        }

        if (AmountAbove is < 0)
        {
            problems.Add($"{where}.amountAbove: must not be negative");
        }

        if (DiscountAbove is < 0 or >= 100)
        {
            problems.Add($"{where}.discountAbove: a percentage from 0 to below 100");
        }

        foreach (var word in PaymentTermsContain ?? [])
        {
            if (string.IsNullOrWhiteSpace(word) || word.Length > 100)
            {
                problems.Add($"{where}.paymentTermsContain: '{word}' must be 1 to 100 characters");
            }
        }

        return problems;
    }
}

/// <summary>What route conditions look at: the order total, its largest line discount in percent, its payment terms.</summary>
public sealed record ApprovalFacts(decimal Total, decimal MaxDiscountPercent, string? PaymentTerms);
