using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SalesOrleans.Web.Auth;

/// <summary>What an endpoint declares about who may call it; every endpoint carries exactly one (a test walks the route table).</summary>
public abstract record AccessDeclaration
{
    public abstract string Summary { get; }
}

/// <summary>Needs <paramref name="Capability"/>, scoped by <paramref name="Resource"/> when the route names one.</summary>
public sealed record RequiresAccess(Capability Capability, ResourceRef? Resource) : AccessDeclaration
{
    public override string Summary => Resource is null ? Capability.Name : $"{Capability.Name} on {Resource.Kind.ToString().ToLowerInvariant()}";
}

/// <summary>Anonymous, for the reason given (login, health, the public form, the PBX webhook with its own key).</summary>
public sealed record PublicAccess(string Why) : AccessDeclaration
{
    public override string Summary => "public: " + Why;
}

/// <summary>Any signed-in user, about their own session (who am I, CSRF token, logout).</summary>
public sealed record SignedInAccess(string Why) : AccessDeclaration
{
    public override string Summary => "signed in: " + Why;
}

/// <summary>A named ASP.NET Core policy of its own (the Prometheus scrape: admin or an allowed network).</summary>
public sealed record PolicyAccess(string Policy, string Why) : AccessDeclaration
{
    public override string Summary => $"policy {Policy}: {Why}";
}

/// <summary>The requirement behind <see cref="AccessEndpoints.Requires{TBuilder}"/>: checked in the authorization middleware, before the body is read.</summary>
public sealed record AccessRequirement(Capability Capability, ResourceRef? Resource) : IAuthorizationRequirement;

/// <summary>
/// How the route table declares access: <c>.Requires(Capability.DealMove, Resource.Deal())</c>, <c>.Requires(Capability.ImportCustomers)</c>,
/// <c>.Public("why")</c>, <c>.SignedIn("why")</c>.
/// </summary>
public static class AccessEndpoints
{
    public static TBuilder Requires<TBuilder>(this TBuilder builder, Capability capability, ResourceRef? resource = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAccess(capability, resource)).RequireAuthorization(new AuthorizationPolicyBuilder(AuthSchemes.Either)
            .RequireAuthenticatedUser().AddRequirements(new AccessRequirement(capability, resource)).Build());

    public static TBuilder Public<TBuilder>(this TBuilder builder, string why) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicAccess(why)).AllowAnonymous();

    public static TBuilder SignedIn<TBuilder>(this TBuilder builder, string why) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignedInAccess(why))
            .RequireAuthorization(new AuthorizationPolicyBuilder(AuthSchemes.Either).RequireAuthenticatedUser().Build());

    public static TBuilder RequiresPolicy<TBuilder>(this TBuilder builder, string policy, string why) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PolicyAccess(policy, why)).RequireAuthorization(policy);

    public static IServiceCollection AddSalesAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<ResourceResolvers>();
        services.AddSingleton<AccessGuard>();
        services.AddSingleton<IAuthorizationHandler, AccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        return services;
    }
}

/// <summary>The one decision: the role's scope for the capability, then (when a resource is named) where that resource sits.</summary>
public sealed class AccessGuard(AccessPolicy policy, ResourceResolvers resolvers)
{
    public async Task<AccessDecision> DecideAsync(ClaimsPrincipal user, Capability capability, ResourceKind? kind, string[] keys, CancellationToken ct = default)
    {
        var matrix = await policy.MatrixAsync(ct);
        var roles = policy.RolesOf(user);
        var scope = matrix.ScopeOf(roles, capability);
        if (kind is not { } k)
        {
            return scope == AccessScope.None ? AccessDecision.Forbidden : AccessDecision.Allowed;
        }

        var facts = await resolvers.ResolveAsync(k, keys, ct);
        var readScope = ResourceRef.ReadOf(k) is { } read ? matrix.ScopeOf(roles, read) : AccessScope.All;
        if (scope == AccessScope.None)
        {
            // No right at all: refused as such, unless the thing is not even visible (then it does not exist for them).
            return facts is not null && AccessMatrix.Reaches(readScope, AccessPolicy.SubjectOf(user), facts) ? AccessDecision.Forbidden : AccessDecision.Hidden;
        }

        return AccessMatrix.Decide(scope, readScope, AccessPolicy.SubjectOf(user), facts);
    }

