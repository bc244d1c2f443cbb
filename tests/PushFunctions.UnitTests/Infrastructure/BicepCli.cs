using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// The real Bicep CLI, from the NuGet package Azure.Bicep.CommandLine.linux-x64 (its build props give the path). It runs
/// with a home directory of its own, so its module cache is empty on every machine: the public module registry is not
/// reachable from the build machines, so registry modules stay unrestored and every run checks the same thing.
/// </summary>
internal static class BicepCli
{
    private static readonly string Executable = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "BicepPath").Value
        ?? throw new InvalidOperationException("The test assembly does not say where the Bicep CLI is.");

    /// <summary>The package ships a linux-x64 executable only.</summary>
    public static bool CanRun => OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;

    private static readonly Lazy<Task<IReadOnlyList<BicepDiagnostic>>> InfrastructureLint = new(LintInfrastructureOnceAsync);

    private static readonly ConcurrentDictionary<string, Lazy<Task<(JsonDocument? Template, IReadOnlyList<BicepDiagnostic> Diagnostics)>>> Builds =
        new(StringComparer.Ordinal);

    /// <summary><c>bicep lint</c> of every file under infra/, in one run (a start of the CLI takes seconds).</summary>
    public static Task<IReadOnlyList<BicepDiagnostic>> LintInfrastructureAsync() => InfrastructureLint.Value;

    /// <summary><c>bicep build</c> of one file, once per test run: the ARM template (null when it did not compile) and the diagnostics.</summary>
    public static Task<(JsonDocument? Template, IReadOnlyList<BicepDiagnostic> Diagnostics)> BuildAsync(string file) =>
        Builds.GetOrAdd(file, path => new(() => BuildOnceAsync(path))).Value;

    private static async Task<IReadOnlyList<BicepDiagnostic>> LintInfrastructureOnceAsync()
    {
        // With a pattern the CLI writes one SARIF document per file, one after the other.
        var (_, output, _) = await RunAsync("lint", "--pattern", "infra/**/*.bicep", "--no-restore", "--diagnostics-format", "sarif");
        return ReadDiagnostics(output);
    }

    private static async Task<(JsonDocument? Template, IReadOnlyList<BicepDiagnostic> Diagnostics)> BuildOnceAsync(string file)
    {
        var (exitCode, output, error) = await RunAsync("build", file, "--no-restore", "--stdout", "--diagnostics-format", "sarif");
        return (exitCode == 0 ? JsonDocument.Parse(output) : null, ReadDiagnostics(error));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var home = new TemporaryDirectory();
        var start = new ProcessStartInfo(Executable, arguments)
        {
            WorkingDirectory = RepositoryRoot.PathOf(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = home.Path;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        // A cold start of the self-contained CLI on a busy 2-core machine takes seconds; a hang is a failure.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static List<BicepDiagnostic> ReadDiagnostics(string sarif)
    {
        var diagnostics = new List<BicepDiagnostic>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(sarif), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var document = JsonDocument.ParseValue(ref reader);
            diagnostics.AddRange(document.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(run => run.GetProperty("results").EnumerateArray())
                .Select(ReadDiagnostic));
        }

        return diagnostics;
    }

    private static BicepDiagnostic ReadDiagnostic(JsonElement result)
    {
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        // SARIF leaves out the level of a result at its default, "warning".
        return new BicepDiagnostic(
            result.TryGetProperty("level", out var level) ? level.GetString()! : "warning",
            result.GetProperty("ruleId").GetString()!,
            result.GetProperty("message").GetProperty("text").GetString()!,
            new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!).LocalPath,
            location.GetProperty("region").GetProperty("startLine").GetInt32());
    }
}
