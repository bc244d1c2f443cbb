using PushFunctions.Core.Delivery;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>
/// What the overview shows of recent traffic: the last hour's pings by state and the latest failures, read newest first
/// and bounded, so a busy gateway answers in time (the counts then say they stopped early).
/// </summary>
public sealed class PingActivity
{
    public const int MaxPingsCounted = 5_000;
    public const int MaxFailures = 20;
    public static readonly TimeSpan CountedPeriod = TimeSpan.FromHours(1);
    public static readonly TimeSpan FailuresPeriod = TimeSpan.FromDays(1);

    private readonly Dictionary<PingState, int> _byState = Enum.GetValues<PingState>().ToDictionary(s => s, _ => 0);
    private readonly List<RecentFailure> _failures = [];

    public IReadOnlyDictionary<PingState, int> ByState => _byState;

    public int Counted { get; private set; }

    /// <summary>True when the last hour held more pings than are counted.</summary>
    public bool CountStoppedEarly { get; private set; }

    public IReadOnlyList<RecentFailure> Failures => _failures;

    public static async Task<PingActivity> ReadAsync(RecentPings recent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recent);
        var activity = new PingActivity();
        var countedSince = recent.Now - CountedPeriod;
        var scanned = 0;
        await foreach (var ping in recent.ReadBackAsync(recent.Now - FailuresPeriod, cancellationToken: cancellationToken))
        {
            var counting = ping.AcceptedAt >= countedSince && !activity.CountStoppedEarly;
            if (counting)
            {
                activity._byState[ping.State]++;
                activity.Counted++;
                activity.CountStoppedEarly = activity.Counted == MaxPingsCounted;
            }

            activity.AddFailures(ping);
            if (++scanned >= MaxPingsCounted || (!counting && activity._failures.Count >= MaxFailures))
            {
                break;
            }
        }

        return activity;
    }

    private void AddFailures(PingStatus ping)
    {
        if (ping.State is PingState.Failed or PingState.Rejected && _failures.Count < MaxFailures)
        {
            _failures.Add(new RecentFailure(ping.PingId, ping.AcceptedAt, null, null, ping.Error ?? ping.State.ToString().ToLowerInvariant()));
        }

        foreach (var device in ping.Devices.Where(d => d.Status == OutcomeStatus.Failed).Take(MaxFailures - _failures.Count))
        {
            _failures.Add(new RecentFailure(ping.PingId, ping.AcceptedAt, device.UserId, device.ClientId, device.Reason ?? "failed"));
        }
    }
}
