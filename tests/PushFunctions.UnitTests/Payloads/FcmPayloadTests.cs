using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

public sealed class FcmPayloadTests
{
    [Fact]
    public void The_spec_example_is_produced_byte_for_byte()
    {
        var payload = BuildFcm(SampleNotifications.Full, "3f9c2a7e-phone");

        Assert.Equal(
            """{"message":{"android":{"priority":"high","data":{"do_sync":"Product,Customer","alert":"hello world","badge":"5","sound":"hello.mp3","vibrate":"2000","phone_id":"3f9c2a7e-phone"},"notification":{"body":"hello world"}}}}""",
            payload.Body);
    }

    [Fact]
    public void The_payload_is_in_the_fcmv1_format_without_platform_headers()
    {
        var payload = BuildFcm(SampleNotifications.Full, "phone-1");

        Assert.Equal(Platform.Fcm, payload.Platform);
        Assert.Equal("fcmv1", payload.NotificationHubsFormat);
        Assert.Empty(payload.Headers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_registration_without_phone_id_sends_no_phone_id_key(string? phoneId)
    {
        var payload = BuildFcm(SampleNotifications.Full, phoneId);

        Assert.Equal(
            """{"message":{"android":{"priority":"high","data":{"do_sync":"Product,Customer","alert":"hello world","badge":"5","sound":"hello.mp3","vibrate":"2000"},"notification":{"body":"hello world"}}}}""",
            payload.Body);
    }

    [Fact]
    public void Without_a_message_the_push_is_data_only()
    {
        var payload = BuildFcm(SampleNotifications.Silent with { Vibrate = "2000" }, "phone-1");

        Assert.Equal(
            """{"message":{"android":{"priority":"high","data":{"do_sync":"Product,Customer","vibrate":"2000","phone_id":"phone-1"}}}}""",
            payload.Body);
    }

    [Fact]
    public void A_badge_is_sent_as_a_string()
    {
        var payload = BuildFcm(new Notification(null, 12, null, null, []), null);

        Assert.Equal("""{"message":{"android":{"priority":"high","data":{"badge":"12"}}}}""", payload.Body);
    }

    [Fact]
    public void A_ping_without_sources_has_no_do_sync_key()
    {
        var payload = BuildFcm(new Notification("hi", null, null, null, []), null);

        Assert.Equal(
            """{"message":{"android":{"priority":"high","data":{"alert":"hi"},"notification":{"body":"hi"}}}}""",
            payload.Body);
    }

    private static PlatformPayload BuildFcm(Notification notification, string? phoneId)
    {
        var result = PayloadBuilder.Build(Platform.Fcm, notification, phoneId);
        Assert.True(result.Succeeded, result.Error);
        return result.Payload;
    }
}
