using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>
/// A local stand-in for RhoConnect's <c>rps_login</c> endpoints, on real Kestrel: 204 for known Basic credentials,
/// 401 for anything else (as RhoConnect answers), and it counts how often it was asked so caching can be observed.
/// </summary>
internal sealed class RpsLoginServer : IAsyncDisposable
{
    public const string DevicePath = "/rc/v1/app/rps_login";
    public const string AppPath = "/rc/v1/system/rps_login";

    private readonly WebApplication app;
    private readonly Dictionary<string, string> users;
    private readonly Dictionary<string, string> apps;
    private int deviceRequests;
    private int appRequests;

    private RpsLoginServer(WebApplication app, Dictionary<string, string> users, Dictionary<string, string> apps)
    {
        this.app = app;
        this.users = users;
        this.apps = apps;
    }

    public Uri DeviceLoginUrl { get; private set; } = null!;

    public Uri AppLoginUrl { get; private set; } = null!;

    public int DeviceRequests => Volatile.Read(ref deviceRequests);

    public int AppRequests => Volatile.Read(ref appRequests);

    public static async Task<RpsLoginServer> StartAsync(Dictionary<string, string> users, Dictionary<string, string> apps)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new RpsLoginServer(builder.Build(), users, apps);
        server.app.MapGet(DevicePath, (HttpContext context) =>
        {
            Interlocked.Increment(ref server.deviceRequests);
            lock (server.users)
            {
                return Check(context, server.users);
            }
        });
        server.app.MapGet(AppPath, (HttpContext context) =>
        {
            Interlocked.Increment(ref server.appRequests);
            return Check(context, server.apps);
        });
        await server.app.StartAsync();
        var root = new Uri(server.app.Urls.Single());
        server.DeviceLoginUrl = new Uri(root, DevicePath);
        server.AppLoginUrl = new Uri(root, AppPath);
        return server;
    }

    public Task StopAsync() => app.StopAsync();

    /// <summary>The user's credentials are refused from now on, as RhoConnect refuses a deleted user.</summary>
    public void Revoke(string user)
    {
        lock (users)
        {
            users.Remove(user);
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static IResult Check(HttpContext context, Dictionary<string, string> known)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && known.TryGetValue(decoded[..colon], out var password) && password == decoded[(colon + 1)..]
            ? Results.NoContent()
            : Results.StatusCode(StatusCodes.Status401Unauthorized);
    }
}
