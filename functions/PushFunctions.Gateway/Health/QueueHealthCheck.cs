using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Health;

/// <summary>
/// The ping queue: a Storage queue answers with how many messages wait and how many were given up (its poison queue,
/// degraded while it holds any). The Service Bus queue is not read: the app may only send to it, and its depth and
/// dead letters are in the namespace's metrics.
/// </summary>
public sealed class QueueHealthCheck(IPingQueue queue, PoisonQueue poison) : IHealthCheck
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
            var givenUp = await poison.CountAsync(cancellationToken);
            var description = string.Create(CultureInfo.InvariantCulture, $"{storage.Client.Name}: {waiting} waiting; {poison.Name}: {givenUp} given up");
            return givenUp == 0 ? HealthCheckResult.Healthy(description) : HealthCheckResult.Degraded(description);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the ping queue does not answer", e);
        }
    }
}
