namespace PushFunctions.Core.Registrations;

/// <summary>
/// A RhoConnect client (one app install on one device) and the device fields it registered.
/// <see cref="InvalidReason"/> is set when a push service reported the handle gone; the device is skipped until it
/// registers again. <see cref="ETag"/> is the stored row's version when it was read, so a mark made from what a
/// send learned applies only to the registration that send used, not to one the device wrote since.
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
    string? InvalidReason = null,
    string? ETag = null);
