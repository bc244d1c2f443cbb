using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

public sealed class WnsPayloadTests
{
    [Fact]
    public void The_body_is_the_same_flat_object_as_fcm_data()
    {
        var payload = BuildWns(SampleNotifications.Full, "phone-1");

        Assert.Equal(
            """{"do_sync":"Product,Customer","alert":"hello world","badge":"5","sound":"hello.mp3","vibrate":"2000","phone_id":"phone-1"}""",
            payload.Body);
    }

    [Fact]
    public void It_is_a_raw_notification_in_the_windows_format()
    {
        var payload = BuildWns(SampleNotifications.Full, null);

        Assert.Equal(Platform.Wns, payload.Platform);
        Assert.Equal("windows", payload.NotificationHubsFormat);
        Assert.Equal("wns/raw", Assert.Single(payload.Headers, header => header.Key == "X-WNS-Type").Value);
        Assert.Single(payload.Headers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Absent_values_and_an_absent_phone_id_are_left_out(string? phoneId)
    {
        var payload = BuildWns(new Notification(null, null, null, "2000", []), phoneId);

        Assert.Equal("""{"vibrate":"2000"}""", payload.Body);
    }

    private static PlatformPayload BuildWns(Notification notification, string? phoneId)
    {
        var result = PayloadBuilder.Build(Platform.Wns, notification, phoneId);
        Assert.True(result.Succeeded, result.Error);
        return result.Payload;
    }
}
