using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using PushFunctions.Azure.NotificationHubs;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A Service Bus namespace on 127.0.0.1 speaking AMQP 1.0, built on the listener side of Microsoft.Azure.Amqp (the
/// library Azure.Messaging.ServiceBus itself stands on), so the real SDK talks to it exactly as to Service Bus. Clients
/// reach it with a connection string carrying <c>UseDevelopmentEmulator=true</c>: the SDK then connects with plain AMQP
/// (scheme amqp, no TLS) to the endpoint's host and port (ServiceBusConnection, AmqpClient, AmqpConnectionScope
/// .CreateTransportSettingsforTcp). It checks what Service Bus checks, as the SDK exercises it:
/// <list type="bullet">
/// <item>SASL mechanism MSSBCBS, the only one the SDK offers (AmqpConnectionScope.CreateAmpqSettings);</item>
/// <item>claims-based security on <c>$cbs</c> before every link (<see cref="ClaimsBasedSecurityNode"/>): a bad,
/// expired or misdirected SAS token is refused, and a link without a valid token is refused with
/// amqp:unauthorized-access;</item>
/// <item>the entity exists (else amqp:not-found, which the SDK reports as MessagingEntityNotFound);</item>
/// <item>max-message-size 256 KiB on every link a client sends on: the SDK sizes CreateMessageBatchAsync by it
/// (AmqpSender.CreateLinkAndEnsureSenderStateAsync reads link.Settings.MaxMessageSize), and the receiving link detaches
/// with amqp:link:message-size-exceeded when a larger transfer arrives (Microsoft.Azure.Amqp's ReceivingAmqpLink
/// enforces the size it announced);</item>
/// <item>queues with MessageId required, duplicate detection, peek-lock receive, complete, abandon, dead-letter, lock
/// renewal and the broker's own dead-lettering (<see cref="LocalQueue"/>, <see cref="ManagementNode"/>).</item>
/// </list>
/// </summary>
public sealed class LocalServiceBus : IRuntimeProvider, IAsyncDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";

    /// <summary>The Standard tier's limit for one message and for one batch.</summary>
    public const int MaxMessageSizeInBytes = 256 * 1024;

    /// <summary>How often expired locks and time-to-lives are looked for when nothing else happens.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, LocalQueue> _queues;
    private readonly Dictionary<string, ManagementNode> _managementNodes;
    private readonly ClaimsBasedSecurityNode _cbs;
    private readonly ConcurrentDictionary<AmqpConnection, byte> _connections = new();
    private readonly AmqpSettings _settings;
    private readonly AmqpTransportListener _listener;
    private readonly Timer _sweeper;

    private LocalServiceBus(IEnumerable<string> queues, LocalServiceBusOptions options, int port)
    {
        Port = port;
        Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _queues = queues.ToDictionary(q => q.ToLowerInvariant(), q => new LocalQueue(q.ToLowerInvariant(), options, TimeProvider.System));
        _managementNodes = _queues.ToDictionary(q => q.Key, q => new ManagementNode(q.Value));
        _cbs = new ClaimsBasedSecurityNode(KeyName, Key, TimeProvider.System);

        _settings = ServiceBusAmqpSettings.Create();
        _settings.RuntimeProvider = this;

        _listener = new AmqpTransportListener([new TcpTransportSettings { Host = "127.0.0.1", Port = port }.CreateListener()], _settings);
        _listener.Listen(OnAcceptTransport);
        _sweeper = new Timer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int Port { get; }

    public string Key { get; }

    /// <summary>A SAS connection string for the namespace, as the portal gives it, pointed at this endpoint.</summary>
    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)};SharedAccessKeyName={KeyName};SharedAccessKey={Key};UseDevelopmentEmulator=true";

    /// <summary>Tokens the <c>$cbs</c> node refused.</summary>
    public int RefusedTokens => _cbs.Refusals;

    /// <summary>Starts the namespace with the given queues on a free loopback port.</summary>
    public static LocalServiceBus Start(IEnumerable<string> queues, LocalServiceBusOptions? options = null) =>
        new(queues, options ?? new LocalServiceBusOptions(), Http.LoopbackPorts.Free());

    /// <summary>
    /// A connection string carrying a ready-made shared access signature instead of the key, as issued to a client that
    /// must not hold the key: for the namespace, or only for <paramref name="entity"/>.
    /// </summary>
    public string ConnectionStringWithSignature(DateTimeOffset expiresOn, string? entity = null) =>
        $"Endpoint=sb://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)};SharedAccessSignature={CreateSasToken(expiresOn, entity)};UseDevelopmentEmulator=true";

    /// <summary>A shared access signature signed with the namespace's key, for the namespace or only for <paramref name="entity"/>.</summary>
    public string CreateSasToken(DateTimeOffset expiresOn, string? entity = null) =>
        SharedAccessSignature.Create(new Uri($"sb://127.0.0.1/{entity}"), KeyName, Key, expiresOn);

    /// <summary>The messages waiting on <paramref name="queue"/> (locked ones included), in order.</summary>
    public IReadOnlyList<RecordedMessage> Messages(string queue) => Queue(queue).Active();

    /// <summary>The messages in <paramref name="queue"/>'s dead-letter queue, in the order they arrived there.</summary>
    public IReadOnlyList<RecordedMessage> DeadLetters(string queue) => Queue(queue).DeadLetters();

    /// <summary>Every message ever dead-lettered on <paramref name="queue"/>, as it was then, even if read from the dead-letter queue since.</summary>
    public IReadOnlyList<RecordedMessage> DeadLettered(string queue) => Queue(queue).DeadLettered();

    /// <summary>Sends that reached <paramref name="queue"/> (one per batch), accepted or not.</summary>
    public int Transfers(string queue) => Queue(queue).Transfers;

    /// <summary>Successful renew-lock requests on <paramref name="queue"/>.</summary>
    public int LockRenewals(string queue) => Queue(queue).LockRenewals;

    /// <summary>Stops listening and drops every connection, as an outage would.</summary>
    public ValueTask DisposeAsync()
    {
        _sweeper.Dispose();
        _listener.Close();
        foreach (var connection in _connections.Keys)
        {
            connection.SafeClose();
        }

        return ValueTask.CompletedTask;
    }

    AmqpConnection IConnectionFactory.CreateConnection(
        TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);

    AmqpSession ISessionFactory.CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => new(connection, settings, this);

    AmqpLink ILinkFactory.CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        // Role true: this end receives, i.e. the client attached a sending link.
        if (settings.Role == true)
        {
            settings.MaxMessageSize = MaxMessageSizeInBytes;
            return new ReceivingAmqpLink(session, settings);
        }

        return new SendingAmqpLink(session, settings);
    }

    IAsyncResult ILinkFactory.BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        var address = link.IsReceiver ? (link.Settings.Target as Target)?.Address : (link.Settings.Source as Source)?.Address;
        var path = ClaimsBasedSecurityNode.EntityPath(address?.ToString() ?? string.Empty);
        if (path == CbsConstants.CbsAddress)
        {
            _cbs.Attach(link);
        }
        else
        {
            // Throwing here refuses the attach: the library detaches the link with the error.
            AttachToEntity(link, path);
        }

        var opened = new TaskCompletionSource(state);
        opened.SetResult();
        callback(opened.Task);
        return opened.Task;
    }

    void ILinkFactory.EndOpenLink(IAsyncResult result) => ((Task)result).GetAwaiter().GetResult();

    private void AttachToEntity(AmqpLink link, string path)
    {
        if (!_cbs.Grants(link.Session.Connection, path))
        {
            throw new AmqpException(AmqpErrorCode.UnauthorizedAccess, $"Unauthorized access to '{path}': no valid token was put on $cbs for it.");
        }

        var segments = path.Split('/');
        if (segments.Length > 2 || !_queues.TryGetValue(segments[0], out var queue))
        {
            throw new AmqpException(AmqpErrorCode.NotFound, $"The messaging entity 'sb://127.0.0.1/{path}' could not be found.");
        }

        switch (segments.ElementAtOrDefault(1), link)
        {
            case ("$management", _):
                _managementNodes[queue.Name].Attach(link);
                break;
            case ("$deadletterqueue", SendingAmqpLink receiver):
                queue.Attach(new QueueConsumer(receiver, queue, readsDeadLetters: true));
                break;
            case (null, SendingAmqpLink receiver):
                queue.Attach(new QueueConsumer(receiver, queue, readsDeadLetters: false));
                break;
            case (null, ReceivingAmqpLink sender):
                sender.RegisterMessageListener(transfer => Accept(queue, sender, transfer));
                sender.SetTotalLinkCredit(100, true, true);
                break;
            default:
                throw new AmqpException(AmqpErrorCode.NotAllowed, $"A link cannot attach to '{path}' in that role.");
        }
    }

    private static void Accept(LocalQueue queue, ReceivingAmqpLink link, AmqpMessage transfer)
    {
        using (transfer)
        {
            var error = queue.Accept(transfer);
            link.DisposeMessage(transfer, error is null ? AmqpConstants.AcceptedOutcome : new Rejected { Error = error }, true, false);
        }
    }

    private LocalQueue Queue(string name) => _queues[name.ToLowerInvariant()];

    private void Sweep()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Dispatch();
        }
    }

    private void OnAcceptTransport(TransportListener listener, TransportAsyncCallbackArgs args)
    {
        var connection = new AmqpConnection(
            args.Transport, (ProtocolHeader)args.UserToken, false, _settings, new AmqpConnectionSettings { ContainerId = "local-servicebus" });
        _connections[connection] = 0;
        connection.Closed += (_, _) => _connections.TryRemove(connection, out _);
        _ = OpenAsync(connection);
    }

    private static async Task OpenAsync(AmqpConnection connection)
    {
        try
        {
            await connection.OpenAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is AmqpException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away during the handshake.
            connection.SafeClose(e);
        }
    }
}
