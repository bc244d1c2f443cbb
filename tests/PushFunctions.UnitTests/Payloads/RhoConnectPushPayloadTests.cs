using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

public sealed class RhoConnectPushPayloadTests
{
    [Fact]
    public void The_spec_example_is_produced_byte_for_byte()
    {
        var payload = BuildRelay(SampleNotifications.Full);

        Assert.Equal(
            """{"collapseId":5,"data":{"alert":"hello world","sound":"hello.mp3","vibrate":"2000","do_sync":["Product","Customer"]}}""",
            payload.Body);
    }

    [Fact]
    public void The_relay_payload_has_no_headers_and_no_notification_hubs_format()
    {
        var payload = BuildRelay(SampleNotifications.Full);

        Assert.Equal(Platform.RhoConnectPush, payload.Platform);
        Assert.Null(payload.NotificationHubsFormat);
        Assert.Empty(payload.Headers);
    }

    [Fact]
    public void Without_a_badge_there_is_no_collapse_id()
    {
        var payload = BuildRelay(SampleNotifications.Full with { Badge = null });

        Assert.Equal(
            """{"data":{"alert":"hello world","sound":"hello.mp3","vibrate":"2000","do_sync":["Product","Customer"]}}""",
            payload.Body);
    }

    [Fact]
    public void The_phone_id_is_not_part_of_the_relay_payload()
    {
        var payload = BuildRelay(SampleNotifications.Silent, "phone-1");

        Assert.Equal("""{"data":{"do_sync":["Product","Customer"]}}""", payload.Body);
    }

    [Fact]
    public void A_ping_without_sources_has_no_do_sync_key()
    {
        var payload = BuildRelay(new Notification("hi", 3, null, null, []));

        Assert.Equal("""{"collapseId":3,"data":{"alert":"hi"}}""", payload.Body);
    }

    private static PlatformPayload BuildRelay(Notification notification, string? phoneId = null)
    {
        var result = PayloadBuilder.Build(Platform.RhoConnectPush, notification, phoneId);
        Assert.True(result.Succeeded, result.Error);
        return result.Payload;
    }
}
