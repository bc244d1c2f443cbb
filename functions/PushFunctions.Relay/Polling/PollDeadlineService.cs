using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;

namespace PushFunctions.Relay.Polling;

/// <summary>Ticks <see cref="PollDeadlines"/>: often enough that a poll times out within a twentieth of the timeout.</summary>
public sealed class PollDeadlineService(PollDeadlines deadlines, TimeProvider timeProvider, IOptions<RelayOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromTicks(Math.Clamp(options.Value.PollTimeout.Ticks / 20, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(tick, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            deadlines.ExpireDue();
        }
    }
}
