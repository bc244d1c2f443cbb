using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.Storage;

/// <summary>Stamps every request with the service version the client's wire format was written against.</summary>
internal sealed class StorageVersionPolicy(string serviceVersion) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue("x-ms-version", serviceVersion);
}
