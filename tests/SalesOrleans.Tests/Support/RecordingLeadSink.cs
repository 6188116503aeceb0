using System.Collections.Concurrent;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;

namespace SalesOrleans.Tests.Support;

/// <summary>Records what leads, contacts and calls publish (the read model is tested on PostgreSQL).</summary>
public sealed class RecordingLeadSink : ILeadEventSink
{
    public ConcurrentQueue<LeadPublication> Leads { get; } = new();

    public ConcurrentQueue<ContactPublication> Contacts { get; } = new();

    public ConcurrentQueue<CallView> Calls { get; } = new();

    public Task PublishLeadAsync(LeadPublication publication, CancellationToken ct = default)
    {
        Leads.Enqueue(publication);
        return Task.CompletedTask;
    }

    public Task PublishContactAsync(ContactPublication publication, CancellationToken ct = default)
    {
        Contacts.Enqueue(publication);
        return Task.CompletedTask;
    }

    public Task PublishCompanyAsync(CompanyView company, CancellationToken ct = default) => Task.CompletedTask;

    public Task PublishCallAsync(CallView call, DateTimeOffset startedAt, CancellationToken ct = default)
    {
        Calls.Enqueue(call);
        return Task.CompletedTask;
    }

    public IReadOnlyList<LeadActivity> ActivitiesOf(Guid leadId) =>
        Leads.Where(p => p.Lead.Id == leadId).SelectMany(p => p.Activities).DistinctBy(a => a.Seq).OrderBy(a => a.Seq).ToList();

    public IReadOnlyList<ContactActivity> ContactActivitiesOf(Guid contactId) =>
        Contacts.Where(p => p.Contact.Id == contactId).SelectMany(p => p.Activities).DistinctBy(a => a.Seq).OrderBy(a => a.Seq).ToList();

    /// <summary>The first <paramref name="kind"/> the lead published (see <see cref="Poll"/>).</summary>
    public Task<LeadActivity> WaitFor(Guid leadId, LeadActivityKind kind, TimeSpan timeout) =>
        Poll.Until(() => Task.FromResult(ActivitiesOf(leadId).FirstOrDefault(a => a.Kind == kind)),
            $"Lead {leadId} published no {kind} within {timeout}.", (int)Math.Ceiling(timeout.TotalSeconds));
}
