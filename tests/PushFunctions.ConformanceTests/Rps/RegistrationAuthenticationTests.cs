using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>
/// The registration calls ask the device authenticator like every other device call, as the original server does
/// (rhoconnect-push 1.2.4, <c>handleRegistration</c>: the instance cookie, then rps_login with the caller's headers, 401
/// on any answer but 204, 503 when rps_login cannot be reached). The instance cookie alone never expires, so it must
/// not be enough.
/// </summary>
public sealed class RegistrationAuthenticationTests : IAsyncLifetime
{
    private RpsLoginServer login = null!;
    private RelayHost relay = null!;

    public static TheoryData<string> RegistrationMethods => ["PUT", "GET", "DELETE"];

    public async Task InitializeAsync()
    {
        login = await RpsLoginServer.StartAsync(
            new Dictionary<string, string> { ["alice"] = RelayFixture.Password, ["bob"] = RelayFixture.Password },
            new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword, [RelayFixture.OtherAppName] = RelayFixture.OtherAppPassword });
        relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = login });
    }

    public async Task DisposeAsync()
    {
        await relay.DisposeAsync();
        await login.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(RegistrationMethods))]
    public async Task The_instance_cookie_without_credentials_is_401(string method)
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        using var response = await relay.Client.SendAsync(device.Request(new HttpMethod(method), device.RegistrationPath(RelayFixture.AppName), withBasic: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(RegistrationMethods))]
    public async Task The_instance_cookie_with_a_wrong_password_is_401(string method)
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var impostor = RelayDevice.Resume(relay.Client, "alice", "wrong-password", device.Instance, device.Cookie);

        using var response = await relay.Client.SendAsync(impostor.Request(new HttpMethod(method), device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(RegistrationMethods))]
    public async Task A_registration_call_the_authenticator_cannot_answer_is_503(string method)
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        // A fresh cookie makes credentials the relay has not accepted before, so no cached yes can answer for them.
        await device.FetchCookieAsync();
        await login.StopAsync();
        using var response = await relay.Client.SendAsync(device.Request(new HttpMethod(method), device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_revoked_user_cannot_keep_registering_with_the_instance_cookie()
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        await device.FetchCookieAsync();

        login.Revoke("alice");
        using var response = await relay.Client.SendAsync(device.Request(HttpMethod.Put, device.RegistrationPath(RelayFixture.OtherAppName)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Another_users_good_credentials_cannot_use_an_instance_issued_to_alice()
    {
        var (alice, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var bob = RelayDevice.Resume(relay.Client, "bob", RelayFixture.Password, alice.Instance, alice.Cookie);

        using var asAlice = await relay.Client.SendAsync(bob.Request(HttpMethod.Get, alice.RegistrationPath(RelayFixture.AppName)));
        using var asBob = await relay.Client.SendAsync(bob.Request(HttpMethod.Put, bob.RegistrationPath(RelayFixture.OtherAppName)));

        Assert.Equal(HttpStatusCode.Unauthorized, asAlice.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asBob.StatusCode);
    }

    [Fact]
    public async Task A_cached_yes_serves_the_registration_calls_without_asking_again()
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var asked = login.DeviceRequests;

        using var again = await relay.Client.SendAsync(device.Request(HttpMethod.Get, device.RegistrationPath(RelayFixture.AppName)));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(asked, login.DeviceRequests);
    }

    /// <summary>A 410 makes the ANS client back off; one app unregistering must not delay the other app's messages.</summary>
    [Fact]
    public async Task Deleting_one_of_two_registrations_leaves_the_waiting_poll_waiting_for_the_other_app()
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var otherToken = await device.RegisterAsync(RelayFixture.OtherAppName);
        var waiting = device.PollAsync();
        await Task.Delay(300);

        using var deleted = await relay.Client.SendAsync(device.Request(HttpMethod.Delete, device.RegistrationPath(RelayFixture.AppName)));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        using var posted = await Backend.PostAsync(relay.Client, otherToken, RelayFixture.OtherAppName, RelayFixture.OtherAppPassword, """{"data":{"alert":"still here"}}""");
        using var response = await waiting;

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("still here", (await RelayDevice.ReadMessageAsync(response)).Data.GetProperty("alert").GetString());
    }
}
