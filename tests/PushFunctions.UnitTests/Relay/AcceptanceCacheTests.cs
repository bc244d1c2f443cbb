using PushFunctions.Relay.Authentication;

namespace PushFunctions.UnitTests.Relay;

public sealed class AcceptanceCacheTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:9/rc/v1/app/rps_login");
    private readonly ManualTimeProvider clock = new();

    [Fact]
    public void A_yes_is_remembered_for_the_cache_lifetime()
    {
        var cache = new AcceptanceCache(clock, TimeSpan.FromSeconds(60));
        var key = AcceptanceCache.KeyFor(Endpoint, new PresentedCredentials("Basic YWxpY2U6eA==", null));
        cache.Add(key);

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.Contains(key));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.Contains(key));
    }

    [Fact]
    public void Different_credentials_have_different_keys()
    {
        var alice = AcceptanceCache.KeyFor(Endpoint, new PresentedCredentials("Basic YWxpY2U6eA==", null));
        var withCookie = AcceptanceCache.KeyFor(Endpoint, new PresentedCredentials("Basic YWxpY2U6eA==", "rhoconnect_session=1"));
        var otherEndpoint = AcceptanceCache.KeyFor(new Uri("http://127.0.0.1:9/rc/v1/system/rps_login"), new PresentedCredentials("Basic YWxpY2U6eA==", null));

        Assert.Equal(3, new[] { alice, withCookie, otherEndpoint }.Distinct().Count());
    }

    [Fact]
    public void A_key_does_not_contain_the_credentials()
    {
        var key = AcceptanceCache.KeyFor(Endpoint, new PresentedCredentials("Basic YWxpY2U6eA==", "session=abc"));

        Assert.DoesNotContain("YWxpY2U6eA", key, StringComparison.Ordinal);
        Assert.DoesNotContain("session", key, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, key.Length);
    }
}
