using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SalesOrleans.Domain;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Live;

/// <summary>Groups a browser joins: its user, its department (what a manager's and supervisor's board shows), or all for admins.</summary>
public static class LiveGroups
{
    public const string All = "all";

    public static string User(string user) => $"user:{user}";

    public static string Department(string department) => $"dept:{department}";

    /// <summary>Analytics dashboards of every department: told that a deal or lead changed, without its data.</summary>
    public const string Analytics = "analytics";
}

/// <summary>Browsers connect here; the server only pushes ("change"), reads go through the API.</summary>
[Authorize(AuthenticationSchemes = AuthSchemes.Either)]
public sealed class LiveHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.User(user.Name()));
        if (user.IsInRole(Roles.Admin))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.All);
        }
        else if (user.DepartmentOf() is { } department)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Department(department));
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// The analytics page asks for every department's changes (a supervisor's dashboard may show another department's
    /// numbers, a marketer has none): signals only, the page reloads its reports through the API, which applies access.
    /// </summary>
    public async Task WatchAnalytics()
    {
        var user = Context.User!;
        if (!(user.IsSupervisorOrAdmin() || user.IsInRole(Roles.Marketer)))
        {
            throw new HubException("Analytics of every department are for supervisors, admins and marketers.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Analytics);
    }
}
