using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>Each person's page language (app_user.language): read when a page asks who is signed in, written from the account page.</summary>
public sealed class UserLanguageStore(NpgsqlDataSource db)
{
    public async Task<string?> GetAsync(string userName, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT language FROM app_user WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Sets the language (null: the browser's); false when there is no such user.</summary>
    public async Task<bool> SetAsync(string userName, string? language, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("UPDATE app_user SET language = $2 WHERE user_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = language });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
