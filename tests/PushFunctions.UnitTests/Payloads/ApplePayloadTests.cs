using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

public sealed class ApplePayloadTests
{
    [Fact]
    public void The_spec_example_is_produced_byte_for_byte()
    {
        var payload = BuildApple(SampleNotifications.Full);

        Assert.Equal(
            """{"aps":{"alert":"hello world","badge":5,"sound":"hello.mp3","vibrate":"2000"},"do_sync":["Product","Customer"]}""",
            payload.Body);
    }

    [Fact]
    public void A_visible_push_is_an_alert_with_priority_10_in_the_apple_format()
    {
        var payload = BuildApple(SampleNotifications.Full);

        Assert.Equal(Platform.Apple, payload.Platform);
        Assert.Equal("apple", payload.NotificationHubsFormat);
        Assert.Equal(2, payload.Headers.Count);
        Assert.Equal("alert", payload.Headers["apns-push-type"]);
        Assert.Equal("10", payload.Headers["apns-priority"]);
    }

    [Fact]
    public void A_ping_without_message_badge_or_sound_is_a_background_push_with_priority_5()
    {
        var payload = BuildApple(SampleNotifications.Silent with { Vibrate = "2000" });

        Assert.Equal("""{"aps":{"content-available":1},"do_sync":["Product","Customer"]}""", payload.Body);
        Assert.Equal("background", payload.Headers["apns-push-type"]);
        Assert.Equal("5", payload.Headers["apns-priority"]);
    }

    [Fact]
    public void A_badge_alone_makes_a_visible_push_with_the_badge_as_a_number()
    {
        var payload = BuildApple(new Notification(null, 7, null, null, []));

        Assert.Equal("""{"aps":{"badge":7}}""", payload.Body);
        Assert.Equal("alert", payload.Headers["apns-push-type"]);
    }

    [Fact]
    public void Absent_values_are_left_out_rather_than_sent_empty()
    {
        var payload = BuildApple(new Notification("hi", null, null, null, ["all"]));

        Assert.Equal("""{"aps":{"alert":"hi"},"do_sync":["all"]}""", payload.Body);
    }

    [Fact]
    public void A_ping_without_sources_has_no_do_sync_key()
    {
        Assert.Equal(
            """{"aps":{"alert":"hello world","badge":5,"sound":"hello.mp3","vibrate":"2000"}}""",
            BuildApple(SampleNotifications.Full with { Sources = [] }).Body);
        Assert.Equal(
            """{"aps":{"content-available":1}}""",
            BuildApple(SampleNotifications.Silent with { Sources = [] }).Body);
    }

    [Fact]
    public void The_phone_id_is_not_part_of_the_apple_payload()
    {
        var payload = BuildApple(SampleNotifications.Full, phoneId: "phone-1");

        Assert.DoesNotContain("phone", payload.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_ascii_and_html_characters_stay_readable_while_json_specials_are_escaped()
    {
        var payload = BuildApple(new Notification("Grüße 中文 <b>&'\"\\\n", null, null, null, []));

        Assert.Equal("""{"aps":{"alert":"Grüße 中文 <b>&'\"\\\n"}}""", payload.Body);
    }

    private static PlatformPayload BuildApple(Notification notification, string? phoneId = null)
    {
        var result = PayloadBuilder.Build(Platform.Apple, notification, phoneId);
        Assert.True(result.Succeeded, result.Error);
        return result.Payload;
    }
}
