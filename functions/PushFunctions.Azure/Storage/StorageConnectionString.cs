namespace PushFunctions.Azure.Storage;

/// <summary>
/// The parts of an Azure Storage connection string the clients need: the account, its key when it has one,
/// and the service endpoints (explicit ones win over those derived from protocol, account and suffix).
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>The Azurite/Storage Emulator account; its key is published in Microsoft's documentation.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string DefaultEndpointSuffix = "core.windows.net";

    private StorageConnectionString(string accountName, string? accountKey, Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint)
    {
        AccountName = accountName;
        AccountKey = accountKey;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
    }

    public string AccountName { get; }

    /// <summary>Null when the connection string names the account only (managed identity supplies the credential).</summary>
    public string? AccountKey { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    /// <summary>A shared key credential for the account, or an exception naming what is missing.</summary>
    public StorageSharedKeyCredential CreateSharedKeyCredential() =>
        AccountKey is null
            ? throw new InvalidOperationException(
                $"The connection string for account '{AccountName}' has no AccountKey; use a TokenCredential instead.")
            : new StorageSharedKeyCredential(AccountName, AccountKey);

    /// <summary>Parses a connection string. Messages name the offending setting but never repeat a value, which may be a key.</summary>
    /// <exception cref="FormatException">The text is not a usable storage connection string.</exception>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        Dictionary<string, string> settings = ParseSettings(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out string? development))
        {
            return ParseDevelopmentStorage(development, settings);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("Storage connection strings with a SharedAccessSignature are not supported; use an AccountKey or a TokenCredential.");
        }

        if (!settings.TryGetValue("AccountName", out string? accountName) || accountName.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName.");
        }

        string? accountKey = settings.GetValueOrDefault("AccountKey");
        if (accountKey is not null && !IsBase64(accountKey))
        {
            throw new FormatException("The storage connection string's AccountKey is not valid base64.");
        }

        string protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https").ToLowerInvariant();
        if (protocol is not ("https" or "http"))
        {
            throw new FormatException("The storage connection string's DefaultEndpointsProtocol must be https or http.");
        }

        string suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix);
        Uri Endpoint(string setting, string service) =>
            settings.TryGetValue(setting, out string? explicitEndpoint)
                ? ParseEndpoint(setting, explicitEndpoint)
                : ParseEndpoint("EndpointSuffix", $"{protocol}://{accountName}.{service}.{suffix}");

        return new StorageConnectionString(
            accountName,
            accountKey,
            Endpoint("BlobEndpoint", "blob"),
            Endpoint("QueueEndpoint", "queue"),
            Endpoint("TableEndpoint", "table"));
    }

    private static StorageConnectionString ParseDevelopmentStorage(string value, Dictionary<string, string> settings)
    {
        if (!bool.TryParse(value, out bool useDevelopmentStorage) || !useDevelopmentStorage)
        {
            throw new FormatException("UseDevelopmentStorage must be 'true' when present.");
        }

        if (settings.Count > 1)
        {
            throw new FormatException("UseDevelopmentStorage=true cannot be combined with other settings.");
        }

        return new StorageConnectionString(
            DevelopmentAccountName,
            DevelopmentAccountKey,
            new Uri($"http://127.0.0.1:10000/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10001/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"));
    }

    private static Dictionary<string, string> ParseSettings(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("The storage connection string is not a list of Name=value settings separated by ';'.");
            }

            string name = part[..equals].Trim();
            if (!settings.TryAdd(name, part[(equals + 1)..].Trim()))
            {
                throw new FormatException($"The storage connection string sets '{name}' more than once.");
            }
        }

        if (settings.Count == 0)
        {
            throw new FormatException("The storage connection string is empty.");
        }

        return settings;
    }

    private static Uri ParseEndpoint(string setting, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? endpoint) && endpoint.Scheme is "https" or "http"
            ? endpoint
            : throw new FormatException($"The storage connection string's {setting} does not give an absolute http(s) endpoint.");

    private static bool IsBase64(string value) =>
        value.Length > 0 && Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
