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

    public static string HashPassword(string userName, string password) => Hasher.HashPassword(userName, password);

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A fresh random token; only its hash is stored, so it is shown once.</summary>
    public static string NewToken() => "so_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public async Task<UserRecord?> CheckPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        var found = await store.FindForLoginAsync(userName, ct);
        if (found is null)
        {
            // Same work either way, so timing does not tell which user names exist.
            Hasher.VerifyHashedPassword(userName, HashPassword(userName, "x"), password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(userName, found.Value.PasswordHash, password);
        return result == PasswordVerificationResult.Failed ? null : found.Value.User;
    }

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
