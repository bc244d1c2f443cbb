using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

public sealed class RegistrationTests(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task Put_registration_answers_201_with_a_json_token()
    {
        var (_, token) = await fixture.ConnectAsync();

        Assert.Matches("^[0-9a-f]{32}:[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public async Task Repeating_the_put_answers_201_with_the_same_token()
    {
        var (device, token) = await fixture.ConnectAsync();

        Assert.Equal(token, await device.RegisterAsync(RelayFixture.AppName));
    }

    [Fact]
    public async Task Each_app_gets_its_own_token()
    {
        var (device, token) = await fixture.ConnectAsync();

        Assert.NotEqual(token, await device.RegisterAsync(RelayFixture.OtherAppName));
    }

    [Fact]
    public async Task Put_registration_without_the_cookie_is_401()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        await device.CreateInstanceAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Put, device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_registration_with_a_cookie_of_another_instance_is_401()
    {
        var (first, _) = await fixture.ConnectAsync();
        var second = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        await second.CreateInstanceAsync();

        using var request = second.Request(HttpMethod.Put, second.RegistrationPath(RelayFixture.AppName), withCookie: false);
        request.Headers.Add("Cookie", $"instance={first.Cookie}");
        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Put_registration_with_the_instance_id_as_cookie_is_401()
    {
        var device = new RelayDevice(fixture.Client, "alice", RelayFixture.Password);
        var instance = await device.CreateInstanceAsync();

        using var request = device.Request(HttpMethod.Put, device.RegistrationPath(RelayFixture.AppName), withCookie: false);
        request.Headers.Add("Cookie", $"instance={instance}");
        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Put_registration_for_a_user_other_than_the_basic_user_is_401()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Put, $"/registrations/{device.Instance}/bob/{RelayFixture.AppName}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_registration_answers_200_with_the_token()
    {
        var (device, token) = await fixture.ConnectAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(token, await RelayDevice.ReadPropertyAsync(response, "token"));
    }

    [Fact]
    public async Task Get_registration_of_an_unregistered_app_is_404()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var response = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, device.RegistrationPath("neverregistered")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Delete_registration_answers_204_then_404()
    {
        var (device, _) = await fixture.ConnectAsync();

        using var first = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));
        using var second = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));
        using var get = await fixture.Client.SendAsync(device.Request(HttpMethod.Get, device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task After_delete_the_token_is_unknown_to_the_message_queue()
    {
        var (device, token) = await fixture.ConnectAsync();

        using var deleted = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));
        using var posted = await fixture.PostAsync(token, """{"data":{"alert":"x"}}""");

        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
    }

    [Fact]
    public async Task Registering_again_after_delete_gives_a_new_token()
    {
        var (device, token) = await fixture.ConnectAsync();
        using var deleted = await fixture.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));

        Assert.NotEqual(token, await device.RegisterAsync(RelayFixture.AppName));
    }
}
