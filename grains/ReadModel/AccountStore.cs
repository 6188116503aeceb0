using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>An API token as listed (never its value: only a hash of it is kept).</summary>
public sealed record ApiTokenRecord(
    Guid Id,
    string Name,
    string UserName,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? Departments,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? CreatedBy);

/// <summary>
/// What the server keeps to end access on demand: login sessions (a cookie names one; logout, deactivation and a
/// password change revoke them) and API tokens with scopes, departments and an expiry. Only hashes of secrets arrive here.
/// </summary>
public sealed class AccountStore(NpgsqlDataSource db)
{
    private const string TokenColumns = "t.token_id, t.name, t.user_name, t.scopes, t.departments, t.created_at, t.expires_at, t.revoked_at, t.created_by";

    public async Task CreateSessionAsync(Guid sessionId, string userName, DateTimeOffset expiresAt, string? address, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("INSERT INTO user_session (session_id, user_name, expires_at, address) VALUES ($1, $2, $3, $4)");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = expiresAt.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = address });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the session is still open: not revoked, not expired, its user active.</summary>
    public async Task<bool> IsSessionOpenAsync(Guid sessionId, string userName, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT 1 FROM user_session s JOIN app_user u ON u.user_name = s.user_name
            WHERE s.session_id = $1 AND s.user_name = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Slides the session's end along with the cookie's.</summary>
    public async Task ExtendSessionAsync(Guid sessionId, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE user_session SET expires_at = $2 WHERE session_id = $1 AND revoked_at IS NULL AND expires_at < $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = expiresAt.UtcDateTime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RevokeSessionAsync(Guid sessionId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE user_session SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends every open session of the user but <paramref name="except"/>; returns how many.</summary>
    public async Task<int> RevokeSessionsOfAsync(string userName, Guid? except = null, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE user_session SET revoked_at = now()
            WHERE user_name = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR session_id <> $2)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = except });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Replaces the password hash; false when there is no such user.</summary>
    public async Task<bool> SetPasswordHashAsync(string userName, string passwordHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE app_user SET password_hash = $2, password_changed_at = now() WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = passwordHash });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<string?> PasswordHashOfAsync(string userName, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT password_hash FROM app_user WHERE user_name = $1 AND active");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Activates or deactivates the user; false when there is no such user.</summary>
    public async Task<bool> SetActiveAsync(string userName, bool active, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE app_user SET active = $2 WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = active });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ApiTokenRecord> CreateTokenAsync(string tokenHash, string name, string userName, IReadOnlyList<string>? scopes,
        IReadOnlyList<string>? departments, DateTimeOffset? expiresAt, string? createdBy, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO api_token AS t (token_hash, name, user_name, scopes, departments, expires_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING 
            """ + TokenColumns);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tokenHash });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = scopes?.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = departments?.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = expiresAt?.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = createdBy });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return ReadToken(r, 0);
    }

    /// <summary>The token's user and the token, when the token is known, not revoked, not expired and its user active.</summary>
    public async Task<(UserRecord User, ApiTokenRecord Token)?> FindTokenAsync(string tokenHash, CancellationToken ct = default)
    {
        var userColumns = string.Join(", ", UserStore.UserColumns.Split(", ").Select(c => "u." + c));
        await using var cmd = db.CreateCommand($"""
            SELECT {userColumns}, {TokenColumns}
            FROM api_token t JOIN app_user u ON u.user_name = t.user_name
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.active
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tokenHash });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (UserStore.ReadUser(r), ReadToken(r, 11)) : null;
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"SELECT {TokenColumns} FROM api_token t ORDER BY t.created_at, t.name");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var tokens = new List<ApiTokenRecord>();
        while (await r.ReadAsync(ct))
        {
            tokens.Add(ReadToken(r, 0));
        }

        return tokens;
    }

    /// <summary>Revokes the token; false when there is no such token or it was revoked before.</summary>
    public async Task<bool> RevokeTokenAsync(Guid tokenId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE api_token SET revoked_at = now() WHERE token_id = $1 AND revoked_at IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tokenId });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Whether an unrevoked token with this hash exists (the production check looks for the demo token).</summary>
    public async Task<bool> TokenIsLiveAsync(string tokenHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tokenHash });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private static ApiTokenRecord ReadToken(NpgsqlDataReader r, int at) => new(
        r.GetGuid(at),
        r.GetString(at + 1),
        r.GetString(at + 2),
        r.IsDBNull(at + 3) ? null : r.GetFieldValue<string[]>(at + 3),
        r.IsDBNull(at + 4) ? null : r.GetFieldValue<string[]>(at + 4),
        r.GetFieldValue<DateTimeOffset>(at + 5),
        r.IsDBNull(at + 6) ? null : r.GetFieldValue<DateTimeOffset>(at + 6),
        r.IsDBNull(at + 7) ? null : r.GetFieldValue<DateTimeOffset>(at + 7),
        r.IsDBNull(at + 8) ? null : r.GetString(at + 8));
}
