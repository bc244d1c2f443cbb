using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>Unhealthy while a hub rejects the gateway's credentials: every native push to it fails until someone fixes the key.</summary>
public sealed class NotificationHubsHealthCheck(NotificationHubsHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rejected = health.RejectedHubs;
        return Task.FromResult(rejected.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{NotificationHubsReasons.CredentialsRejected} by hub(s) {string.Join(", ", rejected.Keys.Order(StringComparer.Ordinal))}"));
    }
}