    /// <summary>For resources a request body names (an order's deal, a lead's new assignee): null when allowed, else the 404 or 403 to answer.</summary>
    public async Task<ProblemHttpResult?> DenyAsync(ClaimsPrincipal user, Capability capability, ResourceKind kind, string key, CancellationToken ct = default) =>
        await DecideAsync(user, capability, kind, [key], ct) switch
        {
            AccessDecision.Allowed => null,
            var decision => AccessProblems.For(decision, capability, kind, key),
        };
}

/// <summary>Every access refusal, written one way.</summary>
public static class AccessProblems
{
    public static ProblemHttpResult For(AccessDecision decision, Capability capability, ResourceKind? kind, string key) =>
        decision == AccessDecision.Hidden && kind is { } k ? NotFound(k, key) : Forbidden(capability, kind);

    /// <summary>Exactly what a missing one answers: nothing tells an invisible resource from one that does not exist.</summary>
    public static ProblemHttpResult NotFound(ResourceKind kind, string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: kind switch
        {
            ResourceKind.Department => $"Unknown department '{key}'.",
            ResourceKind.User => $"Unknown user '{key}'.",
            ResourceKind.Process => $"Unknown process '{key}'.",
            ResourceKind.Call => $"No call '{key}'.",
            ResourceKind.Reservation => $"Unknown reservation '{key}'.",
            _ => $"{kind} {key} does not exist.",
        });

    /// <summary>Names the capability, never the owner or the department of what was refused.</summary>
    public static ProblemHttpResult Forbidden(Capability capability, ResourceKind? kind = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: kind is { } k
                ? $"Your role does not allow '{capability.Name}' ({capability.Description.ToLowerInvariant()}) on this {k.ToString().ToLowerInvariant()}."
                : $"Your role does not allow '{capability.Name}' ({capability.Description.ToLowerInvariant()}).",
            extensions: new Dictionary<string, object?> { ["capability"] = capability.Name });
}

/// <summary>Why a request was refused, carried from the handler to <see cref="AccessResultHandler"/>.</summary>
public sealed class AccessFailure(IAuthorizationHandler handler, AccessDecision decision, Capability capability, ResourceKind? kind, string key)
    : AuthorizationFailureReason(handler, $"{decision}: {capability.Name}")
{
    public IResult Problem => AccessProblems.For(decision, capability, kind, key);
}

/// <summary>Checks <see cref="AccessRequirement"/> in the authorization middleware, with the route values only (no body read yet).</summary>
public sealed class AccessHandler : AuthorizationHandler<AccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true || context.Resource is not HttpContext http)
        {
            return;
        }

        var guard = http.RequestServices.GetRequiredService<AccessGuard>();
        var keys = requirement.Resource?.Keys(http) ?? [];
        var decision = await guard.DecideAsync(context.User, requirement.Capability, requirement.Resource?.Kind, keys, http.RequestAborted);
        if (decision == AccessDecision.Allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AccessFailure(this, decision, requirement.Capability, requirement.Resource?.Kind,
                requirement.Resource?.Kind == ResourceKind.Reservation ? keys[1] : keys.FirstOrDefault() ?? ""));
        }
    }
}

/// <summary>Writes the refusal as ProblemDetails (404 for what the caller may not see, 403 otherwise); 401 stays as it is.</summary>
public sealed class AccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var problem = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<AccessFailure>().FirstOrDefault()?.Problem
                ?? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Your role does not allow this.");
            await problem.ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
