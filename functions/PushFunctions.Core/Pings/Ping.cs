namespace PushFunctions.Core.Pings;

/// <summary>One accepted ping: who to notify and what to tell their devices.</summary>
public sealed record Ping(
    string Id,
    IReadOnlyList<string> UserIds,
    Notification Notification,
    DateTimeOffset AcceptedAt);
