using Azure;

namespace PushFunctions.Relay.Storage;

/// <summary>Tells a storage outage (the caller should retry later) from a failure that retrying cannot fix (a bug).</summary>
public static class StorageFailures
{
    /// <summary>
    /// True for storage that did not answer or answered that it is busy or failing (no status, 408, 429, 5xx other than
    /// 501): Azure.Core retries exactly these. A 400, 404, 409, 412 or 413 is a request the relay should not have made.
    /// </summary>
    public static bool IsOutage(Exception exception, CancellationToken requestAborted) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or (>= 500 and not 501),
        HttpRequestException or TimeoutException or IOException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,

        // Azure.Core's retry policy reports exhausted retries of transport failures as an AggregateException of them.
        AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsOutage(inner, requestAborted)),
        _ => false,
    };
}
