using Azure.Core;

namespace PushFunctions.Azure.Queues;

/// <summary>
/// Options for <see cref="QueueClient"/>. Retry comes from Azure.Core: exponential back-off, 3 retries,
/// honouring Retry-After, on 408, 429, 500, 502, 503, 504 and network failures.
/// </summary>
public class QueueClientOptions : ClientOptions
{
    /// <summary>Base64 by default, because the Azure Functions queue trigger decodes base64 by default.</summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;
}
