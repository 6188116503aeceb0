namespace SalesOrleans.Domain.Leads;

public enum RoutingRuleKind
{
    /// <summary>The number the customer dialled (DID), compared as E.164.</summary>
    CalledNumber,

    /// <summary>The mailbox the mail was sent to, compared case-insensitively.</summary>
    Mailbox,

    /// <summary>A web-form field (<see cref="RoutingRule.Field"/>) with the given value.</summary>
    FormField,

    /// <summary>A word in the inquiry's text (need, subject).</summary>
    Keyword,
}

public sealed record RoutingRule(RoutingRuleKind Kind, string Match, string Department, string? Field = null);

/// <summary>What an inquiry offers the router.</summary>
public sealed record RoutingInput(
    LeadChannel Channel,
    string? CalledNumber = null,
    string? Mailbox = null,
    IReadOnlyDictionary<string, string>? Fields = null,
    string? Text = null,
    string? EnteredByDepartment = null);

/// <summary>
/// Picks the department of an inquiry by the first matching configured rule, then by the departments' routing keywords
/// as the admin pages keep them (<paramref name="keywords"/>: the current set, read on every call so an edit applies at
/// once); unmatched goes to triage. Pure apart from reading the keyword set.
/// </summary>
public sealed class LeadRouter
{
    private readonly IReadOnlyList<RoutingRule> _rules;
    private readonly ContactNormalizer _normalizer;
    private readonly Func<KeywordMatcher> _keywords;

    public LeadRouter(IEnumerable<RoutingRule> rules, ContactNormalizer normalizer, Func<KeywordMatcher>? keywords = null)
    {
        _normalizer = normalizer;
        _keywords = keywords ?? (() => KeywordMatcher.Empty);
        // Called numbers are normalised once, so "8 (495) 223-32-11" in the configuration matches "+74952233211".
        _rules = rules.Select(r => r.Kind == RoutingRuleKind.CalledNumber ? r with { Match = normalizer.NormalizePhone(r.Match) ?? r.Match } : r).ToList();
    }

    public IReadOnlyList<RoutingRule> Rules => _rules;

    public (string? Department, string Reason) Route(RoutingInput input)
    {
        var called = _normalizer.NormalizePhone(input.CalledNumber) ?? input.CalledNumber?.Trim();
        foreach (var rule in _rules)
        {
            var matched = rule.Kind switch
            {
                RoutingRuleKind.CalledNumber => called is not null && called == rule.Match,
                RoutingRuleKind.Mailbox => input.Mailbox is not null && string.Equals(input.Mailbox.Trim(), rule.Match, StringComparison.OrdinalIgnoreCase),
                RoutingRuleKind.FormField => rule.Field is not null && input.Fields is not null
                    && input.Fields.FirstOrDefault(f => string.Equals(f.Key, rule.Field, StringComparison.OrdinalIgnoreCase)).Value is { } value
                    && string.Equals(value.Trim(), rule.Match, StringComparison.OrdinalIgnoreCase),
                RoutingRuleKind.Keyword => input.Text is not null && KeywordMatcher.ContainsWord(input.Text, rule.Match),
                _ => false,
            };
            if (matched)
            {
                var what = rule.Kind switch
                {
                    RoutingRuleKind.CalledNumber => $"called number {rule.Match}",
                    RoutingRuleKind.Mailbox => $"mailbox {rule.Match}",
                    RoutingRuleKind.FormField => $"form field {rule.Field} = {rule.Match}",
                    _ => $"keyword '{rule.Match}'",
                };
                return (rule.Department, $"routed by {what}");
            }
        }

        if (_keywords().Match(input.Text) is { } hit)
        {
            return (hit.Department, $"routed by keyword '{hit.Keyword}'");
        }

        // A lead a person entered by hand that no rule places stays with the department of the one who entered it: they
        // met the customer, and in triage they could no longer see it.
        if (!string.IsNullOrWhiteSpace(input.EnteredByDepartment))
        {
            return (input.EnteredByDepartment, "no routing rule matched: the department of the person who entered it");
        }

        return (null, "no routing rule matched: triage");
    }
}
