using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Import.Source;

/// <summary>
/// Sends the API token in <c>X-RhoConnect-API-TOKEN</c>, the header RhoConnect's admin routes read first. Azure.Core
/// redacts headers it does not know from its logs and error messages, so the token never reaches either.
/// </summary>
internal sealed class ApiTokenPolicy(string apiToken) : HttpPipelineSynchronousPolicy
{
    public const string HeaderName = "X-RhoConnect-API-TOKEN";

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue(HeaderName, apiToken);
    }
}
