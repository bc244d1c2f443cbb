using System.Diagnostics;

namespace PushFunctions.IntegrationTests.Packaging;

/// <summary>
/// <c>dotnet publish functions/PushFunctions.Gateway -c Release</c> into a temporary folder, once for the test class:
/// the exact folder Flex Consumption deploys. Release keeps the publish off the Debug binaries the tests run from; a
/// lock file keeps two test runs on this machine from building the Release configuration at the same time.
/// </summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    // A Native AOT publish (the relay) takes minutes on a busy 2-core machine.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "pushfunctions-package-" + Guid.NewGuid().ToString("N")[..8]);

    public static string RepositoryRoot()
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

    public Task InitializeAsync() => PublishAsync(Path.Combine("functions", "PushFunctions.Gateway"), Directory);

    /// <summary>
    /// <c>dotnet publish {project} -c Release -o {output}</c> and <paramref name="options"/> from the repository root,
    /// failing with the tool's output. Every publish a test makes takes the same lock: two at once would build the
    /// shared projects' Release output at the same time.
    /// </summary>
    public static async Task PublishAsync(string project, string output, params string[] options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = RepositoryRoot();
        await using var publishLock = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), "pushfunctions-publish.lock"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet" }.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var standardOutput = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await publish.WaitForExitAsync(timeout.Token);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed ({publish.ExitCode}):\n{await standardOutput}\n{await errors}");
        }
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + PublishTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }
}
