using System.Collections.Concurrent;

namespace PushFunctions.Gateway.Health;

/// <summary>
/// What the channels learned about themselves while sending. A channel whose credentials were rejected stays
/// unhealthy (and /healthz says so) until a later send through it succeeds: retrying cannot fix a configuration error.
/// </summary>
public sealed class ChannelHealth
{
    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Problems => _problems;

    /// <returns>True the first time: the caller logs the problem once, not once per device.</returns>
    public bool ReportProblem(string channel, string problem) => _problems.TryAdd(channel, problem);

    public void ReportWorking(string channel) => _problems.TryRemove(channel, out _);
}
