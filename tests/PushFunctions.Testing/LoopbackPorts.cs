using System.Net;
using System.Net.Sockets;

namespace PushFunctions.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers that cannot report the port they were given (Azurite, the AMQP listener).</summary>
public static class LoopbackPorts
{
    public static int[] Free(int count)
    {
        // All listeners stay open until every port is chosen, so the ports are distinct.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
