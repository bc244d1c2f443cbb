namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "Storage". The account itself comes from the Functions connection setting AzureWebJobsStorage.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Prepended to every table name, so several deployments (or test runs) can share one account.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>
    /// The blob container of envelopes too large for one queue message: named after the table prefix, so deployments
    /// sharing an account keep apart here too (table names are letters and digits, which container names allow lowercased).
    /// </summary>
    public string EnvelopeContainer => (TablePrefix + "envelopes").ToLowerInvariant();

    /// <summary>
    /// How long a ping's status rows and stored envelope are kept after it was accepted, once it is finished; a ping
    /// still queued or being delivered is kept until no queue message can carry it any more (docs/ping-status.md).
    /// </summary>
    public TimeSpan PingRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the standalone gateway removes expired pings (under the Functions host, the ExpirePings timer's schedule).</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows one expiry pass reads at most; a pass that stops there leaves the rest to the next.</summary>
    public int ExpiryMaxRows { get; set; } = 20_000;
}
