using System.Net;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>The current route and the two deprecated aliases (spec: rhoconnect-ping.md, "Routes").</summary>
public sealed class RouteTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string DeprecationWarning = "299 - \"Deprecated route; use POST /rc/v1/users/ping\"";

    [Fact]
    public async Task The_current_route_delivers_and_answers_without_a_warning()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Form($"user_id={device.UserId}&message=current"));

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal("current", payload.GetProperty("aps").GetProperty("alert").GetString());
        Assert.False(response.Headers.Contains("Warning"));
    }

    [Theory]
    [InlineData("/api/ping")]
    [InlineData("/api/client/ping")]
    public async Task A_deprecated_route_delivers_the_same_and_adds_the_exact_warning(string route)
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(route, RawContent.Form($"user_id={device.UserId}&message=deprecated"));

        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(response), device);
        Assert.Equal("deprecated", payload.GetProperty("aps").GetProperty("alert").GetString());
        Assert.Equal([DeprecationWarning], response.Headers.NonValidated["Warning"]);
    }

    [Theory]
    [InlineData("/api/ping")]
    [InlineData("/api/client/ping")]
    public async Task A_deprecated_route_refuses_a_missing_token_the_same_way_and_still_warns(string route)
    {
        using var response = await fixture.PostAsync(route, RawContent.Form("user_id=someone"), token: null);

        await Answers.RefusedTokenAsync(response);
        Assert.Equal([DeprecationWarning], response.Headers.NonValidated["Warning"]);
    }

    [Theory]
    [InlineData("/api/ping")]
    [InlineData("/api/client/ping")]
    public async Task A_deprecated_route_refuses_a_missing_user_id_the_same_way(string route)
    {
        using var response = await fixture.PostAsync(route, RawContent.Form("message=nobody"));

        Assert.Equal(Answers.UserIdRequired, await Answers.RejectedAsync(response, HttpStatusCode.BadRequest));
    }
}
