namespace PushFunctions.Gateway.Console;

/// <summary>Links to console pages whose path holds a user id: each segment escaped, '/' kept (the route takes the rest of the path).</summary>
public static class ConsoleLinks
{
    public static string User(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return ConsoleRoutes.Root + "/users/" + string.Join('/', userId.Split('/').Select(Uri.EscapeDataString));
    }

    public static string Push(string userId) => ConsoleRoutes.Root + "/push?users=" + Uri.EscapeDataString(userId);
}
