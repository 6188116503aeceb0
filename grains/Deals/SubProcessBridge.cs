using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Deals;

/// <summary>
/// Sub-processes between deals, wrapped around whatever consumed deal events before (like the order bridge). Parent
/// side: a stage that records a sub-process start (<see cref="ActivityKind.SubProcessStarted"/>) gets its child deal made
/// under the id the domain derived from the parent, stage and visit, so a replayed publication finds the same child
/// (a retried create is answered with the deal as it is). Child side: a child that is won, lost or reopened tells its
/// parent. Both run inside the publication, so a failure leaves the events in the deal's outbox and the outbox
/// delivery (retried, swept after a node died) tries again; the parent applies a repeated state once.
/// <para>
/// No call waits on itself: the parent waits on the child only while making it, and a child telling its parent from
/// inside that making (a child closed at once) tells one-way; refusals to make the child go back one-way as well.
/// </para>
/// </summary>
public sealed class SubProcessBridge(IDealEventSink inner, IGrainFactory grains, ILogger<SubProcessBridge> logger) : IDealEventSink
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    public async Task PublishAsync(DealPublication publication, CancellationToken ct = default)
    {
        await inner.PublishAsync(publication, ct);
        var deal = publication.Deal;
        foreach (var started in publication.Activities.Where(a => a.Kind == ActivityKind.SubProcessStarted))
        {
            if (Guid.TryParse(started.Subject, out var childId) && deal.SubProcesses?.FirstOrDefault(c => c.DealId == childId) is { } child)
            {
                await StartChild(deal, child);
            }
        }

        if (deal.Parent is { } parent && publication.Activities.Any(a => a.Kind is ActivityKind.Won or ActivityKind.Lost or ActivityKind.Reopened))
        {
            var state = new SubProcessStateCommand(deal.Id, deal.Status, deal.LostReason);
            var parentGrain = grains.GetGrain<IDealGrain>(parent.DealId);
            if (publication.Activities.Any(a => a.Kind == ActivityKind.Created))
            {
                // Closed as it was made: the parent is waiting on this creation, so it hears of it after its turn.
                await parentGrain.TellSubProcessState(state);
                return;
            }

            var told = await parentGrain.ApplySubProcessState(state);
            if (!told.Ok)
            {
                logger.LogWarning("Deal {DealId}: parent {ParentId} did not take the sub-process state: {Error}", deal.Id, parent.DealId, told.Error!.Message);
            }
        }
    }

    private async Task StartChild(DealView parent, DealSubProcessView child)
    {
        var created = await grains.GetGrain<IDealGrain>(child.DealId).Create(
            new CreateDealCommand(child.ProcessKind, child.Title, parent.Company, parent.Contact, child.Owner, parent.Department, null, parent.Currency, null, null,
                parent.CompanyId, parent.ContactId, new DealParentView(parent.Id, parent.Title, child.Stage)),
            System);
        var parentGrain = grains.GetGrain<IDealGrain>(parent.Id);
        if (!created.Ok)
        {
            // An unpublished kind or an owner who left: the parent says why and is blocked, its owner gets a task.
            logger.LogWarning("Deal {DealId}: sub-process {Kind} not started: {Error}", parent.Id, child.ProcessKind, created.Error!.Message);
            await parentGrain.TellSubProcessState(new SubProcessStateCommand(child.DealId, "Failed", created.Error!.Message));
            return;
        }

        if (created.Deal!.Status != "Open" || child.Status == "Failed")
        {
            // Closed at once, or made after an earlier failure: the parent learns the child's state.
            await parentGrain.TellSubProcessState(new SubProcessStateCommand(child.DealId, created.Deal.Status, created.Deal.LostReason));
        }
    }
}
