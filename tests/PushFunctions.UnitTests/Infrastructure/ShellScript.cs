using System.Diagnostics;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>Runs a shell script with the given environment, the way azd runs a <c>shell: sh</c> hook or a developer runs scripts/.</summary>
internal static class ShellScript
{
    /// <summary>A POSIX script under <c>sh</c>, as azd runs a hook.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(
        string script, IReadOnlyDictionary<string, string> environment, string? searchPathPrefix = null) =>
        RunAsync(["sh", script], environment, searchPathPrefix, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Any command line. An entry PATH in <paramref name="environment"/> replaces the search path; <paramref name="searchPathPrefix"/>
    /// goes before it.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string? searchPathPrefix, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
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
            start.Environment["PATH"] = searchPathPrefix + Path.PathSeparator + start.Environment["PATH"];
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        await process.WaitForExitAsync(cancellation.Token);
        return (process.ExitCode, await output, await error);
    }
}
