namespace PushFunctions.Azure.NotificationHubs;

/// <summary>How far the hub got with a notification, as per-message telemetry reports it (the <c>State</c> element).</summary>
public enum NotificationOutcomeState
{
    /// <summary>A state this client does not know.</summary>
    Unknown,

    /// <summary>Accepted, not yet processed.</summary>
    Enqueued,

    /// <summary>Being handed to the push services.</summary>
    Processing,

    /// <summary>Waiting for its scheduled time.</summary>
    Scheduled,

    /// <summary>Done: the outcome counts and PNS error details are final.</summary>
    Completed,

    /// <summary>Not processed within the hub's window (30 minutes by default).</summary>
    Abandoned,

    /// <summary>A scheduled notification that was canceled.</summary>
    Canceled,

    /// <summary>No device to send it to.</summary>
    NoTargetFound,
}
