using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Retention;

/// <summary>
/// One pass of removing pings past their retention, whoever runs it (the ExpirePings timer under the Functions host,
/// <see cref="PingExpiryService"/> standalone). A finished ping (done, failed, rejected) goes once it is older than
/// Storage:PingRetention. A ping still queued or delivering goes only once no queue message can carry it: accepted, and
/// last attempted, longer ago than the queue's message lifetime and <see cref="InFlightGrace"/> (a retry is a new
/// message, with a lifetime of its own from the attempt that sent it), and never before the retention. So expiry never
/// takes the status rows or the stored body from under a delivery, and a message that names a removed body is one
/// with nothing left to deliver.
/// </summary>
public sealed partial class PingExpiry(PingStatusStore store, IOptions<StorageOptions> storage, IOptions<PushQueueOptions> queue, TimeProvider time, ILogger<PingExpiry> logger)
{
    /// <summary>
    /// A Storage queue message lives 7 days: the service's default time-to-live, which the gateway's messages keep
    /// (Put Message without messagettl). A Service Bus message lives PushQueue:TimeToLive at most (the queue's own
    /// default time-to-live can only shorten it).
    /// </summary>
    public static readonly TimeSpan StorageQueueMessageLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// Beyond the message's lifetime: the moments between an envelope's id and its message's insertion, between the
    /// start of an attempt (what the status records) and the retry message it sends, and a delivery begun just before
    /// the message expired (a Flex Consumption function runs 30 minutes by default).
    /// </summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromHours(1);

    /// <summary>How long a ping that is not finished may still be delivered after it was accepted or last attempted.</summary>
    public TimeSpan DeliverableFor => (queue.Value.Transport == PushQueueTransport.ServiceBus ? queue.Value.TimeToLive : StorageQueueMessageLifetime) + InFlightGrace;

    public async Task<ExpiryPass> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var retention = storage.Value.PingRetention;
        var pass = await store.ExpireAsync(
            finishedBefore: now - retention,
            anyBefore: now - (retention > DeliverableFor ? retention : DeliverableFor),
            storage.Value.ExpiryMaxRows,
            cancellationToken);
        LogPass(logger, pass.EnvelopesRemoved, pass.RowsRemoved, pass.BlobsRemoved, pass.EnvelopesKept, pass.Finished ? "all expired pings were removed" : "more remain for the next pass");
        return pass;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Ping expiry removed {Envelopes} envelopes ({Rows} rows, {Blobs} stored bodies) and kept {Kept} still deliverable; {Progress}")]
    private static partial void LogPass(ILogger logger, int envelopes, int rows, int blobs, int kept, string progress);
}
