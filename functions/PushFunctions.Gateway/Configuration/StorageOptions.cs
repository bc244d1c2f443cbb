namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "Storage". The account itself comes from the Functions connection setting AzureWebJobsStorage.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Prepended to every table name, so several deployments (or test runs) can share one account.</summary>
    public string TablePrefix { get; set; } = string.Empty;
}
