namespace PushFunctions.Relay.Devices;

/// <summary>A message waiting for the device's acknowledgement.</summary>
/// <param name="CollapseId">The backend's <c>collapseId</c> in invariant text; null when the message never collapses.</param>
/// <param name="Data">The <c>data</c> object as the backend sent it (raw JSON).</param>
public sealed record QueuedMessage(long Id, string AppName, string Token, string? CollapseId, string Data)
{
    /// <summary>
    /// Handed to a poll at least once. A delivered message is no longer replaced by a collapse: the device may be about to
    /// acknowledge its id, which would drop the replacement unseen.
    /// </summary>
    public bool Delivered { get; set; }
}
