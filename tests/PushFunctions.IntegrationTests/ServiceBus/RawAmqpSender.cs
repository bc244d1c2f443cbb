using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>
/// A bare AMQP 1.0 sender on Microsoft.Azure.Amqp, without the Service Bus SDK's own checks: it authorizes on $cbs as
/// the SDK does and then sends whatever it is given, so the namespace's own limits show.
/// </summary>
internal sealed class RawAmqpSender : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly AmqpConnection _connection;
    private readonly SendingAmqpLink _link;
    private int _deliveries;

    private RawAmqpSender(AmqpConnection connection, SendingAmqpLink link)
    {
        _connection = connection;
        _link = link;
    }

    public static async Task<RawAmqpSender> ConnectAsync(LocalServiceBus bus, string queue)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var settings = ServiceBusAmqpSettings.Create();
        var transport = await new AmqpTransportInitiator(settings, new TcpTransportSettings { Host = "127.0.0.1", Port = bus.Port }).ConnectTaskAsync(Timeout);
        var connection = new AmqpConnection(transport, settings, new AmqpConnectionSettings { ContainerId = "raw-sender", HostName = "127.0.0.1" });
        await connection.OpenAsync(Timeout);

        var audience = $"amqp://127.0.0.1/{queue}";
        await new AmqpCbsLink(connection).SendTokenAsync(new SasCbsTokenProvider(bus), new Uri("amqp://127.0.0.1/"), audience, audience, ["Send"], Timeout);

        var session = connection.CreateSession(new AmqpSessionSettings());
        await session.OpenAsync(Timeout);
        var link = new SendingAmqpLink(new AmqpLinkSettings
        {
            LinkName = "raw-sender-" + Guid.NewGuid().ToString("N"),
            Role = false,
            InitialDeliveryCount = 0,
            Source = new Source { Address = "raw-sender" },
            Target = new Target { Address = "/" + queue },
        });
        link.AttachTo(session);
        await link.OpenAsync(Timeout);
        return new RawAmqpSender(connection, link);
    }

    /// <summary>The link's limit, as the namespace announced it on attach.</summary>
    public ulong? MaxMessageSize => _link.Settings.MaxMessageSize;

    public Task<Outcome> SendAsync(AmqpMessage message) =>
        _link.SendMessageAsync(message, new ArraySegment<byte>(BitConverter.GetBytes(Interlocked.Increment(ref _deliveries))), AmqpConstants.NullBinary, Timeout);

    public ValueTask DisposeAsync()
    {
        _connection.SafeClose();
        return ValueTask.CompletedTask;
    }
}
