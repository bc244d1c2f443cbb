namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The delay before an envelope's next delivery attempt: the base delay doubled per attempt made, up to the ceiling,
/// with "equal jitter" (between half and all of that), so that messages that failed together during an outage do not
/// all come back at the same moment, and no retry comes much sooner than the doubling intends.
/// </summary>
public static class RedeliveryBackoff
{
    /// <param name="attempt">The attempt that just failed, from 1.</param>
    public static TimeSpan DelayAfter(long attempt, TimeSpan baseDelay, TimeSpan ceiling)
    {
        var doublings = (int)Math.Clamp(attempt - 1, 0, 40);
        var nominal = baseDelay.Ticks;
        for (var i = 0; i < doublings && nominal < ceiling.Ticks; i++)
        {
            nominal *= 2;
        }

        nominal = Math.Max(0, Math.Min(nominal, ceiling.Ticks));
        var half = nominal / 2;
        return TimeSpan.FromTicks(nominal - half + Random.Shared.NextInt64(half + 1));
    }
}
