using System.Net;
using Microsoft.AspNetCore.Builder;
using PushFunctions.Gateway.Api;

namespace PushFunctions.UnitTests.Security;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Addresses_of_one_subscriber_share_a_limit_key(string address, string key) =>
        Assert.Equal(key, ClientAddress.PartitionKey(IPAddress.Parse(address)));

    [Fact]
    public void A_request_without_a_peer_address_has_a_key_of_its_own() =>
        Assert.Equal("unknown", ClientAddress.PartitionKey(null));

    [Fact]
    public void Trusted_proxies_are_addresses_or_networks_and_loopback_stays_trusted()
    {
        var options = new ForwardedHeadersOptions();

        ClientAddress.Configure(options, " 10.0.0.5 , 172.16.0.0/12 ");

        Assert.Equal(1, options.ForwardLimit);
        Assert.Contains(IPAddress.Parse("10.0.0.5"), options.KnownProxies);
        Assert.Contains(IPAddress.IPv6Loopback, options.KnownProxies);
        Assert.Contains(System.Net.IPNetwork.Parse("172.16.0.0/12"), options.KnownIPNetworks);
        Assert.Contains(System.Net.IPNetwork.Parse("127.0.0.0/8"), options.KnownIPNetworks);
    }

    [Fact]
    public void A_trusted_proxy_that_is_neither_an_address_nor_a_network_stops_the_gateway() =>
        Assert.Throws<InvalidOperationException>(() => ClientAddress.Configure(new ForwardedHeadersOptions(), "proxy.example.com"));
}
