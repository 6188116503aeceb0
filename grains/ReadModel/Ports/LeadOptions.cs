using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

// Pure configuration both sides read (issue 13): grains the SLA, routing and sweep settings, web the head of sales.
// Here, not in grain-interfaces, because it names domain types (LeadSla, RoutingRuleKind).

/// <summary>Configuration section "Leads".</summary>
public sealed class LeadOptions
{
    public const string Section = "Leads";

    /// <summary>ISO region for phone numbers written without a country code ("8 (916) …" in RU).</summary>
    public string DefaultRegion { get; set; } = "RU";

    /// <summary>Who routes and assigns unmatched (triage) leads and hears of every new one there.</summary>
    public string? HeadOfSales { get; set; }

    public SlaOptions DefaultSla { get; set; } = new();

    /// <summary>Per department id.</summary>
    public Dictionary<string, SlaOptions> Sla { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Rules tried in order; the telephony DID map is tried before them.</summary>
    public List<RoutingRuleOptions> Routing { get; set; } = [];

    public AssignmentPolicyKind DefaultPolicy { get; set; } = AssignmentPolicyKind.RoundRobin;

    /// <summary>Most open leads per manager (0 = no cap) until a supervisor sets the queue's own.</summary>
    public int DefaultCapacity { get; set; }

    /// <summary>Skip managers outside their working hours (calendar in the user directory).</summary>
    public bool RespectShifts { get; set; } = true;

    /// <summary>Working hours the responsible manager has to call back after a missed call.</summary>
    public double CallBackHours { get; set; } = 1;

    /// <summary>Working hours after a contact task's deadline before the supervisor hears of it.</summary>
    public double TaskEscalationGraceHours { get; set; } = 2;

    /// <summary>How long a call waits after its last event before it is judged (late, out-of-order events).</summary>
    public TimeSpan CallSettleDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a call may go without any event and without its end before it is judged without one (the PBX lost the
    /// hang-up, a webhook retry gave up): answered if it was, else a missed call with its call-back task.
    /// </summary>
    public TimeSpan CallEndLimit { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often a node looks for grains (calls, stock items, orders) whose work a dead node left undone (FollowUpSweeper).</summary>
    public TimeSpan CallSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a grain with work due must have been quiet before a sweep wakes it .</summary>
    public TimeSpan CallSweepQuiet { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When a manager goes absent, their deal tasks due within this many hours move to colleagues.</summary>
    public double HandoverHorizonHours { get; set; } = 24;

    public LeadSla SlaOf(string department)
    {
        var sla = Sla.GetValueOrDefault(department) ?? DefaultSla;
        return new LeadSla(sla.AssignHours, sla.FirstContactHours);
    }
}

public sealed class SlaOptions
{
    public double AssignHours { get; set; } = 2;

    public double FirstContactHours { get; set; } = 4;
}

public sealed class RoutingRuleOptions
{
    public RoutingRuleKind Kind { get; set; }

    public string Match { get; set; } = "";

    public string Department { get; set; } = "";

    public string? Field { get; set; }
}
