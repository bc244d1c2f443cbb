using System.Text;
using PushFunctions.Azure.Queues;
using PushFunctions.Azure.Stores;
using PushFunctions.Azure.Tables;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>Counts the pings waiting on the gateway's queue (every envelope read, stored envelopes included).</summary>
public static class QueuedPingCounter
{
    public static async Task<(long Pings, long Messages)> RunAsync(string connectionString, string queueName, string tablePrefix)
    {
        var queue = new QueueClient(connectionString, queueName);
        var status = new PingStatusStore(new TableClient(connectionString, tablePrefix + "Pings"));
        long pings = 0, messages = 0;
        var emptyReads = 0;
        while (emptyReads < 3)
        {
            // Hidden for long enough that no message is counted twice while the queue is drained.
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30))).Value;
            if (batch.Length == 0)
            {
                emptyReads++;
                continue;
            }

            emptyReads = 0;
            foreach (var message in batch)
            {
                var envelope = await status.ReadEnvelopeAsync(Encoding.UTF8.GetBytes(message.MessageText));

                pings += envelope.Pings.Count;
                messages++;
            }
        }

        return (pings, messages);
    }
}
