using Azure.Core;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// Options for <see cref="ServiceBusClient"/>. Retry comes from Azure.Core: exponential back-off, 3 retries,
/// honouring Retry-After, on 408, 429, 500, 502, 503, 504 and network failures. A retried send cannot duplicate a
/// message whose <see cref="ServiceBusMessage.MessageId"/> is set on a queue with duplicate detection.
/// </summary>
public class ServiceBusClientOptions : ClientOptions
{
    /// <summary>The Standard tier's limit: 256 KiB for one message, and for one batch request as a whole.</summary>
    public const int StandardTierMaxMessageSizeInBytes = 256 * 1024;

    /// <summary>The largest message, and the largest batch request body, the namespace accepts.</summary>
    public int MaxMessageSizeInBytes { get; set; } = StandardTierMaxMessageSizeInBytes;
}
