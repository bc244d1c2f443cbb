using System.Diagnostics;
using Azure.Storage.Queues;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>
/// Baseline for the ingest benchmark: how many messages per second Azurite's queue takes from one client at the
/// concurrency the gateway uses, measured in the same run as the gateway.
/// </summary>
public static class AzuriteQueueBaseline
{
    public static async Task<double> RunAsync(string connectionString, TimeSpan duration, int concurrency)
    {
        // Base64 bodies, as the gateway writes them for the Functions queue trigger.
        var queue = new QueueClient(
            connectionString, "baseline-" + Guid.NewGuid().ToString("N")[..12], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        // About the size of a one-ping envelope.
        var message = "{\"id\":\"" + Guid.NewGuid().ToString("N") + "\",\"pings\":[{\"id\":\"x-0\",\"user_ids\":[\"user1\"],\"notification\":{\"message\":\"Hello user\",\"vibrate\":\"2000\",\"sources\":[\"all\"]}}]}";
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                await queue.SendMessageAsync(message);
                Interlocked.Increment(ref sent);
            }
        }));
        // The queue is left as it is: deleting thousands of messages freezes Azurite for seconds, which would
        // disturb the measurement that follows. Azurite runs in memory and is discarded with the run.
        return sent / clock.Elapsed.TotalSeconds;
    }
}
