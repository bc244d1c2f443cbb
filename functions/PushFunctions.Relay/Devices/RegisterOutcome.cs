namespace PushFunctions.Relay.Devices;

public enum RegisterOutcome
{
    /// <summary>201 with the registration's token (a new one, or the same again).</summary>
    Registered,

    /// <summary>The instance's state belongs to another user (401).</summary>
    OtherUser,

    /// <summary>The user already has <c>Relay:MaxInstancesPerUser</c> instances with registrations (403).</summary>
    TooManyInstances,
}
