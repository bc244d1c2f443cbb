using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.Storage;

/// <summary>
/// The Azure.Core pipeline every storage client uses: the client's retry, logging and transport options,
/// the service version on each request, authentication on each try, and storage error parsing.
/// </summary>
internal static class StoragePipeline
{
    /// <summary>The Entra ID scope for the data plane of every storage service.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    public static HttpPipeline Build(ClientOptions options, StorageSharedKeyCredential credential, StorageService service, string serviceVersion)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Build(options, new StorageSharedKeyPolicy(credential, service), serviceVersion);
    }

    public static HttpPipeline Build(ClientOptions options, TokenCredential credential, string serviceVersion)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Build(options, new BearerTokenAuthenticationPolicy(credential, StorageScope), serviceVersion);
    }

    private static HttpPipeline Build(ClientOptions options, HttpPipelinePolicy authentication, string serviceVersion)
    {
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = StorageErrorDetailsParser.Instance,
        };
        pipelineOptions.PerCallPolicies.Add(new StorageVersionPolicy(serviceVersion));
        pipelineOptions.PerRetryPolicies.Add(authentication);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }
}
