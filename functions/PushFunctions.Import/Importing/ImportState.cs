using System.Text.Json.Serialization;

namespace PushFunctions.Import.Importing;

/// <summary>How an import run ended.</summary>
public enum ImportState
{
    /// <summary>Every user the source lists was imported (some may have been skipped or failed: see the summary).</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>Stopped before the end (cancelled, or the process was stopping); the next run continues where it stopped.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,

    /// <summary>Could not go on (the source refused the token or did not answer, too many failures in a row, the lease was lost).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not started: another import held the lease.</summary>
    [JsonStringEnumMemberName("not_started")]
    NotStarted,
}
