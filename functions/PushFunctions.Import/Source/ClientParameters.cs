using PushFunctions.Core.Registrations;

namespace PushFunctions.Import.Source;

/// <summary>
/// What <c>GET /rc/v1/clients/{client_id}</c> answers: the client's fields as name/value pairs (RhoConnect lists every
/// field it defines, null when never set, and besides the device fields <c>user_id</c>, <c>app_id</c>,
/// <c>last_sync</c> and <c>rho__id</c>; the gateway lists only the device fields that are set).
/// </summary>
public sealed record ClientParameters(IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>The user the source's client record names, when the source says (RhoConnect does, the gateway does not).</summary>
    public string? UserId => Values.GetValueOrDefault("user_id");

    /// <summary>The registration these parameters describe for <paramref name="userId"/>: every device field as the source has it.</summary>
    public ClientRegistration ToRegistration(string userId, string clientId) =>
        new(
            userId,
            clientId,
            Values.GetValueOrDefault(DeviceFields.DeviceType),
            Values.GetValueOrDefault(DeviceFields.DevicePushType),
            Values.GetValueOrDefault(DeviceFields.DevicePin),
            Values.GetValueOrDefault(DeviceFields.DevicePort),
            Values.GetValueOrDefault(DeviceFields.PhoneId),
            Values.GetValueOrDefault(DeviceFields.DeviceAppId),
            Values.GetValueOrDefault(DeviceFields.DeviceAppVersion));
}
