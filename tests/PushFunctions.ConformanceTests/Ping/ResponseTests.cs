namespace PushFunctions.ConformanceTests.Ping;

/// <summary>The 200 answer and what a ping to nobody reachable records (spec: rhoconnect-ping.md, "Response").</summary>
public sealed class ResponseTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Route = "/rc/v1/users/ping";

    [Fact]
    public async Task Success_is_200_json_with_no_cache_headers_and_only_the_ping_id()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(Route, RawContent.Form($"user_id={device.UserId}&message=hi"));

        // AcceptedAsync asserts the status, Content-Type, Cache-Control, Pragma and the exact {"ping_id":"..."} body.
        var pingId = await Answers.AcceptedAsync(response);
        var status = await fixture.StatusWhenDoneAsync(pingId);
        Assert.Equal(pingId, status.GetProperty("ping_id").GetString());
    }

    [Fact]
    public async Task Every_ping_gets_its_own_id()
    {
        using var first = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"));
        using var second = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"));

        Assert.NotEqual(await Answers.AcceptedAsync(first), await Answers.AcceptedAsync(second));
    }

    [Fact]
    public async Task An_unknown_user_is_still_200_and_the_status_records_unknown_user()
    {
        var userId = GatewayFixture.NewUserId();

        using var response = await fixture.PostAsync(Route, RawContent.Form($"user_id={userId}&message=anyone"));

        var status = await fixture.StatusWhenDoneAsync(await Answers.AcceptedAsync(response));
        var device = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal(userId, device.GetProperty("user_id").GetString());
        Assert.Equal("skipped", device.GetProperty("outcome").GetString());
        Assert.Equal("unknown user", device.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_user_without_devices_is_still_200_and_the_status_records_no_devices()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);

        using var response = await fixture.PostAsync(Route, RawContent.Form($"user_id={userId}&message=anyone"));

        var status = await fixture.StatusWhenDoneAsync(await Answers.AcceptedAsync(response));
        var device = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal("skipped", device.GetProperty("outcome").GetString());
        Assert.Equal("no devices", device.GetProperty("reason").GetString());
    }
}
