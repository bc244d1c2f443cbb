using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Registrations;

namespace PushFunctions.UnitTests.Contract;

/// <summary>The fan-out rows of the spec (rhoconnect-ping.md, "Fan-out at delivery").</summary>
public sealed class FanOutPlannerTests
{
    [Fact]
    public void Every_registered_client_of_every_user_is_a_target()
    {
        var plan = FanOutPlanner.Plan([
            User("u1", Client("u1", "c1", deviceType: "APPLE", pin: "p1"), Client("u1", "c2", deviceType: "ANDROID", pin: "p2")),
            User("u2", Client("u2", "c3", deviceType: "WINDOWS", pin: "p3")),
        ]);

        Assert.Equal(["c1", "c2", "c3"], plan.Targets.Select(t => t.Client.ClientId));
        Assert.Equal(["p1", "p2", "p3"], plan.Targets.Select(t => t.Handle));
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void An_unknown_user_and_a_user_without_clients_are_recorded_as_skipped()
    {
        var plan = FanOutPlanner.Plan([new UserDevices("ghost", Exists: false, []), User("lonely")]);

        Assert.Empty(plan.Targets);
        Assert.Collection(
            plan.Skipped,
            o => AssertSkipped(o, "u:ghost", "ghost", null, OutcomeReasons.UnknownUser),
            o => AssertSkipped(o, "u:lonely", "lonely", null, OutcomeReasons.NoDevices));
    }

    [Theory]
    [InlineData("", "", "pin")]
    [InlineData(null, null, "pin")]
    [InlineData("  ", "", "pin")]
    [InlineData("APPLE", "", "")]
    [InlineData("APPLE", "", null)]
    [InlineData("", "fcm", null)]
    public void A_client_without_a_push_type_or_a_device_pin_is_not_registered(string? deviceType, string? pushType, string? pin)
    {
        var plan = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType, pushType, pin))]);

        Assert.Empty(plan.Targets);
        AssertSkipped(Assert.Single(plan.Skipped), "c:c", "u", "c", OutcomeReasons.NotRegistered);
    }

    [Theory]
    [InlineData("apple", Platform.Apple)]
    [InlineData("APPLE", Platform.Apple)]
    [InlineData("iPhone", Platform.Apple)]
    [InlineData("fcm", Platform.Fcm)]
    [InlineData("GCM", Platform.Fcm)]
    [InlineData("Android", Platform.Fcm)]
    [InlineData("windows", Platform.Wns)]
    [InlineData("WNS", Platform.Wns)]
    [InlineData("rhoconnect_push", Platform.RhoConnectPush)]
    [InlineData("RhoConnect_Push", Platform.RhoConnectPush)]
    public void The_push_type_names_a_platform_case_insensitively(string pushType, Platform platform)
    {
        var viaPushType = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: "", pushType: pushType, pin: "p"))]);
        var viaDeviceType = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: pushType, pushType: null, pin: "p"))]);

        Assert.Equal(platform, Assert.Single(viaPushType.Targets).Platform);
        Assert.Equal(platform, Assert.Single(viaDeviceType.Targets).Platform);
    }

    [Fact]
    public void A_non_empty_device_push_type_wins_over_device_type()
    {
        var plan = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: "ANDROID", pushType: "rhoconnect_push", pin: "p"))]);

        Assert.Equal(Platform.RhoConnectPush, Assert.Single(plan.Targets).Platform);
    }

    [Fact]
    public void An_empty_device_push_type_falls_back_to_device_type_instead_of_dropping_the_device()
    {
        var plan = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: "APPLE", pushType: "", pin: "p"))]);

        Assert.Equal(Platform.Apple, Assert.Single(plan.Targets).Platform);
    }

    [Theory]
    [InlineData("blackberry")]
    [InlineData("symbian")]
    [InlineData("apple2")]
    public void Any_other_push_type_is_skipped_as_unsupported_platform(string pushType)
    {
        var plan = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: pushType, pin: "p"))]);

        Assert.Empty(plan.Targets);
        AssertSkipped(Assert.Single(plan.Skipped), "c:c", "u", "c", OutcomeReasons.UnsupportedPlatform);
    }

    [Fact]
    public void Devices_with_the_same_phone_id_and_app_across_users_are_sent_once_first_wins()
    {
        var plan = FanOutPlanner.Plan([
            User("u1", Client("u1", "c1", deviceType: "ANDROID", pin: "p1", phoneId: "phone", appId: "app")),
            User("u2", Client("u2", "c2", deviceType: "ANDROID", pin: "p2", phoneId: "phone", appId: "app")),
        ]);

        Assert.Equal("c1", Assert.Single(plan.Targets).Client.ClientId);
        var duplicate = Assert.Single(plan.Skipped);
        Assert.Equal(("c2", OutcomeReasons.Duplicate, (Platform?)Platform.Fcm), (duplicate.ClientId, duplicate.Reason, duplicate.Platform));
    }

    [Fact]
    public void The_same_phone_id_with_another_app_is_another_device()
    {
        var plan = FanOutPlanner.Plan([
            User("u1", Client("u1", "c1", deviceType: "ANDROID", pin: "p1", phoneId: "phone", appId: "app-a")),
            User("u2", Client("u2", "c2", deviceType: "ANDROID", pin: "p1", phoneId: "phone", appId: "app-b")),
        ]);

        Assert.Equal(2, plan.Targets.Count);
    }

    [Fact]
    public void Without_a_phone_id_the_device_pin_is_the_key()
    {
        var plan = FanOutPlanner.Plan([
            User("u1", Client("u1", "c1", deviceType: "APPLE", pin: "same")),
            User("u2", Client("u2", "c2", deviceType: "APPLE", pin: "same"), Client("u2", "c3", deviceType: "APPLE", pin: "other")),
        ]);

        Assert.Equal(["c1", "c3"], plan.Targets.Select(t => t.Client.ClientId));
        Assert.Equal("c2", Assert.Single(plan.Skipped, o => o.Reason == OutcomeReasons.Duplicate).ClientId);
    }

    [Fact]
    public void A_user_listed_twice_yields_each_client_once_without_a_duplicate_outcome()
    {
        var user = User("u", Client("u", "c", deviceType: "APPLE", pin: "p"));

        var plan = FanOutPlanner.Plan([user, user]);

        Assert.Single(plan.Targets);
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void A_registration_marked_invalid_is_skipped_until_it_registers_again()
    {
        var plan = FanOutPlanner.Plan([User("u", Client("u", "c", deviceType: "APPLE", pin: "p") with { InvalidReason = "handle gone" })]);

        Assert.Empty(plan.Targets);
        Assert.Equal(OutcomeReasons.InvalidRegistration, Assert.Single(plan.Skipped).Reason);
    }

    [Fact]
    public void Every_candidate_ends_as_a_target_or_a_recorded_outcome()
    {
        var plan = FanOutPlanner.Plan([
            User("u1",
                Client("u1", "ok", deviceType: "APPLE", pin: "p1"),
                Client("u1", "unregistered", deviceType: "", pin: ""),
                Client("u1", "unsupported", deviceType: "pager", pin: "p2"),
                Client("u1", "dup", deviceType: "APPLE", pin: "p1")),
            new UserDevices("ghost", false, []),
        ]);

        Assert.Equal(5, plan.Targets.Count + plan.Skipped.Count);
        Assert.Equal(
            ["c:dup", "c:ok", "c:unregistered", "c:unsupported", "u:ghost"],
            plan.Targets.Select(t => t.OutcomeKey).Concat(plan.Skipped.Select(s => s.Key)).Order(StringComparer.Ordinal));
    }

    private static UserDevices User(string userId, params ClientRegistration[] clients) => new(userId, Exists: true, clients);

    private static ClientRegistration Client(
        string userId, string clientId, string? deviceType = null, string? pushType = null, string? pin = null, string? phoneId = null, string? appId = null) =>
        new(userId, clientId, DeviceType: deviceType, DevicePushType: pushType, DevicePin: pin, PhoneId: phoneId, DeviceAppId: appId);

    private static void AssertSkipped(DeviceOutcome outcome, string key, string userId, string? clientId, string reason)
    {
        Assert.Equal(key, outcome.Key);
        Assert.Equal(userId, outcome.UserId);
        Assert.Equal(clientId, outcome.ClientId);
        Assert.Equal(OutcomeStatus.Skipped, outcome.Status);
        Assert.Equal(reason, outcome.Reason);
    }
}
