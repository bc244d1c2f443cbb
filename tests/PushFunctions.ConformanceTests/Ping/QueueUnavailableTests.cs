using System.Net;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>
/// "200 means the ping is durably on the queue": with storage gone the gateway answers 503 with Retry-After, never
/// 200 and never 500. Runs on an Azurite of its own, which it kills.
/// </summary>
public sealed class QueueUnavailableTests : IAsyncLifetime
{
    private const string Route = "/rc/v1/users/ping";
    private PrivateAzurite _azurite = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _azurite = await PrivateAzurite.StartAsync();
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = _azurite.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task With_storage_stopped_a_ping_is_503_with_retry_after_on_every_route_and_never_500()
    {
        using (var before = await _gateway.SendAuthorizedAsync(HttpMethod.Post, Route, RawContent.Form("user_id=someone&message=before")))
        {
            await Answers.AcceptedAsync(before);
        }

        await _azurite.KillAsync();

        foreach (var (route, content) in ((string Route, HttpContent Content)[])[
            (Route, RawContent.Form("user_id=someone&message=after")),
            (Route, RawContent.Json("{\"user_id\":[\"someone\",\"another\"],\"message\":\"after\"}")),
            ("/api/ping", RawContent.Form("user_id=someone")),
            ("/api/client/ping", RawContent.Form("user_id=someone"))])
        {
            using var response = await _gateway.SendAuthorizedAsync(HttpMethod.Post, route, content);

            await Answers.RejectedAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(response.Headers.RetryAfter.Delta > TimeSpan.Zero || response.Headers.RetryAfter.Date is not null, "Retry-After names a wait.");
        }
    }

    [Fact]
    public async Task With_storage_stopped_requests_the_contract_refuses_are_still_refused_with_their_4xx()
    {
        await _azurite.KillAsync();

        using (var noToken = await _gateway.Client.PostAsync(new Uri(Route, UriKind.Relative), RawContent.Form("user_id=someone")))
        {
            await Answers.RefusedTokenAsync(noToken);
        }

        using var noUser = await _gateway.SendAuthorizedAsync(HttpMethod.Post, Route, RawContent.Form("message=nobody"));
        Assert.Equal(Answers.UserIdRequired, await Answers.RejectedAsync(noUser, HttpStatusCode.BadRequest));
    }
}
