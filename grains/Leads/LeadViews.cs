using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

public static class LeadViews
{
    public static LeadView ToView(this Lead lead)
    {
        var s = lead.State;
        return new LeadView(s.Id, s.Channel, s.Status, s.ContactId, s.CompanyId, s.Name, s.Phone, s.Email, s.Company, s.Need,
            s.InquiryKey, s.Department, s.Assignee, s.AssignmentReason, s.CreatedAt, s.AssignedAt, s.FirstContactAt, s.ClosedAt,
            s.DisqualifyReason, s.DealId, s.AssignDueAt, s.FirstContactDueAt, lead.SlaBreaches,
            s.Inquiries.Select(i => new LeadInquiryView(i.Key, i.Channel, i.At, i.Need)).ToList(), s.Seq, s.Region, s.EquipmentType);
    }

    public static ContactView ToView(this ContactState s) =>
        new(s.Id, s.Name, s.Kind,
            s.Identities.Where(i => i.StartsWith("phone:", StringComparison.Ordinal)).Select(i => i["phone:".Length..]).ToList(),
            s.Identities.Where(i => i.StartsWith("email:", StringComparison.Ordinal)).Select(i => i["email:".Length..]).ToList(),
            s.CompanyId, s.Company, s.Department, s.Responsible, s.OpenLeadId, s.OpenDealId, s.Inquiries,
            s.Tasks.Select(t => new ContactTaskView(t.Id, t.Title, t.Executor, t.Kind, t.Done ? "Done" : "Open", t.CreatedAt, t.Deadline,
                t.CreatedBy, t.CompletedAt, t.Result, t.UpdatedSeq, t.OverdueAt, t.EscalatedTo)).ToList(),
            s.CreatedAt, s.Seq, s.Position, s.ExternalId);
}
