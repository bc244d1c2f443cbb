using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.IntegrationTests.RhoConnectPush;

/// <summary>
/// Runs an action once, just before the first request whose unescaped URI contains the given text is sent: lets a test put
/// another client's work between two calls of the client under test.
/// </summary>
public sealed class BeforeFirstMatchingRequestPolicy(string uriContains, Func<Task> action) : HttpPipelinePolicy
{
    private int fired;

    public bool Fired => Volatile.Read(ref fired) == 1;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("the tables client is used asynchronously here");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains(uriContains, StringComparison.Ordinal)
            && Interlocked.Exchange(ref fired, 1) == 0)
        {
            await action();
        }

        await ProcessNextAsync(message, pipeline);
    }
}
