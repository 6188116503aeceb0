namespace SalesOrleans.Web.Auth;

public static class AuthSchemes
{
    /// <summary>Browsers: a cookie from POST /api/auth/login.</summary>
    public const string Cookie = "cookie";

    /// <summary>Integrations: "Authorization: Bearer &lt;token&gt;".</summary>
    public const string ApiToken = "token";

    /// <summary>Picks one of the two per request.</summary>
    public const string Either = "cookie-or-token";

    public const string DepartmentClaim = "department";
}
