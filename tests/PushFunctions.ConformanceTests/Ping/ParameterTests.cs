using System.Net;
using System.Text.Json;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>Every row of the parameter table (spec: rhoconnect-ping.md, "Parameters").</summary>
public sealed class ParameterTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Route = "/rc/v1/users/ping";

    [Fact]
    public async Task User_id_as_an_array_notifies_every_user()
    {
        var first = await fixture.AddAppleDeviceAsync();
        var second = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":["{{first.UserId}}","{{second.UserId}}"],"message":"all of you"}""");

        await fixture.DeliveredPayloadAsync(pingId, first);
        await fixture.DeliveredPayloadAsync(pingId, second);
    }

    [Fact]
    public async Task Duplicate_user_ids_are_notified_once()
    {
        var first = await fixture.AddAppleDeviceAsync();
        var second = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":["{{first.UserId}}","{{second.UserId}}","{{first.UserId}}"],"message":"once"}""");

        await fixture.DeliveredPayloadAsync(pingId, first);
        await fixture.DeliveredPayloadAsync(pingId, second);
        var status = await fixture.StatusWhenDoneAsync(pingId);
        Assert.Equal(2, status.GetProperty("users").GetInt32());
    }

    [Theory]
    [InlineData("{\"message\":\"nobody\"}")]
    [InlineData("{\"user_id\":\"\",\"message\":\"nobody\"}")]
    [InlineData("{\"user_id\":[],\"message\":\"nobody\"}")]
    [InlineData("{\"user_id\":[\"\"],\"message\":\"nobody\"}")]
    [InlineData("{\"user_id\":null,\"message\":\"nobody\"}")]
    public async Task A_missing_or_empty_user_id_in_json_is_400_user_id_is_required(string body)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json(body));

        Assert.Equal(Answers.UserIdRequired, await Answers.RejectedAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("message=nobody")]
    [InlineData("user_id=&message=nobody")]
    [InlineData("user_id[]=&message=nobody")]
    public async Task A_missing_or_empty_user_id_in_a_form_is_400_user_id_is_required(string body)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form(body));

        Assert.Equal(Answers.UserIdRequired, await Answers.RejectedAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task More_than_10000_users_is_400()
    {
        // Three-character names keep 10,001 users under the 64 KiB body limit, so the user count is what is refused.
        var users = Enumerable.Range(0, 10_001).Select(i => JsonSerializer.Serialize(ToBase36(i)));

        using var response = await fixture.PostAsync(Route, RawContent.Json($$"""{"user_id":[{{string.Join(',', users)}}]}"""));

        Assert.Contains("user_id", await Answers.RejectedAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Product,Customer\"")]
    [InlineData("\" Product , ,Customer,, \"")]
    [InlineData("[\"Product\",\" Customer \"]")]
    [InlineData("[\"Product, Customer\",\"\"]")]
    public async Task Sources_are_split_on_commas_trimmed_and_empties_dropped(string sourcesJson)
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","sources":{{sourcesJson}}}""");

        var payload = await fixture.DeliveredPayloadAsync(pingId, device);
        Assert.Equal(["Product", "Customer"], DoSync(payload));
    }

    [Fact]
    public async Task Sources_in_a_form_string_are_split_on_commas()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(Route, RawContent.Form($"user_id={device.UserId}&sources=Product%2C+Customer"));

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal(["Product", "Customer"], DoSync(payload));
    }

    [Fact]
    public async Task Source_id_alone_is_honoured_as_sources()
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","source_id":"Product"}""");

        Assert.Equal(["Product"], DoSync(await fixture.DeliveredPayloadAsync(pingId, device)));
    }

    [Fact]
    public async Task Source_id_is_merged_with_sources()
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","sources":["Product"],"source_id":["Customer"]}""");

        Assert.Equal(["Product", "Customer"], DoSync(await fixture.DeliveredPayloadAsync(pingId, device)));
    }

    [Fact]
    public async Task Absent_sources_leave_do_sync_out()
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","message":"no sync"}""");

        Assert.False((await fixture.DeliveredPayloadAsync(pingId, device)).TryGetProperty("do_sync", out _));
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("\"7\"", 7)]
    [InlineData("0", 0)]
    public async Task Badge_as_an_integer_or_a_digit_string_is_the_badge_count(string badgeJson, int expected)
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","message":"count","badge":{{badgeJson}}}""");

        var payload = await fixture.DeliveredPayloadAsync(pingId, device);
        Assert.Equal(expected, payload.GetProperty("aps").GetProperty("badge").GetInt32());
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("-1")]
    [InlineData("\"-1\"")]
    [InlineData("1.5")]
    [InlineData("\"1.5\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    public async Task Any_other_badge_is_400(string badgeJson)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json($$"""{"user_id":"someone","badge":{{badgeJson}}}"""));

        Assert.Contains("badge", await Answers.RejectedAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Badge_abc_in_a_form_is_400()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form("user_id=someone&badge=abc"));

        Assert.Contains("badge", await Answers.RejectedAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_and_sound_become_the_alert_text_and_sound()
    {
        var device = await fixture.AddAppleDeviceAsync();

        var pingId = await PingAsync($$"""{"user_id":"{{device.UserId}}","message":"Hello user","sound":"welcome.mp3"}""");

        var aps = (await fixture.DeliveredPayloadAsync(pingId, device)).GetProperty("aps");
        Assert.Equal("Hello user", aps.GetProperty("alert").GetString());
        Assert.Equal("welcome.mp3", aps.GetProperty("sound").GetString());
    }

    [Fact]
    public async Task Async_and_the_per_device_parameters_and_unknown_ones_are_ignored()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(Route, RawContent.Form(
            $"user_id={device.UserId}&message=ignored&async=true&phone_id=other-phone&device_pin=other-pin&device_port=100" +
            "&device_app_id=other.app&device_app_version=9.9&something_else[]=x"));

        var pingId = await Answers.AcceptedAsync(response);
        var payload = await fixture.DeliveredPayloadAsync(pingId, device);
        Assert.Equal("ignored", payload.GetProperty("aps").GetProperty("alert").GetString());
        Assert.DoesNotContain(fixture.Host.LogChannel.Sent, s => s.Handle == "other-pin");
    }

    private async Task<string> PingAsync(string json)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json(json));
        return await Answers.AcceptedAsync(response);
    }

    private static List<string?> DoSync(JsonElement payload) =>
        payload.GetProperty("do_sync").EnumerateArray().Select(s => s.GetString()).ToList();

    private static string ToBase36(int value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        return new string([digits[value / (36 * 36)], digits[value / 36 % 36], digits[value % 36]]);
    }
}
