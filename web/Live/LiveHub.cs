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
}
