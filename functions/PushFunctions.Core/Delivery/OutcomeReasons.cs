namespace PushFunctions.Core.Delivery;

/// <summary>
/// The reasons the ping status gives for skipped and failed devices; tests and operators match on them. A reason is
/// always one of these (or a channel's own fixed reasons), never an exception's message: the status is read by
/// backends, and exception text can carry handles, addresses or payload.
/// </summary>
public static class OutcomeReasons
{
    public const string NotRegistered = "not registered";
    public const string UnsupportedPlatform = "unsupported platform";
    public const string Duplicate = "duplicate";
    public const string UnknownUser = "unknown user";
    public const string NoDevices = "no devices";
    public const string InvalidRegistration = "registration invalid";
    public const string PayloadTooLarge = "payload too large";

    /// <summary>The platform says the handle no longer exists; the registration is marked invalid.</summary>
    public const string HandleGone = "handle gone";

    /// <summary>The channel failed in a way it has no reason for (an exception); the log has the details, under the ping id.</summary>
    public static string ChannelError(string channel) => channel + " channel error";
}
