using Azure.Core;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Options for <see cref="NotificationHubClient"/>. Retries come from Azure.Core: exponential back-off with jitter,
/// honouring Retry-After, on 408, 429 and 5xx other than 501, and on network failures; never on other 4xx.
/// </summary>
public class NotificationHubClientOptions : ClientOptions
{
    public NotificationHubClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(500);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
    }

    /// <summary>How long each SAS token is valid; tokens are renewed shortly before they expire.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock tokens are dated by (tests replace it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
