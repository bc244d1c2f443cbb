using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.IntegrationTests.Storage;

/// <summary>Counts the requests a client sends (each retry too): how many storage operations a call costs.</summary>
public sealed class RequestCountingPolicy : HttpPipelinePolicy
{
    private int requests;

    public int Requests => Volatile.Read(ref requests);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref requests);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref requests);
        return ProcessNextAsync(message, pipeline);
    }
}
