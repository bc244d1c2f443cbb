namespace PushFunctions.Core.Delivery;

/// <summary>The reasons the ping status gives for skipped and failed devices; tests and operators match on them.</summary>
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
}
