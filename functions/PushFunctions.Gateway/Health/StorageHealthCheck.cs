using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PushFunctions.Azure.Stores;

namespace PushFunctions.Gateway.Health;

/// <summary>Healthy when the gateway's table storage answers (every route and delivery depend on it).</summary>
public sealed class StorageHealthCheck(PingStatusStore pings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await pings.Table.GetEntityIfExistsAsync<TableEntity>("health", "probe", cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("table storage does not answer", e);
        }
    }
}
