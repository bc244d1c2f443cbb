using System.Diagnostics;
using System.Globalization;
using PushFunctions.Testing.Http;

namespace PushFunctions.Testing.Gateway;

/// <summary>
/// The gateway as a process of its own (its build output, run with <c>dotnet</c>) on http://127.0.0.1:{free port}, so
/// a test can kill it (SIGKILL) as a crash or an evicted instance would end it: nothing it holds in memory survives.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly LoopbackProcess _process;

    private GatewayProcess(LoopbackProcess process) => _process = process;

    /// <summary>A client of the process's HTTP API, without credentials.</summary>
    public HttpClient Client => _process.Client;

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <param name="settings">Settings as configuration spells them ("PushQueue:QueueName"), passed as environment variables.</param>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{LoopbackPorts.Free()}"));
        var gateway = GatewayBuildOutput();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(gateway)! };
        foreach (var argument in new[] { gateway, "--urls", baseAddress.ToString().TrimEnd('/') })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new GatewayProcess(await LoopbackProcess.StartAsync("The gateway", start, baseAddress, "/healthz/live"));
    }

    /// <summary>Kills the process at once (SIGKILL) and waits until it has exited.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>functions/PushFunctions.Gateway/bin/{configuration}/{framework}/PushFunctions.Gateway.dll, built beside these tests.</summary>
    private static string GatewayBuildOutput()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        for (var directory = configuration.Parent; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PushFunctions.sln")))
            {
                var dll = Path.Combine(directory.FullName, "functions", "PushFunctions.Gateway", "bin", configuration.Name, framework.Name, "PushFunctions.Gateway.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException("The gateway is not built; build PushFunctions.sln first.", dll);
            }
        }

        throw new DirectoryNotFoundException("The repository root (PushFunctions.sln) was not found above the test binaries.");
    }
}
