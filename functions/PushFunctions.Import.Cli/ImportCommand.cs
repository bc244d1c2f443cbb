using Microsoft.Extensions.Configuration;
using System.CommandLine;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using PushFunctions.Import.Importing;
using PushFunctions.Import.Source;
using PushFunctions.Import.State;
using Spectre.Console;

namespace PushFunctions.Import.Cli;

/// <summary>
/// <c>PushFunctions.Import.Cli --from URL [--dry-run] [--prune] [--concurrency N] [--restart] [--json]</c>, with the
/// API token and the storage account from the environment (the gateway's own setting names) or from options. Exit
/// codes: 0 completed without errors, 1 the command line or a setting is wrong, 2 completed with errors, 3 failed or
/// not started (the summary says why), 130 interrupted (run it again to continue).
/// </summary>
internal static class ImportCommand
{
    public const int CompletedWithErrors = 2;
    public const int Failed = 3;
    public const int Interrupted = 130;
    public const int MaxConcurrency = 64;

    public const string FromSetting = "RhoConnect__ImportFrom";
    public const string ApiTokenSetting = "RhoConnect__ImportApiToken";
    public const string TablePrefixSetting = "Storage__TablePrefix";

    /// <param name="console">Where the progress bar and the summary go.</param>
    /// <param name="error">Where problems with the command line or the settings go.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="time">The clock of the run and of the progress lines.</param>
    public static RootCommand Create(IAnsiConsole console, TextWriter error, Func<string, string?> environment, TimeProvider time)
    {
        // Secrets are read from the environment in the action, never as option defaults: help would print them.
        Option<string?> from = new("--from")
        {
            Description = $"The RhoConnect server's base URL, e.g. https://rhoconnect.example.com (default: ${FromSetting})",
            HelpName = "url",
        };
        Option<string?> apiToken = new("--api-token")
        {
            Description = $"RhoConnect's API token (default: ${ApiTokenSetting}; prefer the variable: a command line is visible to other users of the machine)",
            HelpName = "token",
        };
        Option<string?> storage = new("--storage")
        {
            Description = $"The gateway's storage connection string (default: ${ImportStorage.ConnectionSetting}, or ${ImportStorage.ConnectionSetting}__accountName with a managed identity or az login)",
            HelpName = "connection-string",
        };
        Option<string?> tablePrefix = new("--table-prefix")
        {
            Description = $"The gateway's table prefix (default: ${TablePrefixSetting}, else none)",
            HelpName = "prefix",
        };
        Option<int> concurrency = new("--concurrency")
        {
            Description = "Requests in flight toward RhoConnect at most",
            DefaultValueFactory = _ => ImportOptions.DefaultMaxConcurrency,
        };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxConcurrency)
            {
                result.AddError($"--concurrency is 1 to {MaxConcurrency}.");
            }
        });
        Option<bool> dryRun = new("--dry-run") { Description = "Report what would change; write nothing" };
        Option<bool> prune = new("--prune") { Description = "Remove clients RhoConnect no longer has (also every client of a user it no longer lists)" };
        Option<bool> restart = new("--restart") { Description = "Start from the first user even if an interrupted run left a checkpoint" };
        Option<bool> json = new("--json") { Description = "Print the summary as JSON, and no progress" };

        var command = new RootCommand("Copies users and device registrations from a RhoConnect server into the PushFunctions gateway's tables: the same user ids, client ids and device fields. Run it again to bring changes over; an interrupted run continues where it stopped.")
        {
            from, apiToken, storage, tablePrefix, concurrency, dryRun, prune, restart, json,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var source = parsed.GetValue(from) ?? environment(FromSetting);
            var token = parsed.GetValue(apiToken) ?? environment(ApiTokenSetting);
            if (string.IsNullOrWhiteSpace(source) || !Uri.TryCreate(source, UriKind.Absolute, out var sourceUri)
                || (sourceUri.Scheme != Uri.UriSchemeHttp && sourceUri.Scheme != Uri.UriSchemeHttps))
            {
                await error.WriteLineAsync($"--from (or {FromSetting}) must be the RhoConnect server's http:// or https:// URL.");
                return 1;
            }

            if (string.IsNullOrWhiteSpace(token))
            {
                await error.WriteLineAsync($"--api-token (or {ApiTokenSetting}) is required: RhoConnect's API token, from its console or `rhoconnect get-token`.");
                return 1;
            }

            // The storage connection in any form the gateway reads (AzureWebJobsStorage and its __ settings); --storage wins.
            var connection = parsed.GetValue(storage);
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables()
                .AddInMemoryCollection(connection is null ? [] : [new(ImportStorage.ConnectionSetting, connection)])
                .Build();
            ImportStorage tables;
            try
            {
                tables = await ImportStorage.OpenAsync(configuration, parsed.GetValue(tablePrefix) ?? environment(TablePrefixSetting) ?? string.Empty, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                await error.WriteLineAsync(e.Message);
                return 1;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException or FormatException)
            {
                await error.WriteLineAsync($"The gateway's storage could not be opened: {e.Message}");
                return Failed;
            }

            var importer = new RegistrationImporter(
                new RhoConnectClient(sourceUri, token), tables.Users, tables.Registrations, tables.State, time, NullLogger<RegistrationImporter>.Instance);
            var options = new ImportOptions
            {
                DryRun = parsed.GetValue(dryRun),
                Prune = parsed.GetValue(prune),
                MaxConcurrency = parsed.GetValue(concurrency),
                Restart = parsed.GetValue(restart),
            };
            var asJson = parsed.GetValue(json);
            var output = console.Profile.Out.Writer;
            var summary = asJson
                ? await importer.RunAsync(options, progress: null, cancellationToken)
                : await ProgressDisplay.RunAsync(console, time, progress => importer.RunAsync(options, progress, cancellationToken));
            if (asJson)
            {
                await output.WriteLineAsync(ImportSummaryJson.Serialize(summary));
            }
            else
            {
                SummaryReport.Write(output, summary);
            }

            return summary.State switch
            {
                ImportState.Completed => summary.Errors == 0 ? 0 : CompletedWithErrors,
                ImportState.Interrupted => Interrupted,
                _ => Failed,
            };
        });
        return command;
    }
}
