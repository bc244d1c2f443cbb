using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Packaging;

/// <summary>The publish output is what the Functions host runs: host.json, one folder per function, and the app.</summary>
public sealed class FunctionsPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    [Fact]
    public void Host_json_at_the_root_runs_the_published_dll_as_a_custom_handler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var dll = description.GetProperty("arguments")[0].GetString()!;

        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("PushFunctions.Gateway.dll", dll);
        Assert.True(File.Exists(Path.Combine(package.Directory, dll)));
        Assert.True(File.Exists(Path.Combine(package.Directory, "PushFunctions.Gateway.runtimeconfig.json")));
        Assert.True(File.Exists(Path.Combine(package.Directory, "PushFunctions.Gateway.deps.json")));
    }

    [Fact]
    public void Every_function_folder_of_the_source_is_a_root_folder_of_the_package_with_the_same_function_json()
    {
        var source = Path.Combine(PublishedPackage.RepositoryRoot(), "functions", "PushFunctions.Gateway", "Functions");
        var functions = System.IO.Directory.GetDirectories(source).Select(Path.GetFileName).ToList();

        Assert.Contains("DeliverFromQueue", functions);
        Assert.Contains("DeliverFromServiceBus", functions);
        Assert.All(functions, name => Assert.Equal(
            File.ReadAllText(Path.Combine(source, name!, "function.json")),
            File.ReadAllText(Path.Combine(package.Directory, name!, "function.json"))));
        // The host knows a function by a root folder holding a function.json: the package declares no others.
        var packaged = System.IO.Directory.GetDirectories(package.Directory)
            .Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(functions.Order(), packaged);
    }

    [Fact]
    public async Task The_published_app_started_as_the_host_starts_it_serves_health_and_the_delivery_functions()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", "PushFunctions.Gateway.dll")
        {
            WorkingDirectory = package.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString;
        start.Environment["Storage__TablePrefix"] = AzuriteEnvironment.NewTableName("pkg")[..12];
        start.Environment["PushQueue__QueueName"] = AzuriteEnvironment.NewQueueName("pkg");
        using var app = Process.Start(start)!;
        _ = app.StandardOutput.ReadToEndAsync();
        _ = app.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilLiveAsync(http, app);

            using var queueInvocation = await http.PostAsync("/DeliverFromQueue", new StringContent("{}"));
            using var serviceBusInvocation = await http.PostAsync("/DeliverFromServiceBus", new StringContent("{}"));

            // Served, and refused for want of trigger data: not the 404 of a function the app does not know.
            Assert.Equal(HttpStatusCode.BadRequest, queueInvocation.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, serviceBusInvocation.StatusCode);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilLiveAsync(HttpClient http, Process app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            Assert.False(app.HasExited, $"The app exited with {(app.HasExited ? app.ExitCode : 0)} before answering.");
            try
            {
                using var live = await http.GetAsync("/healthz/live");
                if (live.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "The published app did not answer /healthz/live within 30 s.");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
