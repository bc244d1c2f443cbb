namespace PushFunctions.Core.Registrations;

/// <summary>The device fields of the RhoConnect client register call, in the order GET /rc/v1/clients/{id} lists them.</summary>
public static class DeviceFields
{
    public const string DeviceType = "device_type";
    public const string DevicePushType = "device_push_type";
    public const string DevicePin = "device_pin";
    public const string DevicePort = "device_port";
    public const string PhoneId = "phone_id";
    public const string DeviceAppId = "device_app_id";
    public const string DeviceAppVersion = "device_app_version";

    public static IReadOnlyList<string> All { get; } =
        [DeviceType, DevicePushType, DevicePin, DevicePort, PhoneId, DeviceAppId, DeviceAppVersion];

    public static string? Get(ClientRegistration client, string field)
    {
        ArgumentNullException.ThrowIfNull(client);
        return field switch
        {
            DeviceType => client.DeviceType,
            DevicePushType => client.DevicePushType,
            DevicePin => client.DevicePin,
            DevicePort => client.DevicePort,
            PhoneId => client.PhoneId,
            DeviceAppId => client.DeviceAppId,
            DeviceAppVersion => client.DeviceAppVersion,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a device field."),
        };
    }

    /// <summary>A register call writes the fields it names (even as "") and keeps the others; re-registering clears a stale-handle mark.</summary>
    public static ClientRegistration Apply(ClientRegistration client, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fields);
        string? Pick(string name, string? current) => fields.TryGetValue(name, out var value) ? value : current;
        return client with
        {
            DeviceType = Pick(DeviceType, client.DeviceType),
            DevicePushType = Pick(DevicePushType, client.DevicePushType),
            DevicePin = Pick(DevicePin, client.DevicePin),
            DevicePort = Pick(DevicePort, client.DevicePort),
            PhoneId = Pick(PhoneId, client.PhoneId),
            DeviceAppId = Pick(DeviceAppId, client.DeviceAppId),
            DeviceAppVersion = Pick(DeviceAppVersion, client.DeviceAppVersion),
            InvalidReason = null,
        };
    }
}
