using Azure;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// A Service Bus connection string, <c>Endpoint=sb://{namespace}.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>.
/// An sb:// endpoint is reached over https; an http(s):// endpoint (a local stand-in) is used as given.
/// </summary>
public sealed class ServiceBusConnectionString
{
    private ServiceBusConnectionString(Uri endpoint, AzureNamedKeyCredential credential, string? entityPath)
    {
        Endpoint = endpoint;
        Credential = credential;
        EntityPath = entityPath;
    }

    /// <summary>The namespace's REST endpoint, ending in '/'.</summary>
    public Uri Endpoint { get; }

    public AzureNamedKeyCredential Credential { get; }

    /// <summary>The queue a connection string of the queue's own policy names; null for a namespace policy.</summary>
    public string? EntityPath { get; }

    /// <summary>Parses a connection string. Messages name the offending part but never repeat a value, which may be a key.</summary>
    /// <exception cref="FormatException">The text is not a usable Service Bus connection string.</exception>
    public static ServiceBusConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !settings.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim()))
            {
                throw new FormatException("The Service Bus connection string is not a list of distinct Name=value settings separated by ';'.");
            }
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("Service Bus connection strings with a SharedAccessSignature are not supported; use SharedAccessKeyName and SharedAccessKey, or a managed identity.");
        }

        if (!settings.TryGetValue("Endpoint", out var endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || endpoint.Scheme is not ("sb" or "https" or "http"))
        {
            throw new FormatException("The Service Bus connection string has no Endpoint of the form sb://{namespace}.servicebus.windows.net/.");
        }

        if (!settings.TryGetValue("SharedAccessKeyName", out var keyName) || keyName.Length == 0
            || !settings.TryGetValue("SharedAccessKey", out var key) || key.Length == 0)
        {
            throw new FormatException("The Service Bus connection string needs both SharedAccessKeyName and SharedAccessKey.");
        }

        var rest = endpoint.Scheme == "sb" ? new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri : endpoint;
        var entityPath = settings.GetValueOrDefault("EntityPath") is { Length: > 0 } path ? path : null;
        return new ServiceBusConnectionString(new Uri(rest.GetLeftPart(UriPartial.Authority) + "/"), new AzureNamedKeyCredential(keyName, key), entityPath);
    }
}
