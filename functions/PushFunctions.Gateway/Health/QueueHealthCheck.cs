using System.Globalization;
using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PushFunctions.Azure.Queues;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Health;

/// <summary>
/// The ping queue: a Storage queue answers with how many messages wait and how many were given up (its poison queue,
/// degraded while it holds any). The Service Bus queue is not read: the app may only send to it, and its depth and
/// dead letters are in the namespace's metrics.
/// </summary>
public sealed class QueueHealthCheck(IPingQueue queue, [FromKeyedServices(StorageQueueConsumer.PoisonQueueKey)] QueueClient poison) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (queue is not StoragePingQueue storage)
        {
            return HealthCheckResult.Healthy("Service Bus queue: the app only sends; its depth and dead letters are in Azure Monitor");
        }

        try
        {
            var waiting = (await storage.Client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            var givenUp = await CountGivenUpAsync(cancellationToken);
            var description = string.Create(CultureInfo.InvariantCulture, $"{storage.Client.Name}: {waiting} waiting; {poison.Name}: {givenUp} given up");
            return givenUp == 0 ? HealthCheckResult.Healthy(description) : HealthCheckResult.Degraded(description);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the ping queue does not answer", e);
        }
    }

    /// <summary>The poison queue is created by the first message given up.</summary>
    private async Task<int> CountGivenUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return 0;
        }
    }
}
