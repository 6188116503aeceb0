using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Deals;

/// <summary>Maps the domain's deal to the view the API and read model see.</summary>
public static class DealViews
{
    public static DealView ToView(this Deal deal)
    {
        var s = deal.State;
        var stage = deal.CurrentStage;
        var stuck = deal.StuckOn;
        return new DealView(
            s.Id,
            s.Title,
            s.ProcessKind,
            s.ProcessVersion,
            s.Company,
            s.Contact,
            s.Owner,
            s.Department,
            s.Amount,
            s.Currency,
            s.Lines.Select(l => new DealLineView(l.Sku, l.Name, l.Quantity, l.Price, l.Discount)).ToList(),
            new Dictionary<string, string>(s.Parameters),
            s.Stage,
            stage.Name,
            s.StageEnteredAt,
            stage.Probability,
            s.Status.ToString(),
            s.LostReason,
            s.Tasks.Select(ToView).ToList(),
            s.Documents.Select(d => new DealDocumentView(d.Id, d.Kind, d.FileName, d.ContentType, d.Size, d.Stage, d.AttachedAt, d.AttachedBy)).ToList(),
            stuck is null ? null : new StuckOnView(stuck.User, stuck.Since, stuck.TaskId, stuck.TaskTitle),
            deal.AllowedTransitions(),
            deal.IsOpen ? deal.UnmetGates() : [],
            s.Seq,
            s.CreatedAt,
            s.ClosedAt,
            s.Environment.Select(p => new EnvironmentPartyView(p.Id, p.Kind.ToString(), p.Name, p.Role, p.RelatesTo, p.Relation, p.Influence, p.Notes)).ToList(),
            ExpectedCloseDate: s.ExpectedCloseDate,
            Order: OrderInfo(s),
            CompanyId: s.CompanyId,
            ContactId: s.ContactId,
            Parent: s.ParentDealId is { } parent ? new DealParentView(parent, s.ParentTitle ?? "", s.ParentStage ?? "") : null,
            SubProcesses: s.SubProcesses.Select(c => new DealSubProcessView(c.ChildId, c.Kind, c.Stage, c.Title, c.Owner, c.Status.ToString(), c.Reason, c.StartedAt, c.ClosedAt)).ToList());
    }

    /// <summary>Null while the deal has neither an order nor an order problem.</summary>
    private static DealOrderInfoView? OrderInfo(DealState s) =>
        s.Order is null && s.OrderProblem is null
            ? null
            : new DealOrderInfoView(s.OrderProblem, s.Order?.OrderId, s.Order?.Status, s.Order?.Total,
                s.Order is null ? null : s.Amount - s.Order.Total, s.Order?.ProductionPercent, s.Order?.ProductionExpectedOn);

    public static DealLine ToLine(this DealLineView l) => new(l.Sku ?? "", l.Name, l.Quantity, l.Price, l.Discount);

    public static DealTaskView ToView(this DealTask t) =>
        new(t.Id, t.Stage, t.Title, t.Executor, t.Status.ToString(), t.CreatedAt, t.Deadline, t.OverdueAt, t.EscalatedAt, t.EscalatedTo, t.CompletedAt, t.CompletedBy, t.Result, t.UpdatedSeq, t.TemplateId);

    public static EnvironmentParty ToParty(this EnvironmentPartyView p) =>
        new(p.Id ?? "", Enum.TryParse<PartyKind>(p.Kind, ignoreCase: true, out var kind) ? kind : (PartyKind)(-1), p.Name, p.Role, p.RelatesTo, p.Relation, p.Influence, p.Notes);

    public static Actor ToActor(this ActorInfo actor) => new(actor.User, actor.Roles.ToArray());
}
