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

    private readonly HttpPipeline _pipeline;
    private readonly int _maxMessageSizeInBytes;

    /// <summary>A client for the namespace and key of a connection string (<c>Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...</c>).</summary>
    public ServiceBusClient(string connectionString, ServiceBusClientOptions? options = null)
        : this(ServiceBusConnectionString.Parse(connectionString), options ?? new ServiceBusClientOptions())
    {
    }

    /// <param name="fullyQualifiedNamespace">The host name, <c>{namespace}.servicebus.windows.net</c>, or an absolute https endpoint.</param>
    /// <param name="credential">Tokens for <see cref="DataPlaneScope"/>; Azure.Core sends them over https only.</param>
    /// <param name="options">Retry, transport and size limit.</param>
    public ServiceBusClient(string fullyQualifiedNamespace, TokenCredential credential, ServiceBusClientOptions? options = null)
        : this(NamespaceEndpoint(fullyQualifiedNamespace), options ?? new ServiceBusClientOptions(), new BearerTokenAuthenticationPolicy(credential, DataPlaneScope))
    {
    }

    /// <param name="fullyQualifiedNamespace">The host name, <c>{namespace}.servicebus.windows.net</c>, or an absolute http(s) endpoint.</param>
    /// <param name="credential">A shared access policy's name and key.</param>
    /// <param name="options">Retry, transport and size limit.</param>
    public ServiceBusClient(string fullyQualifiedNamespace, AzureNamedKeyCredential credential, ServiceBusClientOptions? options = null)
        : this(NamespaceEndpoint(fullyQualifiedNamespace), credential, options ?? new ServiceBusClientOptions())
    {
    }

    private ServiceBusClient(ServiceBusConnectionString connectionString, ServiceBusClientOptions options)
        : this(connectionString.Endpoint, connectionString.Credential, options)
    {
    }

    private ServiceBusClient(Uri endpoint, AzureNamedKeyCredential credential, ServiceBusClientOptions options)
        : this(endpoint, options, new ServiceBusSharedAccessSignaturePolicy(credential, endpoint))
    {
    }

    private ServiceBusClient(Uri endpoint, ServiceBusClientOptions options, HttpPipelinePolicy authentication)
    {
        Endpoint = endpoint;
        FullyQualifiedNamespace = endpoint.Authority;
        _maxMessageSizeInBytes = options.MaxMessageSizeInBytes;
        var pipelineOptions = new HttpPipelineOptions(options) { RequestFailedDetailsParser = ServiceBusErrorDetailsParser.Instance };
        pipelineOptions.PerRetryPolicies.Add(authentication);
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The namespace's REST endpoint, ending in '/'.</summary>
    public Uri Endpoint { get; }

    public string FullyQualifiedNamespace { get; }

    public ServiceBusSender CreateSender(string queueOrTopicName) => new(this, queueOrTopicName, _pipeline, _maxMessageSizeInBytes);

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
