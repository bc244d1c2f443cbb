using Azure.Core;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Which answers are worth another try: throttling (429), timeouts (408) and server faults (5xx, except 501, which
/// will not change). 400, 401, 403, 404, 410 and 413 are final: repeating them only adds load.
/// </summary>
internal sealed class NotificationHubResponseClassifier : ResponseClassifier
{
    public static NotificationHubResponseClassifier Instance { get; } = new();

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var status = message.Response.Status;
        return status is 408 or 429 || (status >= 500 && status != 501);
    }
}
