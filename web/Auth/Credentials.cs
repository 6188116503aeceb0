using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Auth;

/// <summary>Password hashing (ASP.NET Core Identity's PBKDF2 hasher), API token hashing and the claims a user carries.</summary>
public sealed class Credentials(UserStore store)
{
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>A hash of nothing anyone knows, made once: an unknown user name costs one verification, as a known one does.</summary>
    private static readonly string DummyHash = Hasher.HashPassword("", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 1000;

    public static string HashPassword(string userName, string password) => Hasher.HashPassword(userName, password);

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A fresh random token; only its hash is stored, so it is shown once.</summary>
    public static string NewToken() => "so_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public async Task<UserRecord?> CheckPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        var found = await store.FindForLoginAsync(userName, ct);
        if (found is null)
        {
            // Same work either way (one verification against a hash made at start), so timing does not tell which user names exist.
            Hasher.VerifyHashedPassword(userName, DummyHash, password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(userName, found.Value.PasswordHash, password);
        return result == PasswordVerificationResult.Failed ? null : found.Value.User;
    }

    /// <summary>Whether the password matches the hash (for checks beside login: the production start refuses demo passwords).</summary>
    public static bool Matches(string userName, string hash, string password) =>
        Hasher.VerifyHashedPassword(userName, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>Why a new password is refused, or null when it will do.</summary>
    public static string? WeakPassword(string userName, string? password) => password switch
    {
        null or "" => "'newPassword' is required.",
        { Length: < MinPasswordLength } => $"'newPassword' needs at least {MinPasswordLength} characters.",
        { Length: > MaxPasswordLength } => $"'newPassword' has at most {MaxPasswordLength} characters.",
        _ when password.Trim().Equals(userName, StringComparison.OrdinalIgnoreCase) => "'newPassword' must not be the user name.",
        _ when password.Distinct().Count() < 4 => "'newPassword' needs at least 4 different characters.",
        _ => null,
    };

    public static ClaimsPrincipal Principal(UserRecord user, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.UserName),
            new("display_name", user.DisplayName),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (user.Department is not null)
        {
            claims.Add(new Claim(AuthSchemes.DepartmentClaim, user.Department));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
