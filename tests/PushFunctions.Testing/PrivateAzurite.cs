using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PushFunctions.Testing;

/// <summary>
/// An Azurite of one test's own (in memory, on free loopback ports), for tests that must stop storage under a running
/// gateway without disturbing the shared instance of scripts/test.sh.
/// </summary>
public sealed class PrivateAzurite : IAsyncDisposable
{
    // The emulator's documented, public development account; not a secret.
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _workDirectory;

    private PrivateAzurite(Process process, string workDirectory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _workDirectory = workDirectory;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{Account};QueueEndpoint=http://127.0.0.1:{queuePort}/{Account};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{Account};";
        Ports = [blobPort, queuePort, tablePort];
    }

    /// <summary>A full connection string with the three loopback endpoints of this instance.</summary>
    public string ConnectionString { get; }

    public IReadOnlyList<int> Ports { get; }

    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts Azurite from <see cref="AzuriteEnvironment.AzuriteExecutable"/> and returns once all three services accept connections.</summary>
    public static async Task<PrivateAzurite> StartAsync()
    {
        var executable = AzuriteEnvironment.AzuriteExecutable;
        var workDirectory = Directory.CreateTempSubdirectory("pushfunctions-private-azurite-").FullName;
        var ports = LoopbackPorts.Free(3);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", Port(ports[0]),
            "--queueHost", "127.0.0.1", "--queuePort", Port(ports[1]),
            "--tableHost", "127.0.0.1", "--tablePort", Port(ports[2])])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        // Drained so a chatty Azurite can never block on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new PrivateAzurite(process, workDirectory, ports[0], ports[1], ports[2]);
        try
        {
            await azurite.WaitUntilListeningAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>Kills Azurite at once, as a storage outage would, and waits until it has exited.</summary>
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
        await KillAsync();
        _process.Dispose();
        Directory.Delete(_workDirectory, recursive: true);
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var port in Ports)
        {
            while (!await AcceptsAsync(port))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening on port {port}.");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite did not listen on port {port} within {StartTimeout.TotalSeconds} s.");
                }

                await Task.Delay(100);
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
