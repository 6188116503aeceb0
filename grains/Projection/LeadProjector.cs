using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Writes lead, contact, company and call events into the read model, batched as the deal projector does (one
/// transaction per batch, rows in a fixed order so two writers never deadlock). Every statement is guarded by
/// the source's seq: replays and late duplicates change nothing.
/// </summary>
public sealed class LeadProjector : ILeadEventSink, IAsyncDisposable
{
    private const int Writers = 2;

    private readonly NpgsqlDataSource _db;
    private readonly BatchingWriter<Pending> _writer;

    public LeadProjector(NpgsqlDataSource db, ILogger<LeadProjector> logger, DeadLetterStore? deadLetters = null)
    {
        _db = db;
        _writer = new BatchingWriter<Pending>(WriteBatch, Writers, logger, "lead/contact publications", deadLetters,
            p => (p.Key, p.Seq, p.Publication));
    }

    public Task PublishLeadAsync(LeadPublication publication, CancellationToken ct = default) =>
        Enqueue($"lead:{publication.Lead.Id}", publication.Lead.Seq, publication, sql => AddLead(sql, publication));

    public Task PublishContactAsync(ContactPublication publication, CancellationToken ct = default) =>
        Enqueue($"contact:{publication.Contact.Id}", publication.Contact.Seq, publication, sql => AddContact(sql, publication));

    public Task PublishCompanyAsync(CompanyView company, CancellationToken ct = default) =>
        Enqueue($"company:{company.Id}", company.Seq, company, sql => AddCompany(sql, company));

    public Task PublishCallAsync(CallView call, DateTimeOffset startedAt, CancellationToken ct = default) =>
        Enqueue($"call:{call.CallId}", 0, call, sql => AddCall(sql, call, startedAt));

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private Task Enqueue(string key, long seq, object publication, Action<NpgsqlBatch> add) => _writer.WriteAsync(new Pending(key, seq, publication, add));

    /// <summary>
    /// The batch as one implicit transaction (its statements up to one Sync commit together or not at all): one round
    /// trip, where BEGIN … COMMIT took two — each call event is projected, so this runs at the PBX's rate.
    /// </summary>
    private async Task WriteBatch(IReadOnlyList<Pending> batch)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var sql = new NpgsqlBatch(connection);
        foreach (var p in batch.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Seq))
        {
            p.Add(sql);
        }

        await sql.ExecuteNonQueryAsync();
    }

    private static void AddLead(NpgsqlBatch sql, LeadPublication p)
    {
        var l = p.Lead;
        Add(sql, """
            INSERT INTO lead (lead_id, seq, channel, status, contact_id, company_id, name, phone, email, company, need, inquiry_key,
                department_id, assignee, assignment_reason, created_at, assigned_at, first_contact_at, closed_at, disqualify_reason,
                deal_id, assign_due_at, first_contact_due_at, sla_breaches, inquiries, region, equipment_type, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, now())
            ON CONFLICT (lead_id) DO UPDATE SET
                seq = EXCLUDED.seq, status = EXCLUDED.status, name = EXCLUDED.name, company = EXCLUDED.company, company_id = EXCLUDED.company_id, department_id = EXCLUDED.department_id,
                assignee = EXCLUDED.assignee, assignment_reason = EXCLUDED.assignment_reason, assigned_at = EXCLUDED.assigned_at,
                first_contact_at = EXCLUDED.first_contact_at, closed_at = EXCLUDED.closed_at, disqualify_reason = EXCLUDED.disqualify_reason,
                deal_id = EXCLUDED.deal_id, assign_due_at = EXCLUDED.assign_due_at, first_contact_due_at = EXCLUDED.first_contact_due_at,
                sla_breaches = EXCLUDED.sla_breaches, inquiries = EXCLUDED.inquiries,
                region = EXCLUDED.region, equipment_type = EXCLUDED.equipment_type, updated_at = now()
            WHERE lead.seq < EXCLUDED.seq
            """, l.Id, l.Seq, l.Channel.ToString(), l.Status.ToString(), l.ContactId, l.CompanyId, l.Name, l.Phone, l.Email, l.Company, l.Need,
            l.InquiryKey, l.Department ?? Lead.Triage, l.Assignee, l.AssignmentReason, l.CreatedAt, l.AssignedAt, l.FirstContactAt, l.ClosedAt,
            l.DisqualifyReason, l.DealId, l.AssignDueAt, l.FirstContactDueAt, l.SlaBreaches.ToArray(), l.Inquiries.Count, l.Region, l.EquipmentType);
        foreach (var a in p.Activities)
        {
            Add(sql, """
                INSERT INTO lead_activity (lead_id, seq, at, actor, kind, text, subject) VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (lead_id, seq) DO NOTHING
                """, l.Id, a.Seq, a.At, a.Actor, a.Kind.ToString(), a.Text, a.Subject);
            if (a.Kind == LeadActivityKind.Notified && a.Subject is not null)
            {
                AddNotification(sql, "lead", l.Id, a.Seq, a.Subject, a.At, a.Text);
            }
        }
    }

    private static void AddContact(NpgsqlBatch sql, ContactPublication p)
    {
        var c = p.Contact;
        Add(sql, """
            INSERT INTO contact (contact_id, seq, name, kind, phones, emails, company_id, company, department_id, responsible,
                open_lead_id, open_deal_id, inquiries, created_at, position, external_id, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
            ON CONFLICT (contact_id) DO UPDATE SET
                seq = EXCLUDED.seq, name = EXCLUDED.name, kind = EXCLUDED.kind, phones = EXCLUDED.phones, emails = EXCLUDED.emails,
                company_id = EXCLUDED.company_id, company = EXCLUDED.company, department_id = EXCLUDED.department_id,
                responsible = EXCLUDED.responsible, open_lead_id = EXCLUDED.open_lead_id, open_deal_id = EXCLUDED.open_deal_id,
                inquiries = EXCLUDED.inquiries, position = EXCLUDED.position, external_id = EXCLUDED.external_id, updated_at = now()
            WHERE contact.seq < EXCLUDED.seq
            """, c.Id, c.Seq, c.Name, c.Kind.ToString(), c.Phones.ToArray(), c.Emails.ToArray(), c.CompanyId, c.Company, c.Department,
            c.Responsible, c.OpenLeadId, c.OpenDealId, c.Inquiries, c.CreatedAt, c.Position, c.ExternalId);
        var changed = p.ChangedTaskIds.ToHashSet();
        foreach (var t in c.Tasks.Where(t => changed.Contains(t.Id)))
        {
            Add(sql, """
                INSERT INTO contact_task (contact_id, task_id, seq, title, executor, kind, status, created_at, deadline, created_by, completed_at, result,
                    overdue_at, escalated_to)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                ON CONFLICT (contact_id, task_id) DO UPDATE SET
                    seq = EXCLUDED.seq, executor = EXCLUDED.executor, status = EXCLUDED.status, completed_at = EXCLUDED.completed_at,
                    result = EXCLUDED.result, overdue_at = EXCLUDED.overdue_at, escalated_to = EXCLUDED.escalated_to
                WHERE contact_task.seq < EXCLUDED.seq
                """, c.Id, t.Id, t.UpdatedSeq, t.Title, t.Executor, t.Kind, t.Status, t.CreatedAt, t.Deadline, t.CreatedBy, t.CompletedAt, t.Result,
                t.OverdueAt, t.EscalatedTo);
        }

        foreach (var a in p.Activities)
        {
            Add(sql, """
                INSERT INTO contact_activity (contact_id, seq, at, actor, kind, text, subject) VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (contact_id, seq) DO NOTHING
                """, c.Id, a.Seq, a.At, a.Actor, a.Kind, a.Text, a.Subject);
            if (a.Kind == "Notified" && a.Subject is not null)
            {
                AddNotification(sql, "contact", c.Id, a.Seq, a.Subject, a.At, a.Text);
            }
        }
    }

    private static void AddCompany(NpgsqlBatch sql, CompanyView c) =>
        Add(sql, """
            INSERT INTO company (company_id, seq, name, inn, parent_id, divisions, created_at, external_id, region, segment, department_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (company_id) DO UPDATE SET seq = EXCLUDED.seq, name = EXCLUDED.name, inn = EXCLUDED.inn,
                parent_id = EXCLUDED.parent_id, divisions = EXCLUDED.divisions, external_id = EXCLUDED.external_id,
                region = EXCLUDED.region, segment = EXCLUDED.segment, department_id = EXCLUDED.department_id
            WHERE company.seq < EXCLUDED.seq
            """, c.Id, c.Seq, c.Name, c.Inn, c.ParentId, c.Divisions.ToArray(), c.CreatedAt, c.ExternalId, c.Region, c.Segment, c.Department);

    private static void AddCall(NpgsqlBatch sql, CallView c, DateTimeOffset startedAt) =>
        Add(sql, """
            INSERT INTO call_log (call_id, version, caller, called, department_id, events, outcome, contact_id, lead_id, callback_for,
                duration_ms, settled, started_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
            ON CONFLICT (call_id) DO UPDATE SET version = EXCLUDED.version, department_id = EXCLUDED.department_id,
                events = EXCLUDED.events, outcome = EXCLUDED.outcome, contact_id = EXCLUDED.contact_id, lead_id = EXCLUDED.lead_id,
                callback_for = EXCLUDED.callback_for, duration_ms = EXCLUDED.duration_ms, settled = EXCLUDED.settled,
                started_at = EXCLUDED.started_at, updated_at = now()
            WHERE call_log.version < EXCLUDED.version
            """, c.CallId, c.Events.Count + (c.Settled ? 1000 : 0) + (c.ContactId is null ? 0 : 100), c.Caller, c.Called, c.Department,
            c.Events.ToArray(), c.Outcome, c.ContactId, c.LeadId, c.CallBackTaskFor, c.DurationMs, c.Settled, startedAt);

    private static void AddNotification(NpgsqlBatch sql, string source, Guid id, long seq, string recipient, DateTimeOffset at, string text) =>
        Add(sql, """
            INSERT INTO notification (source, source_id, seq, recipient, at, text) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (source, source_id, seq) DO NOTHING
            """, source, id, seq, recipient, at, text);

    private static void Add(NpgsqlBatch sql, string text, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                DateTimeOffset dto => new NpgsqlParameter { Value = dto.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        sql.BatchCommands.Add(command);
    }

    private sealed record Pending(string Key, long Seq, object Publication, Action<NpgsqlBatch> Add);
}
