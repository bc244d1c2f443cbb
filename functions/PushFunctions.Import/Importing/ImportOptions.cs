namespace PushFunctions.Import.Importing;

/// <summary>How one import run behaves.</summary>
public sealed record ImportOptions
{
    /// <summary>The default number of requests in flight toward the source: gentle on a server that also serves syncs.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>Read everything and report what would change, writing nothing (no lease, no checkpoint either).</summary>
    public bool DryRun { get; init; }

    /// <summary>Remove clients the source does not list (also every client of a user it does not list). Off: they are kept and counted.</summary>
    public bool Prune { get; init; }

    /// <summary>Requests in flight toward the source at most.</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>Start from the first user even when an interrupted run left a checkpoint.</summary>
    public bool Restart { get; init; }
}
