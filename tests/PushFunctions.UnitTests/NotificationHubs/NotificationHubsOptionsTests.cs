using PushFunctions.Gateway.Channels.NotificationHubs;

namespace PushFunctions.UnitTests.NotificationHubs;

public sealed class NotificationHubsOptionsTests
{
    private readonly NotificationHubsOptions _options = new()
    {
        HubName = "default-hub",
        Hubs = { ["com.example.crm"] = "crm-hub" },
    };

    [Fact]
    public void A_mapped_app_goes_to_its_own_hub() => Assert.Equal("crm-hub", _options.HubFor("com.example.crm"));

    [Theory]
    [InlineData("com.example.other")]
    [InlineData(null)]
    public void Any_other_app_goes_to_the_default_hub(string? appId) => Assert.Equal("default-hub", _options.HubFor(appId));

    [Fact]
    public void Without_a_default_hub_an_unmapped_app_has_none() =>
        Assert.Null(new NotificationHubsOptions { Hubs = { ["a"] = "hub-a" } }.HubFor("b"));

    [Fact]
    public void The_settings_naming_a_hub_are_spelled_as_app_settings_default_first()
    {
        var options = new NotificationHubsOptions { HubName = "shared-hub", Hubs = { ["b.app"] = "Shared-Hub", ["a.app"] = "shared-hub", ["c.app"] = "other-hub" } };

        Assert.Equal(
            ["NotificationHubs__HubName", "NotificationHubs__Hubs__a.app", "NotificationHubs__Hubs__b.app"],
            options.SettingsNaming("shared-hub"));
        Assert.Equal(["NotificationHubs__Hubs__com.example.crm"], _options.SettingsNaming("crm-hub"));
    }
}
