namespace PushFunctions.Core.Payloads;

/// <summary>The delivery platforms a registered device can be reached on.</summary>
public enum Platform
{
    Apple,
    Fcm,
    Wns,
    RhoConnectPush,
}
