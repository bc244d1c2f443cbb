using System.Globalization;
using System.Text.Json;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

public sealed class PayloadSizeLimitTests
{
    private const string Ellipsis = "…";

    public static TheoryData<Platform> Platforms => [Platform.Apple, Platform.Fcm, Platform.Wns, Platform.RhoConnectPush];

    /// <summary>Every platform with single characters of 1, 2, 3 and 4 UTF-8 bytes, and their size once written as JSON.</summary>
    public static TheoryData<Platform, string, int> PlatformsAndCharacters
    {
        get
        {
            var data = new TheoryData<Platform, string, int>();
            foreach (var platform in Platforms)
            {
                data.Add(platform, "a", 1);
                data.Add(platform, "é", 2);
                data.Add(platform, "中", 3);

                // Escaped as a \uXXXX\uXXXX surrogate pair: at most 12 bytes.
                data.Add(platform, "😀", 12);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PlatformsAndCharacters))]
    public void A_long_alert_is_cut_on_a_character_boundary_to_fill_the_limit_and_ends_with_an_ellipsis(
        Platform platform, string character, int maximumBytesPerCharacter)
    {
        var message = string.Concat(Enumerable.Repeat(character, 6000));

        var payload = Build(platform, SampleNotifications.WithMessage(message));

        var limitedBytes = PayloadInspection.LimitedPartBytes(payload).Length;
        var limit = PayloadInspection.ByteLimitOf(platform);
        Assert.InRange(limitedBytes, limit - maximumBytesPerCharacter + 1, limit);
        var alert = PayloadInspection.Alert(payload);
        Assert.EndsWith(Ellipsis, alert, StringComparison.Ordinal);
        var kept = alert[..^Ellipsis.Length];
        Assert.StartsWith(kept, message, StringComparison.Ordinal);
        Assert.Equal(0, kept.Length % character.Length);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void An_alert_that_exactly_fills_the_limit_is_sent_whole_and_one_byte_more_is_shortened(Platform platform)
    {
        var limit = PayloadInspection.ByteLimitOf(platform);
        var withoutText = PayloadInspection.LimitedPartBytes(Build(platform, SampleNotifications.WithMessage(""))).Length;
        var fitting = new string('a', limit - withoutText);

        var whole = Build(platform, SampleNotifications.WithMessage(fitting));
        var shortened = Build(platform, SampleNotifications.WithMessage(fitting + "b"));

        Assert.Equal(limit, PayloadInspection.LimitedPartBytes(whole).Length);
        Assert.Equal(fitting, PayloadInspection.Alert(whole));
        Assert.Equal(string.Concat(fitting.AsSpan(0, fitting.Length - 3), Ellipsis), PayloadInspection.Alert(shortened));
    }

    [Fact]
    public void The_fcm_notification_shows_the_same_shortened_alert_as_the_data()
    {
        var payload = Build(Platform.Fcm, SampleNotifications.WithMessage(new string('x', 5000)));

        using var document = JsonDocument.Parse(payload.Body);
        var notificationBody = document.RootElement.GetProperty("message").GetProperty("android")
            .GetProperty("notification").GetProperty("body").GetString();
        Assert.Equal(PayloadInspection.Alert(payload), notificationBody);
        Assert.EndsWith(Ellipsis, notificationBody, StringComparison.Ordinal);
    }

    /// <summary>Every platform with text elements made of several UTF-16 characters.</summary>
    public static TheoryData<Platform, string> PlatformsAndTextElements
    {
        get
        {
            var data = new TheoryData<Platform, string>();
            foreach (var platform in Platforms)
            {
                data.Add(platform, "👨‍👩‍👧");
                data.Add(platform, "e\u0301");
                data.Add(platform, "🇫🇷");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PlatformsAndTextElements))]
    public void The_cut_never_splits_a_text_element(Platform platform, string element)
    {
        var message = string.Concat(Enumerable.Repeat(element, 2000));

        var payload = Build(platform, SampleNotifications.WithMessage(message));

        var kept = PayloadInspection.Alert(payload)[..^Ellipsis.Length];
        Assert.True(kept.Length > 0);
        Assert.Equal(0, kept.Length % element.Length);
        Assert.Contains(kept.Length, StringInfo.ParseCombiningCharacters(message));
    }

    [Fact]
    public void A_huge_alert_is_shortened_too()
    {
        var message = string.Concat(Enumerable.Repeat("中😀", 30_000));

        var payload = Build(Platform.Wns, SampleNotifications.WithMessage(message));

        Assert.InRange(PayloadInspection.LimitedPartBytes(payload).Length, 5120 - 12, 5120);
        Assert.EndsWith(Ellipsis, PayloadInspection.Alert(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_in_the_message_still_gives_valid_utf8_json()
    {
        var payload = Build(Platform.Apple, SampleNotifications.WithMessage("bad \uD800 text"));

        Assert.Equal("bad \uFFFD text", PayloadInspection.Alert(payload));
        Assert.NotEmpty(PayloadInspection.LimitedPartBytes(payload));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void A_sound_name_larger_than_the_limit_makes_the_payload_too_large(Platform platform)
    {
        var notification = SampleNotifications.Full with { Sound = new string('s', 6000) };

        var result = PayloadBuilder.Build(platform, notification, "phone-1");

        Assert.False(result.Succeeded);
        Assert.Null(result.Payload);
        Assert.Equal("payload too large", result.Error);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Thousands_of_sources_make_the_payload_too_large_even_when_silent(Platform platform)
    {
        var sources = Enumerable.Range(0, 2000).Select(index => $"Source{index}").ToList();

        var loud = PayloadBuilder.Build(platform, SampleNotifications.Full with { Sources = sources }, null);
        var silent = PayloadBuilder.Build(platform, SampleNotifications.Silent with { Sources = sources }, null);

        Assert.Equal(PayloadResult.PayloadTooLarge, loud.Error);
        Assert.Equal(PayloadResult.PayloadTooLarge, silent.Error);
    }

    [Fact]
    public void A_payload_is_too_large_when_even_a_bare_ellipsis_does_not_fit()
    {
        var limit = PayloadInspection.ByteLimitOf(Platform.Apple);
        var withoutSound = PayloadInspection.LimitedPartBytes(Build(Platform.Apple, new Notification("", null, "", null, []))).Length;

        // Room for a two-character alert, but not for the three bytes of "…" once the original alert is too long.
        var notification = new Notification("abc", null, new string('s', limit - withoutSound - 2), null, []);

        Assert.Equal(PayloadResult.PayloadTooLarge, PayloadBuilder.Build(Platform.Apple, notification, null).Error);
        Assert.True(PayloadBuilder.Build(Platform.Apple, notification with { Message = "ab" }, null).Succeeded);
    }

    private static PlatformPayload Build(Platform platform, Notification notification)
    {
        var result = PayloadBuilder.Build(platform, notification, "phone-1");
        Assert.True(result.Succeeded, result.Error);
        return result.Payload;
    }
}
