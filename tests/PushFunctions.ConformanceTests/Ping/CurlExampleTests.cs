using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>The two curl commands of the original documentation, sent byte for byte as curl --data sends them.</summary>
public sealed class CurlExampleTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    // The documented commands name "user1"; each test adds a device of its own to that user and looks only at its sends.
    private const string DocumentedUser = "user1";

    [Fact]
    public async Task The_documented_ping_with_sources_all_is_delivered_with_do_sync_all_and_vibrate_2000()
    {
        var payload = await SendLikeCurlAsync("user_id=user1&message=Hello+user&sources[]=all&vibrate=2000");

        AssertSyncAndVibrate(payload, ["all"]);
    }

    [Fact]
    public async Task The_documented_ping_with_two_sources_is_delivered_with_both_in_do_sync_and_vibrate_2000()
    {
        var payload = await SendLikeCurlAsync("user_id=user1&message=Hello+user&sources[]=Product&sources[]=Customer&vibrate=2000");

        AssertSyncAndVibrate(payload, ["Product", "Customer"]);
    }

    private async Task<JsonElement> SendLikeCurlAsync(string data)
    {
        var device = await fixture.AddAppleDeviceAsync(DocumentedUser);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rc/v1/users/ping")
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes(data)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(RawContent.FormType);
        request.Headers.TryAddWithoutValidation("User-Agent", "curl/8.5.0");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.Add("X-RhoConnect-API-TOKEN", Testing.Gateway.GatewayHost.ApiToken);

        using var response = await fixture.Client.SendAsync(request);

        var pingId = await Answers.AcceptedAsync(response);
        return await fixture.DeliveredPayloadAsync(pingId, device);
    }

    private static void AssertSyncAndVibrate(JsonElement payload, string[] sources)
    {
        Assert.Equal(sources, payload.GetProperty("do_sync").EnumerateArray().Select(s => s.GetString()));
        var aps = payload.GetProperty("aps");
        Assert.Equal("2000", aps.GetProperty("vibrate").GetString());
        Assert.Equal("Hello user", aps.GetProperty("alert").GetString());
    }
}
