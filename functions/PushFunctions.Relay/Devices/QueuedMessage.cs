namespace PushFunctions.Relay.Devices;

/// <summary>A message waiting for the device's acknowledgement.</summary>
/// <param name="AppName">The registration's app name (the same string as the registration's, not a copy).</param>
/// <param name="Token">The registration's token, sent with the message (the same string as the registration's).</param>
/// <param name="CollapseId">The backend's <c>collapseId</c> in invariant text; null when the message never collapses.</param>
/// <param name="Data">The <c>data</c> object as the backend sent it, UTF-8 JSON (half the memory of a string).</param>
/// <param name="Enqueued">When it was queued (or last replaced by a collapse): messages older than the lifetime are dropped.</param>
public sealed record QueuedMessage(long Id, string AppName, string Token, string? CollapseId, byte[] Data, DateTimeOffset Enqueued)
{
    /// <summary>
    /// Handed to a poll at least once. A delivered message is no longer replaced by a collapse: the device may be about to
    /// acknowledge its id, which would drop the replacement unseen.
    /// </summary>
    public bool Delivered { get; set; }
}
