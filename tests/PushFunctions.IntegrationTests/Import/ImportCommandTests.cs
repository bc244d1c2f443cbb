using System.Diagnostics;
using System.Text.Json;
using PushFunctions.Azure.Stores;
using Azure.Data.Tables;
using PushFunctions.Testing;
using PushFunctions.Testing.RhoConnect;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>
/// The import command as an operator runs it: its own process, the token and the storage account from the
/// environment (the gateway's setting names), its output not a terminal (plain lines, no progress bar).
/// </summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly string _tablePrefix = AzuriteEnvironment.NewTableName("cli")[..14];
    private RhoConnectStandIn _rhoconnect = null!;

    public async Task InitializeAsync()
    {
        _rhoconnect = await RhoConnectStandIn.StartAsync();
        _rhoconnect.AddUser("alice");
        _rhoconnect.AddClient("alice", new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "apns-alice" });
        _rhoconnect.AddClient("alice", new Dictionary<string, string> { ["device_type"] = "ANDROID", ["device_pin"] = "fcm-alice" });
        _rhoconnect.AddUser("bob");
        _rhoconnect.AddClient("bob", new Dictionary<string, string> { ["device_type"] = "", ["device_pin"] = "" });
    }

    public async Task DisposeAsync() => await _rhoconnect.DisposeAsync();

    [Fact]
    public async Task The_command_imports_prints_its_summary_and_a_second_run_changes_nothing()
    {
        var first = await RunAsync(RhoConnectStandIn.ApiToken, "--from", _rhoconnect.BaseAddress.AbsoluteUri);
        var second = await RunAsync(RhoConnectStandIn.ApiToken, "--from", _rhoconnect.BaseAddress.AbsoluteUri);

        Assert.Equal(0, first.ExitCode);
        var lines = first.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.StartsWith($"Import from {_rhoconnect.BaseAddress.AbsoluteUri} completed in ", lines[0], StringComparison.Ordinal);
        Assert.Contains("users      2 at the source, 2 done; created 2; 0 only here", lines);
        Assert.Contains("clients    3 at the source; created 3, updated 0, moved 0; unchanged 0; 0 only here (kept; --prune removes them)", lines);
        Assert.Contains("devices    apple 1, fcm 1; a ping would skip not registered 1", lines);
        Assert.Contains(lines, line => line.StartsWith("note       2 users created without a password", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', first.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("clients    3 at the source; created 0, updated 0, moved 0; unchanged 3; 0 only here (kept; --prune removes them)", second.Output.Split('\n', StringSplitOptions.TrimEntries));
        var users = new UserStore(new TableClient(AzuriteEnvironment.ConnectionString, _tablePrefix + "Users"));
        Assert.Equal(["alice", "bob"], (await users.ListLoginsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_dry_run_as_json_reports_what_would_change_and_writes_nothing()
    {
        var run = await RunAsync(RhoConnectStandIn.ApiToken, "--from", _rhoconnect.BaseAddress.AbsoluteUri, "--dry-run", "--json");

        Assert.Equal(0, run.ExitCode);
        using var summary = JsonDocument.Parse(run.Output);
        Assert.Equal("completed", summary.RootElement.GetProperty("state").GetString());
        Assert.True(summary.RootElement.GetProperty("dry_run").GetBoolean());
        Assert.Equal((2, 3), (summary.RootElement.GetProperty("users_created").GetInt32(), summary.RootElement.GetProperty("clients_created").GetInt32()));
        var users = new UserStore(new TableClient(AzuriteEnvironment.ConnectionString, _tablePrefix + "Users"));
        Assert.Empty(await users.ListLoginsAsync());
    }

    [Fact]
    public async Task A_token_RhoConnect_refuses_exits_3_with_the_reason_and_the_token_appears_nowhere()
    {
        const string token = "a-token-rhoconnect-does-not-know";

        var run = await RunAsync(token, "--from", _rhoconnect.BaseAddress.AbsoluteUri);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("failed after", run.Output, StringComparison.Ordinal);
        Assert.Contains("the source refused the API token (422)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_it_names_the_setting_and_exits_1_before_calling_RhoConnect()
    {
        var run = await RunAsync(apiToken: null, "--from", _rhoconnect.BaseAddress.AbsoluteUri);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("RhoConnect__ImportApiToken", run.Error, StringComparison.Ordinal);
        Assert.Empty(_rhoconnect.Requests);
    }

    /// <summary>The command in its own build output, of the configuration and framework these tests were built for.</summary>
    private static string CommandPath()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = framework.Parent!;
        return Path.Combine(
            Packaging.PublishedPackage.RepositoryRoot(), "functions", "PushFunctions.Import.Cli", "bin", configuration.Name, framework.Name, "PushFunctions.Import.Cli.dll");
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string? apiToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(CommandPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString;
        start.Environment["Storage__TablePrefix"] = _tablePrefix;
        start.Environment.Remove("RhoConnect__ImportFrom");
        start.Environment.Remove("RhoConnect__ImportApiToken");
        if (apiToken is not null)
        {
            start.Environment["RhoConnect__ImportApiToken"] = apiToken;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output).Replace("\r", string.Empty, StringComparison.Ordinal), await error);
    }
}
