using Azure.Core;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// Options for <see cref="TableClient"/>. Retry comes from Azure.Core: exponential back-off, 3 retries,
/// honouring Retry-After, on 408, 429, 500, 502, 503, 504 and network failures.
/// </summary>
public class TableClientOptions : ClientOptions
{
}
