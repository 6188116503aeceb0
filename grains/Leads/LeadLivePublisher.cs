using System.Text.Json;
using SalesOrleans.Live;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Leads;

/// <summary>
/// The lead consumers of this node, in order: the read model (awaited), then live pushes to browsers: lead changes to
/// the department and the assignee (the lead inbox), calls to the department and the person whose extension rings (the incoming-call pop-up).
/// </summary>
public sealed class LeadLivePublisher(LeadProjector projector, LiveFanOut live) : ILeadEventSink
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public async Task PublishLeadAsync(LeadPublication publication, CancellationToken ct = default)
    {
        await projector.PublishLeadAsync(publication, ct);
        var lead = publication.Lead;
        live.Publish(new LiveChange("lead", lead.Id.ToString(), lead.Seq, lead.Department,
            lead.Assignee is null ? [] : [lead.Assignee], JsonSerializer.Serialize(lead, Json)));
    }

    public Task PublishContactAsync(ContactPublication publication, CancellationToken ct = default) => projector.PublishContactAsync(publication, ct);

    public Task PublishCompanyAsync(CompanyView company, CancellationToken ct = default) => projector.PublishCompanyAsync(company, ct);

    public async Task PublishCallAsync(CallView call, DateTimeOffset startedAt, CancellationToken ct = default)
    {
        await projector.PublishCallAsync(call, startedAt, ct);
        // The department sees its calls; the person whose extension rings (maybe outside it, after a transfer) too.
        string[] users = [.. new[] { call.RingsFor, call.CallBackTaskFor }.OfType<string>().Distinct()];
        live.Publish(new LiveChange("call", call.CallId, call.Events.Count, call.Department, users, JsonSerializer.Serialize(call, Json)));
    }
}
