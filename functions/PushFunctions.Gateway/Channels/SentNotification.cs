using PushFunctions.Core.Payloads;

namespace PushFunctions.Gateway.Channels;

/// <summary>One send the log channel recorded.</summary>
public sealed record SentNotification(DateTimeOffset SentAt, Platform Platform, string UserId, string ClientId, string Handle, string Payload);
