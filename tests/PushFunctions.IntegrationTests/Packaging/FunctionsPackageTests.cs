using System.Diagnostics;
using System.Net;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using PushFunctions.Testing;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Http;

namespace PushFunctions.IntegrationTests.Packaging;

/// <summary>The publish output is what the Functions host runs: host.json, one folder per function, and the app.</summary>
public sealed class FunctionsPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    [Fact]
    public void Host_json_at_the_root_starts_the_apps_own_executable_as_the_custom_handler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var executable = Path.Combine(package.Directory, description.GetProperty("defaultExecutablePath").GetString()!);

        // The host resolves a relative path against the script root (HttpWorkerDescription.ApplyDefaultsAndValidate).
        Assert.Equal("PushFunctions.Gateway", description.GetProperty("defaultExecutablePath").GetString());
        Assert.False(description.TryGetProperty("arguments", out _));
        Assert.True(File.Exists(executable));
        // The package is built for Linux, where the host starts the file itself: it must be executable.
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void The_package_is_self_contained_for_linux_x64_and_precompiled()
    {
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "PushFunctions.Gateway.runtimeconfig.json")));
        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
        using var gateway = new PEReader(File.OpenRead(Path.Combine(package.Directory, "PushFunctions.Gateway.dll")));

        // A framework-dependent app names the frameworks to look for; a self-contained one lists those it carries.
        Assert.False(options.TryGetProperty("frameworks", out _) || options.TryGetProperty("framework", out _));
        Assert.Contains(options.GetProperty("includedFrameworks").EnumerateArray(), f => f.GetProperty("name").GetString() == "Microsoft.AspNetCore.App");
        Assert.True(File.Exists(Path.Combine(package.Directory, "libcoreclr.so")));
        // ReadyToRun code lives in the managed native header.
        Assert.True(gateway.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
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
    public async Task The_published_app_started_as_the_host_starts_it_accepts_a_ping_and_delivers_it_from_the_hosts_invocation()
    {
        var port = LoopbackPorts.Free();
        // As the host starts it: the executable, in the script root, with the port it must listen on.
        var start = new ProcessStartInfo(Path.Combine(package.Directory, "PushFunctions.Gateway"))
        {
            WorkingDirectory = package.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString;
        start.Environment["Storage__TablePrefix"] = AzuriteEnvironment.NewTableName("pkg")[..12];
        var queueName = AzuriteEnvironment.NewQueueName("pkg");
        start.Environment["PushQueue__QueueName"] = queueName;
        start.Environment["RhoConnect__ApiTokens"] = "package-token";
        using var app = Process.Start(start)!;
        _ = app.StandardOutput.ReadToEndAsync();
        _ = app.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilLiveAsync(http, app);

            using var ping = new HttpRequestMessage(HttpMethod.Post, "/rc/v1/users/ping") { Content = new FormUrlEncodedContent([new("user_id", "someone"), new("message", "packaged")]) };
            ping.Headers.Add("X-RhoConnect-API-TOKEN", "package-token");
            using var accepted = await http.SendAsync(ping);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            var queued = (await AzuriteEnvironment.Queue(queueName).PeekMessagesAsync(1)).Value.Single();

            using var queueInvocation = await FunctionsHostInvocation.PostAsync(http, "DeliverFromQueue",
                FunctionsHostInvocation.ForStorageQueueMessage(queued.Body.ToArray(), "DeliverFromQueue", 1));
            using var serviceBusInvocation = await FunctionsHostInvocation.PostAsync(http, "DeliverFromServiceBus", "{}");

            Assert.Equal(HttpStatusCode.OK, queueInvocation.StatusCode);
            // Served, and refused for want of trigger data: not the 404 of a function the app does not know.
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
}
