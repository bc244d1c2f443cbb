using System.Text.Json;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>JSON bodies shaped like the original documentation's Ruby, .NET and Java backend examples.</summary>
public sealed class BackendExampleTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task A_ruby_style_body_with_the_token_in_it_and_a_user_array_is_delivered()
    {
        var device = await fixture.AddAppleDeviceAsync();
        var body = $$"""{"api_token":"{{Testing.Gateway.GatewayHost.ApiToken}}","user_id":["{{device.UserId}}"],"sources":["Product"],"message":"hello from ruby","vibrate":2000,"sound":"hello.mp3"}""";

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Json(body), token: null);

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        AssertDelivered(payload, "hello from ruby", ["Product"]);
    }

    [Fact]
    public async Task A_dotnet_style_body_with_source_id_and_the_header_token_is_delivered()
    {
        var device = await fixture.AddAppleDeviceAsync();
        var body = $$"""{"user_id":["{{device.UserId}}"],"source_id":["Product","Customer"],"message":"hello from .NET","vibrate":2000,"sound":"hello.mp3"}""";

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Json(body));

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        AssertDelivered(payload, "hello from .NET", ["Product", "Customer"]);
    }

    [Fact]
    public async Task A_java_style_body_with_the_token_in_it_and_vibrate_as_a_string_is_delivered()
    {
        var device = await fixture.AddAppleDeviceAsync();
        var body = $$"""{"api_token":"{{Testing.Gateway.GatewayHost.ApiToken}}","source_id":["Product"],"user_id":["{{device.UserId}}"],"message":"hello from java","vibrate":"2000","sound":"hello.mp3"}""";

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Json(body), token: null);

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        AssertDelivered(payload, "hello from java", ["Product"]);
    }

    [Theory]
    [InlineData("2000")]
    [InlineData("\"2000\"")]
    public async Task Vibrate_as_a_number_or_a_string_is_passed_on_as_a_string(string vibrateJson)
    {
        var device = await fixture.AddAppleDeviceAsync();
        var body = $$"""{"user_id":"{{device.UserId}}","message":"buzz","vibrate":{{vibrateJson}}}""";

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Json(body));

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal("2000", payload.GetProperty("aps").GetProperty("vibrate").GetString());
    }

    private static void AssertDelivered(JsonElement payload, string message, string[] sources)
    {
        var aps = payload.GetProperty("aps");
        Assert.Equal(message, aps.GetProperty("alert").GetString());
        Assert.Equal("hello.mp3", aps.GetProperty("sound").GetString());
        Assert.Equal("2000", aps.GetProperty("vibrate").GetString());
        Assert.Equal(sources, payload.GetProperty("do_sync").EnumerateArray().Select(s => s.GetString()));
    }
}
