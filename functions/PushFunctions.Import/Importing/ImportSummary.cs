using System.Globalization;

namespace PushFunctions.Import.Importing;

/// <summary>
/// What one import run did, from its start (a resumed run counts the part before its interruption too). Counts are
/// complete; the lists of skipped and failed items keep the first <see cref="MaxListedIssues"/> of each.
/// </summary>
public sealed record ImportSummary
{
    public const int MaxListedIssues = 50;

    /// <summary>The source's address.</summary>
    public required string Source { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    public ImportState State { get; init; }

    /// <summary>Why the run failed or did not start, as a fixed phrase; null when it did not fail.</summary>
    public string? Failure { get; init; }

    public bool DryRun { get; init; }

    public bool Prune { get; init; }

    /// <summary>The run continued an interrupted one from its checkpoint.</summary>
    public bool Resumed { get; init; }

    /// <summary>Users the source lists.</summary>
    public int Users { get; init; }

    /// <summary>Users done so far, of <see cref="Users"/>.</summary>
    public int UsersDone { get; init; }

    public int UsersCreated { get; init; }

    /// <summary>Users the gateway has and the source does not list (they are kept; with prune, their clients are removed).</summary>
    public int UsersNotAtSource { get; init; }

    /// <summary>Client ids the source lists for its users.</summary>
    public int Clients { get; init; }

    public int ClientsCreated { get; init; }

    public int ClientsUpdated { get; init; }

    /// <summary>Clients the gateway held for another user than the source's.</summary>
    public int ClientsMoved { get; init; }

    public int ClientsUnchanged { get; init; }

    public int ClientsPruned { get; init; }

    /// <summary>Clients the gateway has and the source does not, kept because the run did not prune.</summary>
    public int ClientsNotAtSource { get; init; }

    /// <summary>The imported clients a ping would reach, by platform (apple, fcm, wns, rhoconnect_push), as the fan-out resolves them.</summary>
    public IReadOnlyDictionary<string, int> Devices { get; init; } = new Dictionary<string, int>();

    /// <summary>The imported clients a ping would skip, by the fan-out's reason (not registered, unsupported platform, ...).</summary>
    public IReadOnlyDictionary<string, int> DevicesSkipped { get; init; } = new Dictionary<string, int>();

    /// <summary>Users and clients not imported, by reason.</summary>
    public IReadOnlyDictionary<string, int> Skipped { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<ImportIssue> SkippedItems { get; init; } = [];

    /// <summary>Users whose import failed (the source or storage failed for them; the next run tries them again).</summary>
    public int Errors { get; init; }

    public IReadOnlyList<ImportIssue> ErrorItems { get; init; } = [];

    /// <summary>Rows this run wrote (or, dry, would write): a second run over an unchanged source writes none.</summary>
    public int Written => UsersCreated + ClientsCreated + ClientsUpdated + ClientsMoved + ClientsPruned;

    /// <summary>One line for logs and health details: how it ended and what it did, counts only (no ids).</summary>
    public string Describe()
    {
        var ended = State switch
        {
            ImportState.Completed => "completed",
            ImportState.Interrupted => "interrupted",
            ImportState.NotStarted => "not started: " + Failure,
            _ => "failed: " + Failure,
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"import from {Source} {ended} at {FinishedAt:u}{(DryRun ? " (dry run)" : string.Empty)}: {UsersDone} of {Users} users, {Clients} clients; " +
            $"created {UsersCreated} users and {ClientsCreated} clients, updated {ClientsUpdated}, moved {ClientsMoved}, unchanged {ClientsUnchanged}, pruned {ClientsPruned}; " +
            $"skipped {Skipped.Values.Sum()}, errors {Errors}");
    }
}
