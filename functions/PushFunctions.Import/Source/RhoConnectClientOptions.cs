using Azure.Core;

namespace PushFunctions.Import.Source;

/// <summary>
/// Options for <see cref="RhoConnectClient"/>. Retries come from Azure.Core (exponential back-off with jitter, honouring
/// Retry-After) on network failures and on the answers <see cref="RhoConnectResponseClassifier"/> calls passing.
/// </summary>
public class RhoConnectClientOptions : ClientOptions
{
    public RhoConnectClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }
}
