using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class RoutingTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Theory]
    [InlineData("GET", "/instanceId")]
    [InlineData("PUT", "/instanceId")]
    [InlineData("DELETE", "/instanceId")]
    [InlineData("POST", "/instanceId/")]
    [InlineData("GET", "/instanceId/")]
    [InlineData("POST", "/instanceId?x=1")]
    [InlineData("POST", "/instanceId/abc")]
    [InlineData("PUT", "/instanceId/abc")]
    [InlineData("GET", "/instanceId/abc/def")]
    [InlineData("POST", "/registrations/a/b/c")]
    [InlineData("PUT", "/registrations/a/b")]
    [InlineData("PUT", "/registrations/a/b/c/d")]
    [InlineData("GET", "/registrations/a//c")]
    [InlineData("POST", "/nextMessage/abc")]
    [InlineData("DELETE", "/nextMessage/abc")]
    [InlineData("GET", "/nextMessage")]
    [InlineData("GET", "/nextMessage/a/b")]
    [InlineData("POST", "/messageQueue")]
    [InlineData("POST", "/messageQueue/a/b")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/unknown")]
    [InlineData("HEAD", "/instanceId/abc")]
    [InlineData("OPTIONS", "/instanceId")]
    [InlineData("POST", "/healthz")]
    [InlineData("GET", "/healthz/x")]
    public async Task Wrong_methods_segments_and_unknown_routes_are_403_with_an_empty_body(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = RelayDevice.Basic("alice", RelayFixture.Password);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_healthz_answers_200_for_health_checks()
    {
        using var response = await fixture.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
