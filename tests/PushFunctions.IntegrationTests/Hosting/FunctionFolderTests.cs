using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using PushFunctions.Gateway.Hosting;
using PushFunctions.Gateway.Retention;

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

    /// <summary>
    /// The host forwards an HTTP function's request to the handler at the request's own path
    /// (DefaultHttpWorkerService.GetPathValue with enableForwardingHttpRequest), so an HTTP route that matched
    /// "/DeliverFromQueue" would let anyone on the internet post envelopes to it (or start imports at
    /// "/ImportFromRhoConnect"). Host routes match case-insensitively.
    /// </summary>
    [Fact]
    public void No_http_function_route_matches_the_path_of_a_function_the_host_invokes_itself()
    {
        var functions = ReadFunctions();
        var deliveryPaths = functions.Where(f => f.Trigger != "httpTrigger").Select(f => "/" + f.Name).Order().ToList();
        Assert.Equal(["/DeadLetteredFromServiceBus", "/DeliverFromQueue", "/DeliverFromServiceBus", "/ExpirePings", "/ImportFromRhoConnect"], deliveryPaths);

        foreach (var function in functions.Where(f => f.Trigger == "httpTrigger"))
        {
            // Without a route the host serves an HTTP function at its name (routePrefix is empty).
            var route = function.Route ?? function.Name;
            var matcher = new TemplateMatcher(TemplateParser.Parse(route), new RouteValueDictionary());
            foreach (var path in deliveryPaths.SelectMany(p => new[] { p, p.ToLowerInvariant(), p.ToUpperInvariant(), p + "/" }))
            {
                Assert.False(matcher.TryMatch(path, new RouteValueDictionary()), $"The HTTP function {function.Name} (route \"{route}\") forwards {path} to the handler.");
            }
        }
    }

    /// <summary>
    /// The timer binding's name is the property of Data the host puts the TimerInfo in, and its schedule an NCRONTAB
    /// expression with seconds (six fields), as the Timers extension parses it (CronSchedule.TryCreate).
    /// </summary>
    [Fact]
    public void The_expiry_function_is_a_timer_whose_binding_the_handler_reads_on_a_six_field_schedule()
    {
        using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "functions", "PushFunctions.Gateway", "Functions", RetentionFunctionEndpoints.ExpiryFunction, "function.json")));
        var trigger = Assert.Single(function.RootElement.GetProperty("bindings").EnumerateArray());

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(TimerInvocation.Binding, trigger.GetProperty("name").GetString());
        Assert.Equal(6, trigger.GetProperty("schedule").GetString()!.Split(' ').Length);
        // Not on every start of every instance: a scale-out would run a pass per new instance.
        Assert.False(trigger.TryGetProperty("runOnStartup", out _));
    }

    [Fact]
    public void Host_json_runs_the_app_as_a_custom_handler_with_an_empty_route_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");

        Assert.Equal("PushFunctions.Gateway", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    private static HashSet<string> ReadFunctionFolders()
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in ReadFunctions())
        {
            // Non-HTTP triggers are invoked by the host as POST /{FunctionName}.
            foreach (var method in function.Trigger == "httpTrigger" ? function.Methods : ["POST"])
            {
                routes.Add($"{method.ToUpperInvariant()} /{(function.Trigger == "httpTrigger" ? function.Route : function.Name)}");
            }
        }

        return routes;
    }

    private static List<(string Name, string Trigger, string? Route, string[] Methods)> ReadFunctions()
    {
        var functions = new List<(string, string, string?, string[])>();
        var root = Path.Combine(RepositoryRoot(), "functions", "PushFunctions.Gateway", "Functions");
        foreach (var file in Directory.GetFiles(root, "function.json", SearchOption.AllDirectories))
        {
            using var function = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = function.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in");
            functions.Add((
                Path.GetFileName(Path.GetDirectoryName(file)!),
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                trigger.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!).ToArray() : []));
        }

        return functions;
    }

    private static async Task<HashSet<string>> ReadServedRoutesAsync()
    {
        // As the host runs it: the delivery functions exist only then.
        await using var app = GatewayApp.Build([$"--{GatewayApp.CustomHandlerPortSetting}=7071"]);
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
