using Npgsql;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.ReadModel;

/// <summary>SKUs and warehouses in PostgreSQL: the catalog's only home (it has no grain). Entries arrive validated.</summary>
public sealed class CatalogStore(NpgsqlDataSource db)
{
    public const int MaxLimit = 1000;

    private const string SkuColumns = "code, name, unit, price, currency, kind, lead_time_days, ean, supplier";

    public async Task<SkuDefinition?> GetSkuAsync(string code, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {SkuColumns} FROM sku WHERE code = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadSku(r) : null;
    }

    public async Task<SkuDefinition?> FindSkuByEanAsync(string ean, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {SkuColumns} FROM sku WHERE ean = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ean });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadSku(r) : null;
    }

    public async Task<IReadOnlyList<SkuDefinition>> ListSkusAsync(string? search, SkuKind? kind, int limit, int offset, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {SkuColumns} FROM sku
            WHERE ($1::text IS NULL OR code ILIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%')
              AND ($2::text IS NULL OR kind = $2)
            ORDER BY code LIMIT $3 OFFSET $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(search) ? null : search.Trim() });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = kind?.ToString() });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, MaxLimit) });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, offset) });
        var items = new List<SkuDefinition>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(ReadSku(r));
        }

        return items;
    }

    /// <summary>Inserts the SKU unless its code exists; false when it existed. A taken EAN throws a <see cref="Rejection"/> (Conflict, field "ean").</summary>
    public async Task<bool> InsertSkuAsync(SkuDefinition s, string createdBy, CancellationToken ct = default) =>
        await InsertSkusAsync([s], createdBy, ct) == 1;

    /// <summary>Inserts many SKUs in one statement, skipping codes that exist; returns how many were new.</summary>
    public async Task<int> InsertSkusAsync(IReadOnlyCollection<SkuDefinition> skus, string createdBy, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO sku (code, name, unit, price, currency, kind, lead_time_days, ean, supplier, created_by)
            SELECT *, $10 FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[])
            ON CONFLICT (code) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus.Select(s => s.Code).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus.Select(s => s.Name).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus.Select(s => s.Unit).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<decimal[]> { TypedValue = skus.Select(s => s.Price).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus.Select(s => s.Currency).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = skus.Select(s => s.Kind.ToString()).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = skus.Select(s => s.LeadTimeDays).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = skus.Select(s => s.Ean).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = skus.Select(s => s.Supplier).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = createdBy });
        try
        {
            return await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "ux_sku_ean")
        {
            throw new Rejection(RejectionCode.Conflict, "Another SKU already has this EAN.", "ean");
        }
    }

    public async Task<WarehouseDefinition?> GetWarehouseAsync(string id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT warehouse_id, name, address FROM warehouse WHERE warehouse_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadWarehouse(r) : null;
    }

    public async Task<IReadOnlyList<WarehouseDefinition>> ListWarehousesAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT warehouse_id, name, address FROM warehouse ORDER BY warehouse_id");
        var items = new List<WarehouseDefinition>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(ReadWarehouse(r));
        }

        return items;
    }

    /// <summary>Inserts the warehouse unless its id exists; false when it existed.</summary>
    public async Task<bool> InsertWarehouseAsync(WarehouseDefinition w, string createdBy, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO warehouse (warehouse_id, name, address, created_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (warehouse_id) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = w.Address });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = createdBy });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<long> CountSkusAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM sku");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static SkuDefinition ReadSku(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetDecimal(3),
        r.GetString(4),
        Enum.Parse<SkuKind>(r.GetString(5)),
        r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8));

    private static WarehouseDefinition ReadWarehouse(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
}
