using System.Net;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Hosting;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task With_storage_stopped_every_route_that_needs_it_answers_503_with_retry_after_and_never_500()
    {
        await using var azurite = await PrivateAzurite.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString });
        await gateway.CreateUserAsync("outage-user");
        await azurite.KillAsync();

        (HttpMethod Method, string Path, HttpContent? Body)[] calls =
        [
            (HttpMethod.Get, "/rc/v1/users", null),
            (HttpMethod.Post, "/rc/v1/users", new FormUrlEncodedContent([new("attributes[login]", "another")])),
            (HttpMethod.Post, "/rc/v1/clients", new FormUrlEncodedContent([new("user_id", "outage-user")])),
            (HttpMethod.Get, "/rc/v1/users/outage-user/clients", null),
            (HttpMethod.Get, "/rc/v1/clients/0123456789abcdef0123456789abcdef", null),
            (HttpMethod.Get, "/rc/v1/pings/0123456789abcdef0123456789abcdef-0", null),
        ];
        foreach (var (method, path, body) in calls)
        {
            using var response = await gateway.SendAuthorizedAsync(method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path} answered {(int)response.StatusCode}");
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        }

        using var health = await gateway.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var live = await gateway.Client.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
