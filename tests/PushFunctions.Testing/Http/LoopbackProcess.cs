using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace PushFunctions.Testing.Http;

/// <summary>
/// One of our apps as a process of its own on a loopback address, ready once a health path answers 2xx, with its last
/// lines of output kept for a failure message. Disposing it kills it at once (SIGKILL).
/// </summary>
public sealed class LoopbackProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly string _name;
    private readonly ConcurrentQueue<string> _output = new();

    private LoopbackProcess(Process process, string name, Uri baseAddress)
    {
        _process = process;
        _name = name;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client of the process's HTTP API, without credentials.</summary>
    public HttpClient Client { get; }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <param name="name">What the process is, for messages ("the gateway").</param>
    /// <param name="start">The command; its output is read here.</param>
    /// <param name="baseAddress">Where the command makes the process listen.</param>
    /// <param name="healthPath">A path that answers 2xx once the process takes requests.</param>
    public static async Task<LoopbackProcess> StartAsync(string name, ProcessStartInfo start, Uri baseAddress, string healthPath)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var started = new LoopbackProcess(process, name, baseAddress);
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.WaitUntilHealthyAsync(healthPath);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an evicted instance would end it, and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM), as App Service and systemd stop it, and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var terminate = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await terminate.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
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

    private async Task WaitUntilHealthyAsync(string healthPath)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var health = await Client.GetAsync(new Uri(healthPath, UriKind.Relative));
                if (health.IsSuccessStatusCode)
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

        throw new TimeoutException($"{_name} did not answer GET {healthPath} within {StartTimeout.TotalSeconds} s:\n{RecentOutput}");
    }
}
