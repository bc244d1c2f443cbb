using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Gateway.Channels;

/// <summary>
/// The channel of last resort, and the local default: records every send (platform, handle, payload) in memory and
/// in the log instead of reaching a device. It serves whatever no configured channel serves. The log gets a hash of
/// the handle and the payload's size; the handle and the payload themselves only at Debug, when Logging asks for it
/// (<c>Logging__LogLevel__PushFunctions.Gateway.Channels.LogChannel=Debug</c>): a handle is what it takes to push to a
/// device, and a payload is the backend's message.
/// </summary>
public sealed partial class LogChannel(TimeProvider time, ILogger<LogChannel> logger) : PerDeviceChannel(logger)
{
    private const int Retained = 10_000;
    private readonly ConcurrentQueue<SentNotification> _sent = new();

    public override string Name => "log";

    /// <summary>The most recent sends, oldest first (at most 10,000 are kept).</summary>
    public IReadOnlyCollection<SentNotification> Sent => _sent;

    public override bool Serves(Platform platform) => true;

    /// <summary>The first 16 hex digits of the handle's SHA-256: enough to tell devices apart in a log, useless to push with.</summary>
    private static string HandleHash(string handle) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(handle ?? string.Empty)))[..16];

    protected override Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var client = send.Target.Client;
        _sent.Enqueue(new SentNotification(time.GetUtcNow(), send.Target.Platform, client.UserId, client.ClientId, send.Target.Handle, send.Payload.Body));
        while (_sent.Count > Retained && _sent.TryDequeue(out _))
        {
        }

        var pingId = send.Ping.ToString();
        if (logger.IsEnabled(LogLevel.Information))
        {
            var handleHash = HandleHash(send.Target.Handle);
            var payloadBytes = Encoding.UTF8.GetByteCount(send.Payload.Body);
            LogSend(logger, pingId, send.Target.Platform, client.UserId, client.ClientId, handleHash, payloadBytes);
        }
        LogSendContent(logger, pingId, client.ClientId, send.Target.Handle, send.Payload.Body);
        return Task.FromResult(send.Outcome(OutcomeStatus.Sent));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "log channel: ping {PingId} {Platform} send to user {UserId} client {ClientId} handle sha256:{HandleHash} ({PayloadBytes} bytes)")]
    private static partial void LogSend(ILogger logger, string pingId, Platform platform, string userId, string clientId, string handleHash, int payloadBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "log channel: ping {PingId} client {ClientId} handle {Handle}: {Payload}")]
    private static partial void LogSendContent(ILogger logger, string pingId, string clientId, string handle, string payload);
}
