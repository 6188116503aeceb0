using Microsoft.Extensions.Options;
using SalesOrleans.Deals;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Processes;

namespace SalesOrleans.Claims;

/// <summary>Configuration section "Satisfaction": who calls the customer after a won deal, and by when.</summary>
public sealed class SatisfactionOptions
{
    public const string Section = "Satisfaction";

    public bool Enabled { get; set; } = true;

    /// <summary>"owner" (the deal's owner) or a role (manager, supervisor, marketer, …) of the deal's department.</summary>
    public string Role { get; set; } = "owner";

    /// <summary>Working hours the call has, on the executor's calendar.</summary>
    public double DeadlineHours { get; set; } = 24;
}

/// <summary>
/// The customer-satisfaction call of the industrial survey: a won deal gives the chosen role a contact task to call
/// the customer (keyed by the deal, so a replayed publication makes no second one); recording the survey completes it.
/// </summary>
public sealed class SatisfactionCalls(IGrainFactory grains, IDealDirectory directory, IProcessCatalog processes, IOptions<SatisfactionOptions> options,
    ILogger<SatisfactionCalls> logger) : ISatisfactionCalls
{
    public const string Kind = "satisfaction-call";

    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    public static string TaskIdOf(Guid dealId) => $"satisfaction-{dealId:N}";

    public async Task OnPublishedAsync(DealPublication publication)
    {
        if (!options.Value.Enabled || !publication.Activities.Any(a => a.Kind == ActivityKind.Won))
        {
            return;
        }

        var deal = publication.Deal;
        if (await ContactOf(deal) is not { } contactId)
        {
            logger.LogInformation("Deal {DealId} won without a contact record: no satisfaction call", deal.Id);
            return;
        }

        var role = await RoleFor(deal);
        var executor = ExecutorFor(role, deal.Owner, deal.Department, deal.Id, directory);
        var result = await grains.GetGrain<IContactGrain>(contactId).AddTask(
            new NewContactTask($"Satisfaction call: {deal.Title}", executor, Kind, options.Value.DeadlineHours, TaskIdOf(deal.Id)), System);
        if (!result.Ok)
        {
            logger.LogWarning("Deal {DealId}: satisfaction call not given: {Error}", deal.Id, result.Error!.Message);
        }
    }

    /// <summary>The role that calls: the deal's process version's <c>satisfactionRole</c>, else the setting.</summary>
    public async Task<string> RoleFor(DealView deal)
    {
        var process = await processes.GetAsync(deal.ProcessKind, deal.ProcessVersion);
        return (process?.SatisfactionRole ?? options.Value.Role).Trim();
    }

    /// <summary>"owner": the deal's owner; a role: someone holding it in the deal's department, else its head, else the owner.</summary>
    public static string ExecutorFor(string role, string owner, string department, Guid dealId, IDealDirectory directory) =>
        role.Equals("owner", StringComparison.OrdinalIgnoreCase)
            ? owner
            : directory.PickByRole(role, department, dealId) ?? directory.SupervisorOf(department) ?? owner;

    /// <summary>The survey was recorded: its call task is done (if there is one, and not done yet).</summary>
    public async Task CompleteAsync(DealView deal, int score, string? comment, ActorInfo actor)
    {
        if (await ContactOf(deal) is not { } contactId)
        {
            return;
        }

        var contact = grains.GetGrain<IContactGrain>(contactId);
        if (await contact.Get() is { } view && view.Tasks.Any(t => t.Id == TaskIdOf(deal.Id) && t.Status == "Open"))
        {
            await contact.CompleteTask(TaskIdOf(deal.Id), $"Score {score}/5{(comment is null ? "" : $": {comment}")} ({actor.User})", System);
        }
    }

    private async Task<Guid?> ContactOf(DealView deal) =>
        deal.ContactId ?? (await grains.GetGrain<ILeadGrain>(deal.Id).Get())?.ContactId;
}

/// <summary>The node's deal sink with the satisfaction call after it: the read model first, then the call (best effort, replays are harmless).</summary>
public sealed class SatisfactionDealSink(IDealEventSink inner, SatisfactionCalls calls, ILogger<SatisfactionDealSink> logger) : IDealEventSink
{
    public async Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        await inner.PublishAsync(publication, ct);
        try
        {
            await calls.OnPublishedAsync(publication);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Deal {DealId}: satisfaction call not given", publication.Deal.Id);
        }
    }
}
