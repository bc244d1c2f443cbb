namespace PushFunctions.Relay.Devices;

public enum EnqueueOutcome
{
    Queued,

    /// <summary>Replaced a queued, undelivered message with the same collapseId, keeping its place and id.</summary>
    Collapsed,

    /// <summary>The token names no live registration: 404.</summary>
    UnknownToken,
}
