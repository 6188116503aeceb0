using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SalesOrleans.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SalesOrleans.Domain;
using SalesOrleans.Web.Api;
using SalesOrleans.Web.Auth;
using SalesOrleans.Web.Live;

namespace SalesOrleans.Web;

/// <summary>
/// The web front's cross-cutting parts: ProblemDetails and the exception handlers, input hygiene, JSON, OpenAPI, health,
/// body limits, authentication (cookie sessions, API tokens), authorization and the access layer, CSRF, Data Protection,
/// localization, the rate limiter, static files and the SignalR hub. Co-hosted with the silo (see the silo's NodeHost);
/// each feature's services and endpoints are registered and mapped by its setup in silo/Features.
/// </summary>
public static class WebSetup
{
    public const string ReadyTag = "ready";
    public const string AdminPolicy = "admin";

    /// <summary>The Prometheus scrape: an admin (cookie or API token), or any caller from Metrics:AllowedNetworks (CIDR).</summary>
    public const string MetricsPolicy = "metrics";

    /// <summary>Largest request body outside the upload endpoints (JSON commands, process definitions).</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    public static IServiceCollection AddSalesWeb(this IServiceCollection services, IConfiguration configuration)
    {
        // Ahead of the framework's writer: refusals in the caller's language (ProblemLanguage).
        services.AddSingleton<IProblemDetailsWriter, LocalizedProblemDetailsWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddExceptionHandler<ClusterUnavailableHandler>();
        services.AddSalesInputHygiene();
        // Let malformed bodies reach the exception handler, which names the offending field.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi();
        services.AddHealthChecks();
        // Every request body is capped here; the upload endpoints raise it for themselves (RequestSizeLimit metadata).
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = configuration.GetValue("Web:MaxBodyBytes", DefaultMaxBodyBytes));
        services.AddSalesAccess();
        // Login sessions and API tokens: what the cookie and token schemes below check every request against.
        services.Configure<LoginSessionOptions>(configuration.GetSection(LoginSessionOptions.Section));
        services.AddSingleton<AccountStore>();
        // Each person's language: refusals (ProblemLanguage) and papers are written in it.
        services.AddSingleton<UserLanguageStore>();
        services.AddLocalization(o => o.ResourcesPath = I18nEndpoints.ResourcesPath);
        services.AddSingleton<Sessions>();
        services.AddTrustedProxies(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // The middleware and its answer; the policies are the features' (Leads: the public web form's, per address).
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        services.AddSalesCsrf();
        services.AddSignalR();
        services.AddSingleton<HubLiveObserver>();
        services.AddHostedService<LiveRelayRegistration>();
        services.AddSingleton<DataProtectionKeyStore>();
        services.AddDataProtection().SetApplicationName("SalesOrleans");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                o.XmlRepository = new PostgresKeyRepository(sp.GetRequiredService<DataProtectionKeyStore>());
                // Keys at rest are encrypted when a secret is configured (a node in Production refuses to start without one).
                if (KeyRingProtection.SecretFrom(configuration) is { } secret)
                {
                    o.XmlEncryptor = new KeyRingProtection.Encryptor(secret);
                }
            }));

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
                o.ExpireTimeSpan = configuration.GetSection(LoginSessionOptions.Section).Get<LoginSessionOptions>()?.IdleTimeout ?? new LoginSessionOptions().IdleTimeout;
                // The cookie names a server-side session: it counts only while that session is open (see Sessions).
                o.Events.OnValidatePrincipal = ctx => ctx.HttpContext.RequestServices.GetRequiredService<Sessions>().ValidateAsync(ctx);
                o.Events.OnCheckSlidingExpiration = ctx => ctx.HttpContext.RequestServices.GetRequiredService<Sessions>().SlideAsync(ctx);
                // An API answers 401/403, it does not redirect to a login page.
                o.Events.OnRedirectToLogin = ctx => Deny(ctx.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => Deny(ctx.Response, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(AuthSchemes.ApiToken, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Either).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Either).RequireRole(Roles.Admin))
            .AddPolicy(MetricsPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Either).RequireAssertion(ctx =>
                ctx.User.IsInRole(Roles.Admin)
                || (ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address
                    && MetricsNetworks(configuration).Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)))));
        return services;
    }

    public static WebApplication UseSalesWeb(this WebApplication app)
    {
        if (SecurityHeaders.TrustedProxies(app.Configuration).Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The pages and scripts are public (they hold no data; every API call they make is authorized).
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new EmbeddedFileProvider(typeof(WebSetup).Assembly, "SalesOrleans.Web.ui") });
        app.MapGet("/", RedirectToStart).Public("redirects to the start page, which sends each role to its own page").ExcludeFromDescription();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSalesCsrf();
        app.UseSalesInputHygiene();
        app.UseRateLimiter();

        app.MapOpenApi().Public("the API description holds no data");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).Public("liveness probe");
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag) }).Public("readiness probe");
        app.MapHub<LiveHub>("/hubs/live").SignedIn("live updates: the hub joins each connection to its own user's and department's groups only");
        return app;
    }

    private static RedirectHttpResult RedirectToStart() => TypedResults.Redirect("/index.html");

    private static System.Net.IPNetwork[] MetricsNetworks(IConfiguration configuration) =>
        (configuration.GetSection("Metrics:AllowedNetworks").Get<string[]>() ?? []).Select(n => System.Net.IPNetwork.Parse(n)).ToArray();

    private static Task Deny(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
