namespace PushFunctions.Core.Registrations;

/// <summary>
/// A RhoConnect client (one app install on one device) and the device fields it registered.
/// <see cref="InvalidReason"/> is set when a channel reported the handle gone; the device is skipped until it registers again.
/// </summary>
public sealed record ClientRegistration(
    string UserId,
    string ClientId,
    string? DeviceType = null,
    string? DevicePushType = null,
    string? DevicePin = null,
    string? DevicePort = null,
    string? PhoneId = null,
    string? DeviceAppId = null,
    string? DeviceAppVersion = null,
    string? InvalidReason = null);
