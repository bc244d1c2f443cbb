using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using PushFunctions.Azure.Stores;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>Counts the pings waiting on the gateway's queue (every envelope read, stored envelopes included).</summary>
public static class QueuedPingCounter
{
    public static async Task<(long Pings, long Messages)> RunAsync(string connectionString, string queueName, string tablePrefix)
    {
        var queue = new QueueClient(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var status = new PingStatusStore(
            new TableClient(connectionString, tablePrefix + "Pings"), new BlobContainerClient(connectionString, (tablePrefix + "envelopes").ToLowerInvariant()));
        long pings = 0, messages = 0;
        var emptyReads = 0;
        while (emptyReads < 3)
        {
            // Hidden for long enough that no message is counted twice while the queue is drained.
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(30))).Value;
            if (batch.Length == 0)
            {
                emptyReads++;
                continue;
            }

            emptyReads = 0;
            foreach (var message in batch)
            {
                var envelope = await status.ReadEnvelopeAsync(message.Body.ToMemory());

                pings += envelope.Pings.Count;
                messages++;
            }
        }

        return (pings, messages);
    }
}
