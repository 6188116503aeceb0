using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SalesOrleans.Claims;

namespace SalesOrleans.ReadModel;

/// <summary>
/// Writes claim publications into the read model in one transaction: the claim row (guarded by seq), its journal
/// (keyed by claim and seq) and its items. Replays and stale copies change nothing.
/// </summary>
public sealed class ClaimProjector(NpgsqlDataSource db) : IClaimEventSink
{
    public async Task PublishAsync(ClaimView c, double? hoursToResolve, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        var row = new NpgsqlBatchCommand("""
            INSERT INTO claim (claim_id, seq, order_id, deal_id, company_id, company, reason, description, items, responsible, department_id,
                manager, status, created_at, created_by, deadline, overdue_at, escalated_to, escalated_at, resolution, cost, resolved_at,
                hours_to_resolve, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, now())
            ON CONFLICT (claim_id) DO UPDATE SET
                seq = EXCLUDED.seq, company_id = EXCLUDED.company_id, company = EXCLUDED.company, responsible = EXCLUDED.responsible,
                department_id = EXCLUDED.department_id, status = EXCLUDED.status, overdue_at = EXCLUDED.overdue_at,
                escalated_to = EXCLUDED.escalated_to, escalated_at = EXCLUDED.escalated_at, resolution = EXCLUDED.resolution,
                cost = EXCLUDED.cost, resolved_at = EXCLUDED.resolved_at, hours_to_resolve = EXCLUDED.hours_to_resolve, updated_at = now()
            WHERE claim.seq < EXCLUDED.seq
            """);
        Add(row, c.Id, c.Seq, c.OrderId, c.DealId, c.CompanyId, c.Company, c.Reason, c.Description,
            new NpgsqlParameter { Value = JsonSerializer.Serialize(c.Items, JsonOptions), NpgsqlDbType = NpgsqlDbType.Jsonb },
            c.Responsible, c.Department, c.Manager, c.Status, c.CreatedAt, c.CreatedBy, c.Deadline, c.OverdueAt, c.EscalatedTo, c.EscalatedAt,
            c.Resolution, c.Cost, c.ResolvedAt, hoursToResolve);
        batch.BatchCommands.Add(row);
        for (var i = 0; i < c.Items.Count; i++)
        {
            var item = new NpgsqlBatchCommand("""
                INSERT INTO claim_item (claim_id, no, sku, name, quantity) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (claim_id, no) DO NOTHING
                """);
            Add(item, c.Id, i + 1, c.Items[i].Sku, c.Items[i].Name, c.Items[i].Quantity);
            batch.BatchCommands.Add(item);
        }

        foreach (var a in c.Journal)
        {
            var activity = new NpgsqlBatchCommand("""
                INSERT INTO claim_activity (claim_id, seq, at, actor, kind, text) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (claim_id, seq) DO NOTHING
                """);
            Add(activity, c.Id, a.Seq, a.At, a.Actor, a.Kind, a.Text);
            batch.BatchCommands.Add(activity);
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                NpgsqlParameter p => p,
                DateTimeOffset dto => new NpgsqlParameter { Value = dto.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value },
            });
        }
    }
}
