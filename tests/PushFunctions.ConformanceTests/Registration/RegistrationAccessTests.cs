using System.Net;
using PushFunctions.ConformanceTests.Ping;

namespace PushFunctions.ConformanceTests.Registration;

/// <summary>
/// Every registration route refuses a caller without the API token (422, as the ping) and answers 404, never 500, for an
/// unknown user or client (spec: rhoconnect-ping.md, "Device registration").
/// </summary>
public sealed class RegistrationAccessTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string UnknownClientId = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string> EveryRoute => new()
    {
        { "POST", "/rc/v1/clients" },
        { "POST", $"/rc/v1/clients/{UnknownClientId}/register" },
        { "GET", "/rc/v1/users" },
        { "POST", "/rc/v1/users" },
        { "DELETE", "/rc/v1/users/someone" },
        { "GET", "/rc/v1/users/someone/clients" },
        { "GET", $"/rc/v1/clients/{UnknownClientId}" },
        { "DELETE", $"/rc/v1/users/someone/clients/{UnknownClientId}" },
    };

    public static TheoryData<string> UnknownClientIds => [UnknownClientId, "not-a-client-id"];

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Every_route_without_a_token_is_422(string method, string path)
    {
        using var response = await fixture.SendAsync(new HttpMethod(method), path, RawContent.Form("user_id=someone"), token: null);

        await Answers.RefusedTokenAsync(response);
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Every_route_with_a_wrong_token_is_422(string method, string path)
    {
        using var response = await fixture.SendAsync(new HttpMethod(method), path, RawContent.Form("user_id=someone"), token: "not-a-valid-token");

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task Creating_a_client_for_an_unknown_user_is_404()
    {
        using var response = await fixture.PostAsync("/rc/v1/clients", RawContent.Form($"user_id={GatewayFixture.NewUserId()}"));

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Creating_a_client_without_a_user_is_400()
    {
        using var response = await fixture.PostAsync("/rc/v1/clients", RawContent.Form("device_type=APPLE"));

        Assert.Equal(Answers.UserIdRequired, await Answers.RejectedAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [MemberData(nameof(UnknownClientIds))]
    public async Task Registering_an_unknown_client_is_404(string clientId)
    {
        using var response = await fixture.PostAsync($"/rc/v1/clients/{clientId}/register", RawContent.Form("device_type=APPLE&device_pin=pin"));

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Registering_a_client_for_an_unknown_user_is_404_and_leaves_it_where_it_was()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.PostAsync(
            $"/rc/v1/clients/{device.ClientId}/register", RawContent.Form($"user_id={GatewayFixture.NewUserId()}&device_pin=elsewhere"));

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
        Assert.Equal([device.ClientId], await RegistrationApi.ListClientsAsync(fixture, device.UserId));
        Assert.Equal(device.Handle, (await RegistrationApi.GetFieldsAsync(fixture, device.ClientId))["device_pin"]);
    }

    [Theory]
    [MemberData(nameof(UnknownClientIds))]
    public async Task Getting_an_unknown_client_is_404(string clientId)
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{clientId}");

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_an_unknown_user_is_404()
    {
        using var response = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{GatewayFixture.NewUserId()}");

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Listing_the_clients_of_an_unknown_user_is_404()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/users/{GatewayFixture.NewUserId()}/clients");

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(UnknownClientIds))]
    public async Task Deleting_an_unknown_client_of_a_known_user_is_404(string clientId)
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);

        using var response = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{userId}/clients/{clientId}");

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_client_under_a_user_it_does_not_belong_to_is_404_and_keeps_it()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{GatewayFixture.NewUserId()}/clients/{device.ClientId}");

        await Answers.RejectedAsync(response, HttpStatusCode.NotFound);
        Assert.Equal([device.ClientId], await RegistrationApi.ListClientsAsync(fixture, device.UserId));
    }
}
