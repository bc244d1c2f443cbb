using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Contract;

/// <summary>A ping request that satisfied the contract: users to notify (distinct, in order) and the notification.</summary>
public sealed record PingRequest(IReadOnlyList<string> UserIds, Notification Notification);
