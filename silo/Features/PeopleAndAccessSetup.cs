using Microsoft.AspNetCore.Routing;
using SalesOrleans.Domain.Deals;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Api;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// People and access: users, departments, working calendars and routing keywords (the stores and the node's people
/// snapshot, <see cref="UserDirectory"/>, kept fresh by <see cref="DirectoryRefresher"/>), signing in, passwords and
/// API tokens, the access matrix, the administration pages, and each person's page language.
/// The authentication schemes, login sessions and the access layer every endpoint declares against are cross-cutting
/// (<c>SalesOrleans.Web.WebSetup</c>).
/// </summary>
public static class PeopleAndAccessSetup
{
    public static IServiceCollection AddPeopleAndAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<RoutingKeywordStore>();
        services.AddSingleton<UserAdminStore>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<IDealDirectory>(sp => sp.GetRequiredService<UserDirectory>());
        // Starts before the web front's hosted services and the silo (see NodeHost); the silo loads the directory before it
        // takes grains (DirectoriesBeforeActive), this keeps it fresh afterwards.
        services.AddHostedService<DirectoryRefresher>();

        // Web: passwords and the login throttle (login, password change).
        services.AddSingleton<Credentials>();
        services.Configure<LoginOptions>(configuration.GetSection(LoginOptions.Section));
        services.AddSingleton<LoginThrottle>();
        return services;
    }

    public static IEndpointRouteBuilder MapPeopleAndAccess(this IEndpointRouteBuilder app)
    {
        app.MapAuthEndpoints();
        app.MapAccessEndpoints();
        app.MapAccountEndpoints();
        app.MapI18nEndpoints();
        app.MapAdminEndpoints();
        return app;
    }
}
