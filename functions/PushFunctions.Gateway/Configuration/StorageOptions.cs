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
}
