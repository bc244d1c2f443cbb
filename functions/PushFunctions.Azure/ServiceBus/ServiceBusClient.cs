using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// One Service Bus namespace over the REST API on an Azure.Core pipeline, authenticated with an Entra ID token
/// (managed identity) or a SAS key. Names and shapes follow Azure.Messaging.ServiceBus so callers can move to the SDK unchanged.
/// </summary>
public class ServiceBusClient
{
    /// <summary>The Entra ID scope of the Service Bus data plane, for every namespace.</summary>
    public const string DataPlaneScope = "https://servicebus.azure.net/.default";

    private readonly ServiceBusClientOptions _options;
    private readonly Func<Uri, HttpPipelinePolicy> _authentication;
    private readonly string? _entityPath;

    /// <summary>A client for the namespace and key of a connection string (<c>Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...</c>).</summary>
    public ServiceBusClient(string connectionString, ServiceBusClientOptions? options = null)
        : this(ServiceBusConnectionString.Parse(connectionString), options ?? new ServiceBusClientOptions())
    {
    }

    /// <param name="fullyQualifiedNamespace">The host name, <c>{namespace}.servicebus.windows.net</c>, or an absolute https endpoint.</param>
    /// <param name="credential">Tokens for <see cref="DataPlaneScope"/>; Azure.Core sends them over https only.</param>
    /// <param name="options">Retry, transport and size limit.</param>
    public ServiceBusClient(string fullyQualifiedNamespace, TokenCredential credential, ServiceBusClientOptions? options = null)
        : this(NamespaceEndpoint(fullyQualifiedNamespace), options ?? new ServiceBusClientOptions(), _ => new BearerTokenAuthenticationPolicy(credential, DataPlaneScope), entityPath: null)
    {
    }

    /// <param name="fullyQualifiedNamespace">The host name, <c>{namespace}.servicebus.windows.net</c>, or an absolute http(s) endpoint.</param>
    /// <param name="credential">A shared access policy's name and key.</param>
    /// <param name="options">Retry, transport and size limit.</param>
    public ServiceBusClient(string fullyQualifiedNamespace, AzureNamedKeyCredential credential, ServiceBusClientOptions? options = null)
        : this(NamespaceEndpoint(fullyQualifiedNamespace), options ?? new ServiceBusClientOptions(), SharedAccessSignature(credential), entityPath: null)
    {
    }

    private ServiceBusClient(ServiceBusConnectionString connectionString, ServiceBusClientOptions options)
        : this(connectionString.Endpoint, options, SharedAccessSignature(connectionString.Credential), connectionString.EntityPath)
    {
    }

    private ServiceBusClient(Uri endpoint, ServiceBusClientOptions options, Func<Uri, HttpPipelinePolicy> authentication, string? entityPath)
    {
        Endpoint = endpoint;
        FullyQualifiedNamespace = endpoint.Authority;
        _options = options;
        _authentication = authentication;
        _entityPath = entityPath;
    }

    /// <summary>The namespace's REST endpoint, ending in '/'.</summary>
    public Uri Endpoint { get; }

    public string FullyQualifiedNamespace { get; }

    /// <exception cref="ArgumentException">The connection string names another queue (its EntityPath): its key works for that one only.</exception>
    public ServiceBusSender CreateSender(string queueOrTopicName)
    {
        if (_entityPath is not null && !string.Equals(_entityPath, queueOrTopicName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The connection string is for '{_entityPath}', not '{queueOrTopicName}'.", nameof(queueOrTopicName));
        }

        return new ServiceBusSender(this, queueOrTopicName, entity =>
        {
            var pipelineOptions = new HttpPipelineOptions(_options) { RequestFailedDetailsParser = ServiceBusErrorDetailsParser.Instance };
            pipelineOptions.PerRetryPolicies.Add(_authentication(entity));
            return HttpPipelineBuilder.Build(pipelineOptions);
        }, _options.MaxMessageSizeInBytes);
    }

    /// <summary>A SAS token is signed for the entity it is used on, so a key scoped to one queue works as well as a namespace key.</summary>
    private static Func<Uri, HttpPipelinePolicy> SharedAccessSignature(AzureNamedKeyCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return entity => new ServiceBusSharedAccessSignaturePolicy(credential, entity);
    }

    private static Uri NamespaceEndpoint(string fullyQualifiedNamespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullyQualifiedNamespace);
        if (Uri.TryCreate(fullyQualifiedNamespace, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            return new Uri(absolute.GetLeftPart(UriPartial.Authority) + "/");
        }

        return Uri.CheckHostName(fullyQualifiedNamespace) == UriHostNameType.Dns
            ? new Uri($"https://{fullyQualifiedNamespace}/")
            : throw new ArgumentException("A fully qualified namespace is a host name such as contoso.servicebus.windows.net.", nameof(fullyQualifiedNamespace));
    }
}
