using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Leads;

public sealed record LeadPublication(LeadView Lead, IReadOnlyList<LeadActivity> Activities);

public sealed record ContactPublication(ContactView Contact, IReadOnlyList<ContactActivity> Activities, IReadOnlyList<string> ChangedTaskIds);

/// <summary>Consumers of lead, contact, company and call events on this node (the read-model projector). Idempotent by (id, seq).</summary>
public interface ILeadEventSink
{
    Task PublishLeadAsync(LeadPublication publication, CancellationToken ct = default);

    Task PublishContactAsync(ContactPublication publication, CancellationToken ct = default);

    Task PublishCompanyAsync(CompanyView company, CancellationToken ct = default);

    Task PublishCallAsync(CallView call, DateTimeOffset startedAt, CancellationToken ct = default);
}
