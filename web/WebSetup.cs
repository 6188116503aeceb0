using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SalesOrleans.Domain;
using SalesOrleans.Web.Api;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web;

/// <summary>The web front: API, auth, ProblemDetails, health and OpenAPI. Co-hosted with the silo (see the silo's Program).</summary>
public static class WebSetup
{
    public const string ReadyTag = "ready";
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddSalesWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Let malformed bodies reach the exception handler, which names the offending field.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi();
        services.AddHealthChecks();
        services.Configure<DocumentOptions>(configuration.GetSection("Documents"));
        services.AddSingleton<Credentials>();

        services.AddAuthentication(AuthSchemes.Either)
            .AddPolicyScheme(AuthSchemes.Either, "Cookie or API token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? AuthSchemes.ApiToken
                    : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.Cookie.Name = "salesorleans";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                // An API answers 401/403, it does not redirect to a login page.
                o.Events.OnRedirectToLogin = ctx => Deny(ctx.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => Deny(ctx.Response, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(AuthSchemes.ApiToken, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Either).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Either).RequireRole(Roles.Admin));
        return services;
    }

    public static WebApplication UseSalesWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapAuthEndpoints();
        app.MapProcessEndpoints();
        app.MapDealEndpoints();
        app.UseSalesLeads();
        return app;
    }

    private static Task Deny(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
