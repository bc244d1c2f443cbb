using System.Net;
using PushFunctions.ConformanceTests.Ping;

namespace PushFunctions.ConformanceTests.Registration;

/// <summary>The client rows of the registration table (spec: rhoconnect-ping.md, "Device registration").</summary>
public sealed class ClientRouteTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Creating_a_client_answers_a_32_digit_lowercase_hex_client_id()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);

        using var response = await fixture.PostAsync("/rc/v1/clients", RawContent.Json($$"""{"user_id":"{{userId}}"}"""));

        var body = await RegistrationApi.JsonAsync(response);
        var client = Assert.Single(body.EnumerateObject());
        Assert.Equal("client", client.Name);
        var clientId = Assert.Single(client.Value.EnumerateObject());
        Assert.Equal("client_id", clientId.Name);
        Assert.Matches("^[0-9a-f]{32}$", clientId.Value.GetString());
    }

    [Fact]
    public async Task Every_created_client_gets_a_new_id_listed_under_its_user()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);

        var first = await RegistrationApi.CreateClientAsync(fixture, userId);
        var second = await RegistrationApi.CreateClientAsync(fixture, userId);

        Assert.NotEqual(first, second);
        Assert.Equal(new[] { first, second }.Order(), (await RegistrationApi.ListClientsAsync(fixture, userId)).Order());
    }

    [Fact]
    public async Task Register_writes_the_device_fields_and_get_lists_them_as_strings()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);
        var clientId = await RegistrationApi.CreateClientAsync(fixture, userId);

        await RegistrationApi.RegisterAsync(fixture, clientId,
            "device_type=APPLE&device_push_type=&device_pin=pin-1&device_port=100&phone_id=phone-1&device_app_id=com.example&device_app_version=1.2");

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["device_type"] = "APPLE",
                ["device_push_type"] = "",
                ["device_pin"] = "pin-1",
                ["device_port"] = "100",
                ["phone_id"] = "phone-1",
                ["device_app_id"] = "com.example",
                ["device_app_version"] = "1.2",
            },
            await RegistrationApi.GetFieldsAsync(fixture, clientId));
    }

    [Fact]
    public async Task Register_writes_a_field_present_even_as_empty_and_keeps_an_absent_one()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);
        var clientId = await RegistrationApi.CreateClientAsync(fixture, userId);
        await RegistrationApi.RegisterAsync(fixture, clientId, "device_type=APPLE&device_pin=pin-1&phone_id=phone-1");

        await RegistrationApi.RegisterAsync(fixture, clientId, "device_pin=pin-2&phone_id=");

        var fields = await RegistrationApi.GetFieldsAsync(fixture, clientId);
        Assert.Equal("APPLE", fields["device_type"]);
        Assert.Equal("pin-2", fields["device_pin"]);
        Assert.Equal("", fields["phone_id"]);
    }

    [Fact]
    public async Task Register_takes_the_client_id_from_the_header_before_the_path()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);
        var inHeader = await RegistrationApi.CreateClientAsync(fixture, userId);
        var inPath = await RegistrationApi.CreateClientAsync(fixture, userId);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rc/v1/clients/{inPath}/register")
        {
            Content = RawContent.Form("device_type=ANDROID&device_pin=from-header"),
        };
        request.Headers.Add("X-RhoConnect-API-TOKEN", Testing.Gateway.GatewayHost.ApiToken);
        request.Headers.Add("X-RhoConnect-CLIENT-ID", inHeader);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-header", (await RegistrationApi.GetFieldsAsync(fixture, inHeader))["device_pin"]);
        Assert.False((await RegistrationApi.GetFieldsAsync(fixture, inPath)).ContainsKey("device_pin"));
    }

    [Fact]
    public async Task Registering_with_every_device_field_empty_unregisters_the_device()
    {
        var device = await fixture.AddAppleDeviceAsync();

        await RegistrationApi.RegisterAsync(fixture, device.ClientId,
            "device_type=&device_push_type=&device_pin=&device_port=&phone_id=&device_app_id=&device_app_version=");

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Form($"user_id={device.UserId}&message=gone"));
        var status = await fixture.StatusWhenDoneAsync(await Answers.AcceptedAsync(response));
        var outcome = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal(device.ClientId, outcome.GetProperty("client_id").GetString());
        Assert.Equal("skipped", outcome.GetProperty("outcome").GetString());
        Assert.Equal("not registered", outcome.GetProperty("reason").GetString());
        Assert.Empty(fixture.SentTo(device));
    }

    [Fact]
    public async Task Registering_a_client_for_another_user_moves_it_to_that_user()
    {
        var device = await fixture.AddAppleDeviceAsync();
        var newOwner = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(newOwner);

        await RegistrationApi.RegisterAsync(fixture, device.ClientId, $"user_id={newOwner}&device_app_version=2.0");

        Assert.Empty(await RegistrationApi.ListClientsAsync(fixture, device.UserId));
        Assert.Equal([device.ClientId], await RegistrationApi.ListClientsAsync(fixture, newOwner));
        var fields = await RegistrationApi.GetFieldsAsync(fixture, device.ClientId);
        Assert.Equal(device.Handle, fields["device_pin"]);
        Assert.Equal("2.0", fields["device_app_version"]);

        using var ping = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Form($"user_id={newOwner}&message=moved"));
        var payload = await fixture.DeliveredPayloadAsync(await Answers.AcceptedAsync(ping), device with { UserId = newOwner });
        Assert.Equal("moved", payload.GetProperty("aps").GetProperty("alert").GetString());
    }

    [Fact]
    public async Task Deleting_a_client_answers_client_deleted_and_it_is_gone()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{device.UserId}/clients/{device.ClientId}");

        await RegistrationApi.TextAsync(response, "Client deleted");
        Assert.Empty(await RegistrationApi.ListClientsAsync(fixture, device.UserId));
        using var get = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{device.ClientId}");
        await Answers.RejectedAsync(get, HttpStatusCode.NotFound);
    }
}
