using System.Runtime.Versioning;
using System.Text.Json;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// scripts/run-local.sh --functions-host: the published package under `func start` with Azurite. Core Tools cannot be
/// installed on the build machines (its install downloads the tools from outside the package registries), so these
/// tests check what the script says without it and what it prepares for it; docs/azure.md records the run by hand.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FunctionsHostLocalRunTests
{
    private static readonly string Library = RepositoryRoot.PathOf("scripts", "lib", "functions-host.sh");

    /// <summary>
    /// HTTP and timers are built into the host (the Timers extension ships with it: the host 4.1037 ran the ExpirePings
    /// timer with no bundle and nothing installed); the queue extension is what the script installs into bin/.
    /// </summary>
    private static readonly string[] TriggersWithoutTheBundle = ["httpTrigger", "queueTrigger", "timerTrigger"];

    [Fact]
    public async Task Without_func_on_the_path_it_says_what_to_install_before_starting_anything()
    {
        using var tools = new TemporaryDirectory();
        // Only what the script runs before it looks for func: the shell and dirname.
        foreach (var tool in new[] { "bash", "dirname" })
        {
            File.CreateSymbolicLink(Path.Combine(tools.Path, tool), Which(tool));
        }

        var (exitCode, output, error) = await ShellScript.RunAsync(
            [Which("bash"), RepositoryRoot.PathOf("scripts", "run-local.sh"), "--functions-host"],
            new Dictionary<string, string> { ["PATH"] = tools.Path },
            searchPathPrefix: null,
            TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("`func` is not on PATH", error, StringComparison.Ordinal);
        Assert.Contains("npm install --global azure-functions-core-tools@4", error, StringComparison.Ordinal);
        Assert.Contains("apt-get install azure-functions-core-tools-4", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task The_package_settings_run_the_storage_queue_trigger_against_azurite_and_keep_the_secrets()
    {
        using var directory = new TemporaryDirectory();
        // A local.settings.json as the postprovision hook writes it, for a run against Azure.
        var settings = directory.WriteFile("local.settings.json", """
            {
              "IsEncrypted": false,
              "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
                "AzureWebJobsStorage__accountName": "sttest",
                "AzureWebJobsStorage__credential": "managedidentity",
                "PushQueue__Transport": "ServiceBus",
                "PushQueue__QueueName": "pings",
                "AzureWebJobs.DeliverFromQueue.Disabled": "true",
                "AzureWebJobs.DeliverFromServiceBus.Disabled": "false",
                "RhoConnect__ApiTokens": "token-1,token-2",
                "Rps__AppPassword": "relay-password"
              }
            }
            """);
        var package = Directory.CreateDirectory(Path.Combine(directory.Path, "package")).FullName;

        var (exitCode, _, error) = await RunLibraryAsync("functions_host_write_settings", settings, package);

        Assert.True(exitCode == 0, error);
        var written = Path.Combine(package, "local.settings.json");
        var values = LocalSettingsFile.ReadValues(written);
        Assert.Equal("custom", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.DoesNotContain(values.Keys, name => name.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal));
        Assert.Equal("StorageQueue", values["PushQueue__Transport"]);
        Assert.Equal("false", values["AzureWebJobs.DeliverFromQueue.Disabled"]);
        Assert.Equal("true", values["AzureWebJobs.DeliverFromServiceBus.Disabled"]);
        Assert.Equal("true", values["AzureWebJobs.DeadLetteredFromServiceBus.Disabled"]);
        Assert.Equal("pings", values["PushQueue__QueueName"]);
        Assert.Equal("token-1,token-2", values["RhoConnect__ApiTokens"]);
        Assert.Equal("relay-password", values["Rps__AppPassword"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(written));
    }

    /// <summary>Installs the real extension from NuGet, as the script does (a restore and a build: up to a few minutes on a busy machine).</summary>
    [Fact]
    public async Task Without_the_bundle_the_package_loads_the_queue_extension_from_bin_and_drops_the_service_bus_functions()
    {
        using var directory = new TemporaryDirectory();
        var package = Path.Combine(directory.Path, "package");
        CopyDirectory(RepositoryRoot.PathOf("functions", "PushFunctions.Gateway", "Functions"), package);
        File.Copy(RepositoryRoot.PathOf("host.json"), Path.Combine(package, "host.json"));

        var (exitCode, _, error) = await RunLibraryAsync("functions_host_use_local_extensions", package);

        Assert.True(exitCode == 0, error);
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "host.json")));
        Assert.False(host.RootElement.TryGetProperty("extensionBundle", out _));
        Assert.True(host.RootElement.TryGetProperty("customHandler", out _));
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "bin", "extensions.json")));
        Assert.Contains("AzureStorageQueues", extensions.RootElement.GetProperty("extensions").EnumerateArray().Select(extension => extension.GetProperty("name").GetString()));
        // Every function left has a trigger the host can bind without the bundle.
        var triggers = Directory.EnumerateFiles(package, "function.json", SearchOption.AllDirectories).Select(TriggerType).ToList();
        Assert.Contains("queueTrigger", triggers);
        Assert.All(triggers, trigger => Assert.Contains(trigger, TriggersWithoutTheBundle));
    }

    private static Task<(int ExitCode, string Output, string Error)> RunLibraryAsync(string function, params string[] arguments) =>
        ShellScript.RunAsync(
            [Which("bash"), "-c", $"source \"$0\" && {function} \"$@\"", Library, .. arguments],
            new Dictionary<string, string>(),
            searchPathPrefix: null,
            TimeSpan.FromMinutes(5));

    private static string TriggerType(string functionJson)
    {
        using var function = JsonDocument.Parse(File.ReadAllText(functionJson));
        return function.RootElement.GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))
            .GetProperty("type").GetString()!;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    private static string Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not on PATH.");
}
