using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PushFunctions.Gateway.Health;

/// <summary>Unhealthy while any delivery channel reports a problem that retries cannot fix.</summary>
public sealed class ChannelHealthCheck(ChannelHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = health.Problems;
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}"))));
    }
}
