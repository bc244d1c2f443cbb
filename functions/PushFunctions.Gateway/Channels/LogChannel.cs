using System.Collections.Concurrent;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Gateway.Channels;

/// <summary>
/// The channel of last resort, and the local default: records every send (platform, handle, payload) in the log and
/// in memory instead of reaching a device. It serves whatever no configured channel serves.
/// </summary>
public sealed partial class LogChannel(TimeProvider time, ILogger<LogChannel> logger) : PerDeviceChannel
{
    private const int Retained = 10_000;
    private readonly ConcurrentQueue<SentNotification> _sent = new();

    public override string Name => "log";

    /// <summary>The most recent sends, oldest first (at most 10,000 are kept).</summary>
    public IReadOnlyCollection<SentNotification> Sent => _sent;

    public override bool Serves(Platform platform) => true;

    protected override Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var client = send.Target.Client;
        _sent.Enqueue(new SentNotification(time.GetUtcNow(), send.Target.Platform, client.UserId, client.ClientId, send.Target.Handle, send.Payload.Body));
        while (_sent.Count > Retained && _sent.TryDequeue(out _))
        {
        }

        LogSend(logger, send.Target.Platform, client.UserId, client.ClientId, send.Target.Handle, send.Payload.Body);
        return Task.FromResult(send.Outcome(OutcomeStatus.Sent));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "log channel: {Platform} send to user {UserId} client {ClientId} handle {Handle}: {Payload}")]
    private static partial void LogSend(ILogger logger, Platform platform, string userId, string clientId, string handle, string payload);
}
