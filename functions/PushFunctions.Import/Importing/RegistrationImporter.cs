using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Registrations;
using PushFunctions.Import.Source;
using PushFunctions.Import.State;

namespace PushFunctions.Import.Importing;

/// <summary>
/// Copies users and their clients from a RhoConnect server (or another gateway) into the gateway's tables: the same
/// user ids, the same client ids, the same device fields. The source is the truth about what it lists; the gateway's
/// rows are read first and written only where they differ, so a second run writes nothing.
/// <para>
/// Users go in the order of their table keys, several at a time, their stored rows read a hundred users per query; an
/// unfinished run records every few seconds the last user up to which all are done, and the next run continues after
/// it. One process imports at a time (the lease); requests to the source are bounded by
/// <see cref="ImportOptions.MaxConcurrency"/>.
/// </para>
/// </summary>
public sealed partial class RegistrationImporter(
    RhoConnectClient source, UserStore users, RegistrationStore registrations, ImportStateStore state, TimeProvider time, ILogger<RegistrationImporter> logger)
{
    /// <summary>How often an unfinished run records how far it got (also when it stops).</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Users imported at once, at least: each costs a few requests to the source and about ten storage calls in a row,
    /// so the storage work of some overlaps the requests of others (Azurite's latency climbs past ~32 calls in flight).
    /// </summary>
    public const int MinUsersInFlight = 16;

    /// <summary>Users failing one after another this many times mean the source or storage is down: the run stops.</summary>
    public const int MaxFailuresInARow = 20;

    public Uri Source => source.Endpoint;

    public async Task<ImportSummary> RunAsync(ImportOptions options, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        var run = new ImportSummary
        {
            Source = source.Endpoint.AbsoluteUri,
            StartedAt = time.GetUtcNow(),
            DryRun = options.DryRun,
            Prune = options.Prune,
        };
        if (options.DryRun)
        {
            // Writes nothing at all, so it needs no lease and leaves no checkpoint or summary behind.
            return Finished(await ImportAsync(run, options, progress, CancellationToken.None, cancellationToken));
        }

        var (lease, current) = await ImportLease.TryTakeAsync(state, time, logger, cancellationToken);
        if (lease is null)
        {
            LogLeaseHeld(logger, current.Holder, current.ExpiresAt);
            return run with { State = ImportState.NotStarted, FinishedAt = time.GetUtcNow(), Failure = "another import is running" };
        }

        await using (lease)
        {
            var summary = Finished(await ImportAsync(run, options, progress, lease.Lost, cancellationToken));
            await SafelyAsync(ct => state.SaveLastRunAsync(summary, ct), "the last run's summary");
            return summary;
        }
    }

    private ImportSummary Finished(ImportSummary summary)
    {
        summary = summary with { FinishedAt = time.GetUtcNow() };
        var skipped = summary.Skipped.Values.Sum();
        if (summary.State == ImportState.Completed)
        {
            LogFinished(logger, summary.Source, summary.DryRun, summary.Users, summary.Clients, summary.UsersCreated, summary.ClientsCreated,
                summary.ClientsUpdated, summary.ClientsMoved, summary.ClientsUnchanged, summary.ClientsPruned, skipped, summary.Errors);
        }
        else
        {
            LogStopped(logger, summary.Source, summary.State, summary.Failure ?? "stopped", summary.UsersDone, summary.Users, summary.Written, skipped, summary.Errors);
        }

        return summary;
    }

    private async Task<ImportSummary> ImportAsync(
        ImportSummary run, ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken leaseLost, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, leaseLost);
        using var requests = new SemaphoreSlim(options.MaxConcurrency);
        ImportRun? progressSoFar = null;
        try
        {
            var listed = await FromSourceAsync(requests, ct => source.GetUsersAsync(ct), stop.Token);
            string[] userIds = [.. listed.Distinct(StringComparer.Ordinal).Order(StoredUsers.KeyOrder)];
            var checkpoint = options.DryRun || options.Restart ? null : await state.ReadCheckpointAsync(stop.Token);
            if (checkpoint is not null && checkpoint.Source != run.Source)
            {
                checkpoint = null;
            }

            run = run with { Users = userIds.Length, Resumed = checkpoint is not null };
            var importRun = progressSoFar = new ImportRun(run, userIds, checkpoint);
            var stored = new StoredUsers(registrations, userIds, importRun.FirstIndex);
            var failuresInARow = 0;
            await Parallel.ForEachAsync(
                Enumerable.Range(importRun.FirstIndex, userIds.Length - importRun.FirstIndex),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(MinUsersInFlight, options.MaxConcurrency * 2), CancellationToken = stop.Token },
                async (index, ct) =>
                {
                    var (user, listedIds, unlisted) = await ImportUserAsync(userIds[index], () => stored.GetAsync(index, ct), options, requests, ct);
                    var done = importRun.Finish(index, user, listedIds, unlisted);
                    progress?.Report(done);
                    if (user.LastError is null)
                    {
                        Interlocked.Exchange(ref failuresInARow, 0);
                    }
                    else if (Interlocked.Increment(ref failuresInARow) >= MaxFailuresInARow)
                    {
                        throw new ImportAbortedException($"{MaxFailuresInARow} users in a row failed; the last: {user.LastError}");
                    }

                    if (!options.DryRun && importRun.CheckpointDue(time.GetUtcNow()) is { } due)
                    {
                        await SafelyAsync(c => state.SaveCheckpointAsync(due, c), "the checkpoint");
                    }
                });

            importRun.Add(await ListUsersNotAtSourceAsync(userIds, importRun, stop.Token));
            importRun.Add(await PruneOrCountAsync(importRun.NotAtSource(), options, stop.Token));
            if (!options.DryRun)
            {
                await SafelyAsync(state.DeleteCheckpointAsync, "the finished run's checkpoint");
            }

            return importRun.Summary(ImportState.Completed, failure: null);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return leaseLost.IsCancellationRequested
                ? await StoppedAsync(progressSoFar, run, options, ImportState.Failed, "the lease was lost to another instance")
                : await StoppedAsync(progressSoFar, run, options, ImportState.Interrupted, failure: null);
        }
        catch (ImportAbortedException e)
        {
            return await StoppedAsync(progressSoFar, run, options, ImportState.Failed, e.Message);
        }
        catch (SourceException e)
        {
            // Listing the users failed: nothing was done.
            LogSourceFailed(logger, e.Message, e);
            return run with { State = ImportState.Failed, Failure = e.RefusedToken ? RefusedToken(e.Status) : e.Message };
        }
    }

    /// <summary>A run that stops keeps how far it got, so the next one continues from there.</summary>
    private async Task<ImportSummary> StoppedAsync(ImportRun? importRun, ImportSummary run, ImportOptions options, ImportState stoppedAs, string? failure)
    {
        if (importRun is null)
        {
            return run with { State = stoppedAs, Failure = failure };
        }

        if (!options.DryRun && importRun.Checkpoint() is { } checkpoint)
        {
            await SafelyAsync(ct => state.SaveCheckpointAsync(checkpoint, ct), "the checkpoint");
        }

        return importRun.Summary(stoppedAs, failure);
    }

    /// <summary>One user and the clients the source lists for it; returns its counts, the client ids the source listed, and those the gateway has besides.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="readStored">Reads what the gateway holds for the user (once).</param>
    /// <param name="options">The run's options.</param>
    /// <param name="requests">The bound on requests in flight to the source.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    private async Task<(ImportTally Tally, IReadOnlyList<string> Listed, IReadOnlyList<string> Unlisted)> ImportUserAsync(
        string userId, Func<Task<UserDevices>> readStored, ImportOptions options, SemaphoreSlim requests, CancellationToken cancellationToken)
    {
        var tally = new ImportTally { UsersDone = 1 };
        try
        {
            if (!TableKeys.IsStorable(userId))
            {
                tally.Skip(userId, null, SkipReasons.UserIdTooLong);
                return (tally, [], []);
            }

            IReadOnlyList<string> clientIds;
            try
            {
                clientIds = await FromSourceAsync(requests, ct => source.GetClientIdsAsync(userId, ct), cancellationToken);
            }
            catch (SourceException e) when (e.Status is 404 or 500)
            {
                tally.Skip(userId, null, SkipReasons.UnknownAtSource(e.Status));
                return (tally, [], []);
            }

            var stored = await readStored();
            if (!stored.Exists)
            {
                tally.UsersCreated++;
                if (!options.DryRun)
                {
                    await users.CreateIfMissingAsync(userId, cancellationToken);
                }
            }

            var storedClients = stored.Clients.ToDictionary(c => c.ClientId, StringComparer.Ordinal);
            var listed = clientIds.Distinct(StringComparer.Ordinal).ToList();
            var imported = new List<ClientRegistration>();
            foreach (var clientId in listed)
            {
                tally.Clients++;
                if (await ReadClientAsync(userId, clientId, requests, tally, cancellationToken) is not { } wanted)
                {
                    continue;
                }

                if (storedClients.TryGetValue(clientId, out var current) && SameDevice(current, wanted))
                {
                    // Unchanged, and so is a handle a channel marked invalid: it was not registered again.
                    tally.ClientsUnchanged++;
                    imported.Add(current);
                    continue;
                }

                var heldBy = options.DryRun
                    ? current?.UserId ?? await registrations.FindUserAsync(clientId, cancellationToken)
                    : await registrations.PutAsync(wanted, cancellationToken);
                // An index entry without its row (a run stopped between the two writes) is a creation too.
                if (heldBy is null || (current is null && heldBy == userId))
                {
                    tally.ClientsCreated++;
                }
                else if (heldBy == userId)
                {
                    tally.ClientsUpdated++;
                }
                else
                {
                    tally.ClientsMoved++;
                }

                imported.Add(wanted);
            }

            CountDevices(userId, imported, tally);
            return (tally, listed, [.. storedClients.Keys.Except(listed, StringComparer.Ordinal)]);
        }
        catch (SourceException e) when (e.RefusedToken)
        {
            throw new ImportAbortedException(RefusedToken(e.Status), e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e switch
            {
                SourceException source => source.Message,
                RequestFailedException { Status: 0 } => "storage did not answer",
                RequestFailedException storage => $"storage answered {storage.Status}",
                AggregateException or HttpRequestException or OperationCanceledException => "storage did not answer",
                _ => "an unexpected error (see the log)",
            };
            LogUserFailed(logger, userId, reason, e);
            var failed = new ImportTally { UsersDone = 1 };
            failed.Fail(userId, reason);
            return (failed, [], []);
        }
    }

    /// <summary>The client as the source has it, for this user; null (and counted as skipped) when it cannot be imported.</summary>
    private async Task<ClientRegistration?> ReadClientAsync(string userId, string clientId, SemaphoreSlim requests, ImportTally tally, CancellationToken cancellationToken)
    {
        if (!RegistrationStore.IsClientId(clientId))
        {
            tally.Skip(userId, clientId, SkipReasons.ClientIdNotAccepted);
            return null;
        }

        ClientParameters parameters;
        try
        {
            parameters = await FromSourceAsync(requests, ct => source.GetClientAsync(clientId, ct), cancellationToken);
        }
        catch (SourceException e) when (e.Status is 404 or 500)
        {
            tally.Skip(userId, clientId, SkipReasons.UnknownAtSource(e.Status));
            return null;
        }

        // RhoConnect's ping reaches the clients a user lists, and its register moves a client's id between the lists
        // and its user_id together; a record naming another user is the other user's, imported under that one.
        if (parameters.UserId is { } owner && owner != userId)
        {
            tally.Skip(userId, clientId, SkipReasons.OwnedByAnotherUser);
            return null;
        }

        var wanted = parameters.ToRegistration(userId, clientId);
        if (DeviceFields.All.Any(field => DeviceFields.Get(wanted, field)?.Length > RegistrationStore.MaxFieldLength))
        {
            tally.Skip(userId, clientId, SkipReasons.FieldTooLong);
            return null;
        }

        return wanted;
    }

    /// <summary>
    /// Clients the gateway has and the source does not list: removed with prune, else kept and counted. Done once every
    /// user is, so a client the source moved to another user (listed there, in this run) is never taken for a lost one.
    /// </summary>
    private async Task<ImportTally> PruneOrCountAsync(IReadOnlyList<(string UserId, string ClientId)> notAtSource, ImportOptions options, CancellationToken cancellationToken)
    {
        var tally = new ImportTally();
        if (!options.Prune)
        {
            tally.ClientsNotAtSource = notAtSource.Count;
            return tally;
        }

        foreach (var (userId, clientId) in notAtSource)
        {
            if (options.DryRun || await registrations.DeleteAsync(userId, clientId, cancellationToken))
            {
                tally.ClientsPruned++;
            }
        }

        return tally;
    }

    /// <summary>The gateway's users the source does not list: kept (a user row reaches no device), their clients noted as not at the source.</summary>
    private async Task<ImportTally> ListUsersNotAtSourceAsync(string[] sourceUsers, ImportRun importRun, CancellationToken cancellationToken)
    {
        var tally = new ImportTally();
        var atSource = sourceUsers.ToHashSet(StringComparer.Ordinal);
        foreach (var login in await users.ListLoginsAsync(cancellationToken))
        {
            if (!atSource.Contains(login))
            {
                tally.UsersNotAtSource++;
                importRun.AddUnlisted(login, (await registrations.ListAsync(login, cancellationToken)).Select(c => c.ClientId));
            }
        }

        return tally;
    }

    /// <summary>What a ping would do with the imported clients, by the fan-out's own rules.</summary>
    private static void CountDevices(string userId, List<ClientRegistration> imported, ImportTally tally)
    {
        var plan = FanOutPlanner.Plan([new UserDevices(userId, Exists: true, imported)]);
        foreach (var target in plan.Targets)
        {
            tally.CountDevice(PlatformNames.Name(target.Platform));
        }

        foreach (var skipped in plan.Skipped.Where(s => s.ClientId is not null))
        {
            tally.CountUndeliverable(skipped.Reason!);
        }
    }

    private static bool SameDevice(ClientRegistration stored, ClientRegistration wanted) =>
        DeviceFields.All.All(field => string.Equals(DeviceFields.Get(stored, field), DeviceFields.Get(wanted, field), StringComparison.Ordinal));

    private static string RefusedToken(int status) => $"the source refused the API token ({status})";

    /// <summary>One request to the source, within the bound on requests in flight; its failures as <see cref="SourceException"/>.</summary>
    private static async Task<T> FromSourceAsync<T>(SemaphoreSlim requests, Func<CancellationToken, Task<Response<T>>> call, CancellationToken cancellationToken)
    {
        await requests.WaitAsync(cancellationToken);
        try
        {
            return (await call(cancellationToken)).Value;
        }
        catch (RequestFailedException e)
        {
            throw new SourceException(e.Status, SourceException.Answered(e.Status), e);
        }
        catch (JsonException e)
        {
            throw new SourceException(200, SourceException.NotItsJson, e);
        }
        catch (Exception e) when (e is AggregateException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Azure.Core reports retries that all failed without an answer as an AggregateException of them.
            throw new SourceException(0, SourceException.Answered(0), e);
        }
        finally
        {
            requests.Release();
        }
    }

    /// <summary>Bookkeeping that must not fail the import: a storage hiccup here costs at most some repeated work next time.</summary>
    private async Task SafelyAsync(Func<CancellationToken, Task> write, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await write(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            LogBookkeepingFailed(logger, what, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import from {Source} completed (dry run: {DryRun}): {Users} users, {Clients} clients at the source; created {UsersCreated} users and {ClientsCreated} clients, updated {ClientsUpdated}, moved {ClientsMoved}, unchanged {ClientsUnchanged}, pruned {ClientsPruned}; skipped {Skipped}; errors {Errors}")]
    private static partial void LogFinished(ILogger logger, string source, bool dryRun, int users, int clients, int usersCreated, int clientsCreated,
        int clientsUpdated, int clientsMoved, int clientsUnchanged, int clientsPruned, int skipped, int errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import from {Source} {State}: {Failure}; {UsersDone} of {Users} users done, {Written} rows written, {Skipped} skipped, {Errors} errors; the next run continues where it stopped")]
    private static partial void LogStopped(ILogger logger, string source, ImportState state, string failure, int usersDone, int users, int written, int skipped, int errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import not started: {Holder} holds the import lease until {ExpiresAt:o}")]
    private static partial void LogLeaseHeld(ILogger logger, string holder, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Importing user {UserId} failed: {Reason}")]
    private static partial void LogUserFailed(ILogger logger, string userId, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing the source's users failed: {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {What} failed")]
    private static partial void LogBookkeepingFailed(ILogger logger, string what, Exception exception);
}
