using PushFunctions.Import.State;

namespace PushFunctions.Import.Importing;

/// <summary>
/// The bookkeeping of one run: users finish out of order (several at a time), but their counts are added in user
/// order, so "every user up to X is done, and these are their counts" is always true of the added counts. That pair
/// is the checkpoint a later run continues from. It also keeps the client ids the source listed and those the gateway
/// has besides, for the prune at the end (some tens of bytes per client). Thread-safe.
/// </summary>
internal sealed class ImportRun
{
    private readonly Lock _lock = new();
    private readonly ImportSummary _run;
    private readonly string[] _userIds;
    private readonly ImportTally _tally;
    private readonly Dictionary<int, ImportTally> _finishedOutOfOrder = [];
    private readonly HashSet<string> _listedClientIds = new(StringComparer.Ordinal);
    private readonly List<(string UserId, string ClientId)> _unlisted = [];
    private int _next;
    private int _finished;
    private int _clientsSeen;
    private DateTimeOffset _lastCheckpoint = DateTimeOffset.MinValue;

    public ImportRun(ImportSummary run, string[] userIds, ImportCheckpoint? checkpoint)
    {
        _run = run;
        _userIds = userIds;
        _tally = checkpoint is null ? new ImportTally() : ImportTally.From(checkpoint.Progress);
        // Ids are in key order: continue with the first one after the last done.
        var found = checkpoint is null ? -1 : Array.BinarySearch(userIds, checkpoint.LastUserDone, StoredUsers.KeyOrder);
        FirstIndex = checkpoint is null ? 0 : found >= 0 ? found + 1 : ~found;
        _next = FirstIndex;
        _clientsSeen = _tally.Clients;
    }

    /// <summary>The index of the first user this run imports (after those an interrupted run finished).</summary>
    public int FirstIndex { get; }

    /// <param name="index">The user's index in the ordered ids.</param>
    /// <param name="user">Its counts.</param>
    /// <param name="listed">The client ids the source listed for it.</param>
    /// <param name="unlisted">The client ids the gateway has for it and the source did not list.</param>
    public ImportProgress Finish(int index, ImportTally user, IEnumerable<string> listed, IEnumerable<string> unlisted)
    {
        lock (_lock)
        {
            _listedClientIds.UnionWith(listed);
            _unlisted.AddRange(unlisted.Select(clientId => (_userIds[index], clientId)));
            _finishedOutOfOrder[index] = user;
            while (_finishedOutOfOrder.Remove(_next, out var next))
            {
                _tally.Add(next);
                _next++;
            }

            _finished++;
            _clientsSeen += user.Clients;
            return new ImportProgress(FirstIndex + _finished, _userIds.Length, _clientsSeen);
        }
    }

    public void AddUnlisted(string userId, IEnumerable<string> clientIds)
    {
        lock (_lock)
        {
            _unlisted.AddRange(clientIds.Select(clientId => (userId, clientId)));
        }
    }

    /// <summary>The gateway's clients the source listed under none of the users this run imported.</summary>
    public IReadOnlyList<(string UserId, string ClientId)> NotAtSource()
    {
        lock (_lock)
        {
            return [.. _unlisted.Where(client => !_listedClientIds.Contains(client.ClientId))];
        }
    }

    public void Add(ImportTally counts)
    {
        lock (_lock)
        {
            _tally.Add(counts);
        }
    }

    /// <summary>The checkpoint when <see cref="RegistrationImporter.CheckpointInterval"/> has passed since the last one; else null.</summary>
    public ImportCheckpoint? CheckpointDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (now - _lastCheckpoint < RegistrationImporter.CheckpointInterval)
            {
                return null;
            }

            _lastCheckpoint = now;
            return Checkpoint();
        }
    }

    /// <summary>How far the run got; null while no user is done.</summary>
    public ImportCheckpoint? Checkpoint()
    {
        lock (_lock)
        {
            return _next == 0 ? null : new ImportCheckpoint(_run.Source, _userIds[_next - 1], Summary(ImportState.Interrupted, failure: null));
        }
    }

    public ImportSummary Summary(ImportState state, string? failure)
    {
        lock (_lock)
        {
            return _tally.ToSummary(_run with { State = state, Failure = failure });
        }
    }
}
