using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace PushFunctions.Gateway.Api;

/// <summary>
/// Which client a request comes from, for limits per client. The TCP peer is the client only without a proxy: under the
/// Functions host the peer is the host on loopback, and Azure's front end puts the client in X-Forwarded-For. A client
/// can send that header too, so it is read only from a trusted proxy (loopback, or one configured), and only its last
/// entry, the one the proxy appended; whatever the client wrote before it is ignored.
/// </summary>
public static class ClientAddress
{
    public static void Configure(ForwardedHeadersOptions options, string trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trustedProxies);
        // X-Forwarded-Proto too, so a session cookie is marked Secure when the client's connection was HTTPS.
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = 1;
        foreach (var entry in trustedProxies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException($"RhoConnect:TrustedProxies: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
            }
        }
    }

    /// <summary>
    /// The key a client is limited by: an IPv4 address as it is, an IPv6 address by its /64, the smallest prefix a
    /// subscriber is given (a client holding a /64 could otherwise take a fresh address for every attempt).
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
