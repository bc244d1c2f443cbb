using Azure.Core;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace PushFunctions.Azure.Configuration;

/// <summary>
/// A connection named the way the Functions host names its bindings' connections, so one set of app settings serves
/// the host's triggers and this app. The setting's own value is a connection string; failing that, the settings
/// under it (<c>{name}__...</c>) describe an identity-based connection. The rules are the host's:
/// <list type="bullet">
/// <item>a value and children both present: the value wins (Functions docs, "Connections": "If the configured value is
/// both an exact match for a single setting and a prefix match for other settings, the exact match is used");</item>
/// <item>storage: <c>__{service}ServiceUri</c> wins over <c>__accountName</c>, which means
/// <c>https://{account}.{service}.core.windows.net</c> (WebJobs <c>StorageServiceUriOptions</c>; Functions docs,
/// "Connecting to host storage with an identity");</item>
/// <item>Service Bus: <c>__fullyQualifiedNamespace</c> (Functions Service Bus binding docs, "Identity-based connections");</item>
/// <item>the credential: <c>__credential</c> (<c>managedidentity</c>), <c>__clientId</c> and the other common properties,
/// turned into an Azure.Identity credential by Microsoft.Extensions.Azure's
/// <see cref="AzureComponentFactory.CreateTokenCredential"/>, the same call the host's extensions make; with none
/// of them, the default credential (<c>DefaultAzureCredential</c> unless the app registered another).</item>
/// </list>
/// </summary>
public sealed class FunctionsConnection
{
    public const string AccountNameSetting = "accountName";
    public const string FullyQualifiedNamespaceSetting = "fullyQualifiedNamespace";
    public const string CredentialSetting = "credential";
    public const string ClientIdSetting = "clientId";

    private const string StorageEndpointSuffix = "core.windows.net";

    private readonly IConfigurationSection _section;

    public FunctionsConnection(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _section = configuration.GetSection(name);
    }

    /// <summary>The setting's name, e.g. <c>AzureWebJobsStorage</c>.</summary>
    public string Name { get; }

    /// <summary>The connection string, or null when the connection is identity-based.</summary>
    public string? ConnectionString => string.IsNullOrWhiteSpace(_section.Value) ? null : _section.Value;

    /// <summary>The setting names a storage service URI is read from, e.g. <c>tableServiceUri</c>.</summary>
    public static string ServiceUriSetting(StorageService service) => service switch
    {
        StorageService.Table => "tableServiceUri",
        StorageService.Queue => "queueServiceUri",
        StorageService.Blob => "blobServiceUri",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    /// <summary>Where an identity-based storage connection reaches <paramref name="service"/>.</summary>
    /// <exception cref="InvalidOperationException">Neither the service URI nor the account name is set.</exception>
    public Uri StorageServiceUri(StorageService service)
    {
        if (_section[ServiceUriSetting(service)] is { Length: > 0 } uri)
        {
            return new Uri(uri);
        }

        if (_section[AccountNameSetting] is { Length: > 0 } account)
        {
            return new Uri($"https://{account}.{service.ToString().ToLowerInvariant()}.{StorageEndpointSuffix}");
        }

        throw new InvalidOperationException(
            $"Storage is not configured: set {Name} to a connection string, or {Name}__{AccountNameSetting} " +
            $"(or {Name}__{ServiceUriSetting(service)}) for an identity-based connection.");
    }

    /// <summary>The namespace an identity-based Service Bus connection reaches, e.g. <c>ns.servicebus.windows.net</c>.</summary>
    /// <exception cref="InvalidOperationException">The namespace is not set.</exception>
    public string FullyQualifiedNamespace =>
        _section[FullyQualifiedNamespaceSetting] is { Length: > 0 } fullyQualifiedNamespace
            ? fullyQualifiedNamespace
            : throw new InvalidOperationException(
                $"Service Bus is not configured: set {Name} to a connection string, or {Name}__{FullyQualifiedNamespaceSetting} for an identity-based connection.");

    /// <summary>The identity-based connection's credential, by the host's rules (see the class remarks).</summary>
    public TokenCredential CreateCredential(AzureComponentFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.CreateTokenCredential(_section);
    }
}
