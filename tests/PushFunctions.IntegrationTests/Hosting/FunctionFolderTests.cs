using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using PushFunctions.Gateway.Hosting;

namespace PushFunctions.IntegrationTests.Hosting;

/// <summary>
/// Under the Functions host a request reaches the app only through a function folder, and a folder whose route
/// the app does not serve answers 404 in Azure: the two lists must be the same.
/// </summary>
public sealed class FunctionFolderTests
{
    [Fact]
    public async Task Every_function_folder_is_served_by_the_app_and_every_app_route_has_a_function_folder()
    {
        var functions = ReadFunctionFolders();
        var served = await ReadServedRoutesAsync();

        // A catch-all folder ("console/{*path}") forwards every route below its prefix; it is served when the app serves one.
        var missingInApp = functions.Where(f => !served.Contains(f) && !served.Any(route => IsForwardedBy(f, route))).ToList();
        var missingFolders = served.Where(route => !functions.Contains(route) && !functions.Any(f => IsForwardedBy(f, route))).ToList();

        Assert.True(missingInApp.Count == 0, "Function folders the app does not serve: " + string.Join(", ", missingInApp));
        Assert.True(missingFolders.Count == 0, "App routes without a function folder: " + string.Join(", ", missingFolders));
        Assert.Contains("POST /rc/v1/users/ping", functions);
        Assert.Contains("POST /DeliverFromQueue", functions);
        Assert.Contains("POST /console/{*path}", functions);
    }

    private static bool IsForwardedBy(string function, string route)
    {
        var catchAll = function.IndexOf("/{*", StringComparison.Ordinal);
        if (catchAll < 0)
        {
            return false;
        }

        var prefix = function[..catchAll];
        return route == prefix || route.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    [Fact]
    public void Host_json_runs_the_app_as_a_custom_handler_with_an_empty_route_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");

        Assert.Equal("dotnet", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("PushFunctions.Gateway.dll", handler.GetProperty("description").GetProperty("arguments")[0].GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    private static HashSet<string> ReadFunctionFolders()
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        var root = Path.Combine(RepositoryRoot(), "functions", "PushFunctions.Gateway", "Functions");
        foreach (var file in Directory.GetFiles(root, "function.json", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file)!);
            using var function = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = function.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in");
            if (trigger.GetProperty("type").GetString() == "httpTrigger")
            {
                foreach (var method in trigger.GetProperty("methods").EnumerateArray())
                {
                    routes.Add($"{method.GetString()!.ToUpperInvariant()} /{trigger.GetProperty("route").GetString()}");
                }
            }
            else
            {
                // Non-HTTP triggers are invoked by the host as POST /{FunctionName}.
                routes.Add($"POST /{name}");
            }
        }

        return routes;
    }

    private static async Task<HashSet<string>> ReadServedRoutesAsync()
    {
        await using var app = GatewayApp.Build([]);
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
        {
            // A Razor page answers its GET and the posts of its forms.
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods
                ?? (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is null ? ["GET"] : ["GET", "POST"]);
            foreach (var method in methods)
            {
                routes.Add($"{method} /{endpoint.RoutePattern.RawText!.TrimStart('/')}");
            }
        }

        return routes;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PushFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (PushFunctions.sln) was not found above the test binaries.");
    }
}
