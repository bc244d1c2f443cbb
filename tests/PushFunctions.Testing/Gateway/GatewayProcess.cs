using System.Collections.Concurrent;
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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client of the process's HTTP API, without credentials.</summary>
    public HttpClient Client { get; }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <param name="settings">Settings as configuration spells them ("PushQueue:QueueName"), passed as environment variables.</param>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = LoopbackPorts.Free();
        var gateway = GatewayBuildOutput();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(gateway)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { gateway, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}") })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway.");
        var started = new GatewayProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")));
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.WaitUntilLiveAsync();
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>Kills the process at once (SIGKILL) and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }

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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 100 && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilLiveAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var live = await Client.GetAsync(new Uri("/healthz/live", UriKind.Relative));
                if (live.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The gateway did not answer within {StartTimeout.TotalSeconds} s:\n{RecentOutput}");
    }
}
