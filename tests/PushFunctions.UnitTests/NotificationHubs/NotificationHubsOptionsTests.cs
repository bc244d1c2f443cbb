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
}
