using System.Diagnostics;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>Runs a POSIX shell script the way azd runs a <c>shell: sh</c> hook, with the given environment.</summary>
internal static class ShellScript
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string script, IReadOnlyDictionary<string, string> environment, string? searchPathPrefix = null)
    {
        var start = new ProcessStartInfo("sh", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        if (searchPathPrefix is not null)
        {
            start.Environment["PATH"] = searchPathPrefix + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
