using PushFunctions.Gateway.Delivery;

namespace PushFunctions.UnitTests.Delivery;

public sealed class RedeliveryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Ceiling = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(6, 64)]
    public void The_delay_doubles_per_attempt_and_lies_between_half_and_all_of_the_doubled_delay(long attempt, int nominalSeconds)
    {
        var delays = Enumerable.Range(0, 500).Select(_ => RedeliveryBackoff.DelayAfter(attempt, Base, Ceiling)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(nominalSeconds / 2.0), TimeSpan.FromSeconds(nominalSeconds)));
        // Jitter: messages that failed together do not all come back at the same moment.
        Assert.True(delays.Distinct().Count() > 400, $"only {delays.Distinct().Count()} distinct delays in 500");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(long.MaxValue)]
    public void The_delay_never_exceeds_the_ceiling(long attempt)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RedeliveryBackoff.DelayAfter(attempt, Base, Ceiling)).ToList();

        Assert.All(delays, d => Assert.InRange(d, Ceiling / 2, Ceiling));
    }

    [Fact]
    public void The_default_attempts_and_delays_outlast_an_outage_of_forty_minutes_at_the_least()
    {
        var defaults = new PushFunctions.Gateway.Configuration.PushQueueOptions();
        var shortest = TimeSpan.Zero;
        for (var attempt = 1; attempt < defaults.MaxDeliveryAttempts; attempt++)
        {
            shortest += Enumerable.Range(0, 100).Select(_ => RedeliveryBackoff.DelayAfter(attempt, defaults.RetryBaseDelay, defaults.MaxRetryDelay)).Min();
        }

        Assert.True(shortest > TimeSpan.FromMinutes(40), $"{shortest}");
    }
}
