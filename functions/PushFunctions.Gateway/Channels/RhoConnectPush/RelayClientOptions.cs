using Azure.Core;

namespace PushFunctions.Gateway.Channels.RhoConnectPush;

/// <summary>
/// Pipeline options of the relay client. Azure.Core's retry policy retries what the payload spec says to retry
/// (5xx, 408, 429, no answer) with exponential backoff and jitter, and never 400, 401 or 404.
/// </summary>
public sealed class RelayClientOptions : ClientOptions
{
    public RelayClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(15);
        // The request path is the device's token (messageQueue/{token}); Azure.Core's request log would write it out.
        Diagnostics.IsLoggingEnabled = false;
    }
}
