namespace PushFunctions.Gateway.Console.Reading;

/// <summary>A failed ping (no user or client) or a device a ping failed to reach, with the recorded reason.</summary>
public sealed record RecentFailure(string PingId, DateTimeOffset AcceptedAt, string? UserId, string? ClientId, string Reason);
