using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.FanOut;

/// <summary>
/// The original PingJob's rules, with its fixes (spec: rhoconnect-ping.md, "Fan-out at delivery"):
/// every candidate either becomes a target or gets a recorded reason, and a device shared by several users of one
/// ping is sent once.
/// </summary>
public static class FanOutPlanner
{
    public static FanOutPlan Plan(IEnumerable<UserDevices> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var targets = new List<DeliveryTarget>();
        var skipped = new List<DeviceOutcome>();
        var seenDevices = new HashSet<string>(StringComparer.Ordinal);
        var seenClients = new HashSet<string>(StringComparer.Ordinal);

        foreach (var user in users)
        {
            if (!user.Exists || user.Clients.Count == 0)
            {
                var reason = user.Exists ? OutcomeReasons.NoDevices : OutcomeReasons.UnknownUser;
                skipped.Add(new DeviceOutcome(DeviceOutcome.UserKey(user.UserId), user.UserId, null, null, OutcomeStatus.Skipped, reason));
                continue;
            }

            foreach (var client in user.Clients)
            {
                // A client id is unique; seeing it twice means the same user was listed twice upstream.
                if (!seenClients.Add(client.ClientId))
                {
                    continue;
                }

                var key = DeviceOutcome.ClientKey(client.ClientId);
                // The original let an empty device_push_type win over device_type and dropped the device.
                var pushType = string.IsNullOrWhiteSpace(client.DevicePushType) ? client.DeviceType : client.DevicePushType;
                if (string.IsNullOrWhiteSpace(pushType) || string.IsNullOrEmpty(client.DevicePin))
                {
                    skipped.Add(new DeviceOutcome(key, user.UserId, client.ClientId, null, OutcomeStatus.Skipped, OutcomeReasons.NotRegistered));
                    continue;
                }

                if (!PlatformNames.TryResolve(pushType, out var platform))
                {
                    skipped.Add(new DeviceOutcome(key, user.UserId, client.ClientId, null, OutcomeStatus.Skipped, OutcomeReasons.UnsupportedPlatform));
                    continue;
                }

                if (client.InvalidReason is not null)
                {
                    skipped.Add(new DeviceOutcome(key, user.UserId, client.ClientId, platform, OutcomeStatus.Skipped, OutcomeReasons.InvalidRegistration));
                    continue;
                }

                var deviceKey = string.IsNullOrEmpty(client.PhoneId)
                    ? "pin:" + client.DevicePin
                    : "phone:" + client.PhoneId + "\n" + client.DeviceAppId;
                if (!seenDevices.Add(deviceKey))
                {
                    skipped.Add(new DeviceOutcome(key, user.UserId, client.ClientId, platform, OutcomeStatus.Skipped, OutcomeReasons.Duplicate));
                    continue;
                }

                targets.Add(new DeliveryTarget(client, platform));
            }
        }

        return new FanOutPlan(targets, skipped);
    }
}
