namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// The parts of a Notification Hubs access-policy connection string:
/// <c>Endpoint=sb://{namespace}.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>.
/// An <c>sb://</c> endpoint is reached over HTTPS; an <c>http(s)://</c> endpoint (a local server) is used as given.
/// </summary>
public sealed class NotificationHubConnectionString
{
    private NotificationHubConnectionString(Uri endpoint, string keyName, string key)
    {
        Endpoint = endpoint;
        SharedAccessKeyName = keyName;
        SharedAccessKey = key;
    }

    /// <summary>The namespace root the REST calls go to, ending with '/'.</summary>
    public Uri Endpoint { get; }

    public string SharedAccessKeyName { get; }

    public string SharedAccessKey { get; }

    /// <summary>Parses a connection string. Messages name the offending setting but never repeat a value, which may be a key.</summary>
    /// <exception cref="FormatException">The text is not a usable Notification Hubs connection string.</exception>
    public static NotificationHubConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end with '=' padding.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("The Notification Hubs connection string is not a list of Name=value settings separated by ';'.");
            }

            if (!settings.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim()))
            {
                throw new FormatException($"The Notification Hubs connection string sets '{part[..equals].Trim()}' more than once.");
            }
        }

        var endpoint = Required(settings, "Endpoint");
        var keyName = Required(settings, "SharedAccessKeyName");
        var key = Required(settings, "SharedAccessKey");
        return new NotificationHubConnectionString(ParseEndpoint(endpoint), keyName, key);
    }

    private static string Required(Dictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"The Notification Hubs connection string has no {name}.");

    private static Uri ParseEndpoint(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("sb" or "https" or "http") || parsed.Host.Length == 0)
        {
            throw new FormatException("The Notification Hubs connection string's Endpoint is not an sb://, https:// or http:// address.");
        }

        var builder = new UriBuilder(parsed) { Query = string.Empty, Fragment = string.Empty };
        if (parsed.Scheme == "sb")
        {
            builder.Scheme = Uri.UriSchemeHttps;
            builder.Port = -1;
        }

        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }
}
