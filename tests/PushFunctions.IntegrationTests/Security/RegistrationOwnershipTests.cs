using System.Net;
using System.Text.Json;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// A device session acts for its own user only; the API token acts for any user (spec: rhoconnect-ping.md, "Device
/// registration"). Every registration route is tried with each credential on the caller's own client, another user's
/// client and an unknown client, and what each call changed is read back.
/// </summary>
public sealed class RegistrationOwnershipTests(DeviceSessionFixture fixture) : IClassFixture<DeviceSessionFixture>
{
    private DeviceSessionGateway Gateway => fixture.Gateway;

    [Fact]
    public async Task A_session_cannot_move_another_users_client_to_itself_and_the_other_users_pings_still_reach_their_device()
    {
        var (alice, bob) = (await Gateway.CreateUserAsync("alice"), await Gateway.CreateUserAsync("bob"));
        var bobsHandle = "bob-handle-" + Guid.NewGuid().ToString("N");
        var bobsClient = await Gateway.Host.RegisterDeviceAsync(bob, Apple(bobsHandle));
        var aliceSession = await Gateway.OpenSessionAsync(alice);

        using var byPath = await Gateway.SendAsync(HttpMethod.Post, $"/rc/v1/clients/{bobsClient}/register", Form(Apple("alice-handle")), aliceSession);
        var ownClient = await Gateway.Host.RegisterDeviceAsync(alice, Apple("alice-own"));
        using var byHeader = await Gateway.SendAsync(
            HttpMethod.Post, $"/rc/v1/clients/{ownClient}/register", Form(Apple("alice-handle")), aliceSession,
            headers: new Dictionary<string, string> { ["X-RhoConnect-CLIENT-ID"] = bobsClient });

        Assert.Equal(HttpStatusCode.Forbidden, byPath.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byHeader.StatusCode);
        var client = await Gateway.ReadClientAsync(bobsClient, alice, bob);
        Assert.Equal(bob, client?.User);
        Assert.Equal(bobsHandle, client?.Fields["device_pin"]);
        var status = await Gateway.Host.WaitForPingAsync(await Gateway.Host.PingAsync(new("user_id", bob), new("message", "for bob")));
        var device = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal(bobsClient, device.GetProperty("client_id").GetString());
        Assert.Equal("sent", device.GetProperty("outcome").GetString());
        Assert.Contains(Gateway.Host.LogChannel.Sent, sent => sent.Handle == bobsHandle && sent.UserId == bob);
        Assert.DoesNotContain(Gateway.Host.LogChannel.Sent, sent => sent.Handle == "alice-handle");
    }

    [Fact]
    public async Task Every_registration_route_lets_a_session_act_only_on_its_own_users_clients()
    {
        var (alice, bob) = (await Gateway.CreateUserAsync("alice"), await Gateway.CreateUserAsync("bob"));
        var nobody = DeviceSessionGateway.NewUserId("nobody");
        var own = await Gateway.Host.RegisterDeviceAsync(alice, Apple("a1"));
        var bobs = await Gateway.Host.RegisterDeviceAsync(bob, Apple("b1"));
        var (unknown, unknownToRead) = (DeviceSessionGateway.NewClientId(), DeviceSessionGateway.NewClientId());
        var session = await Gateway.OpenSessionAsync(alice);
        var cells = new Matrix();

        await cells.ExpectAsync("create, no user_id", Post("/rc/v1/clients", "", session), HttpStatusCode.OK);
        await cells.ExpectAsync("create, own user", Post("/rc/v1/clients", $"user_id={alice}", session), HttpStatusCode.OK);
        await cells.ExpectAsync("create, another user", Post("/rc/v1/clients", $"user_id={bob}", session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("create, unknown user", Post("/rc/v1/clients", $"user_id={nobody}", session), HttpStatusCode.Forbidden);
        Assert.Equal(3, (await Gateway.ListClientsAsync(alice)).Count);
        Assert.Equal([bobs], await Gateway.ListClientsAsync(bob));

        await cells.ExpectAsync("register, own client", Post($"/rc/v1/clients/{own}/register", "device_pin=a2", session), HttpStatusCode.OK);
        await cells.ExpectAsync("register, another user's client", Post($"/rc/v1/clients/{bobs}/register", "device_pin=stolen", session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("register, own client for another user", Post($"/rc/v1/clients/{own}/register", $"user_id={bob}&device_pin=gift", session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("register, unknown client", Post($"/rc/v1/clients/{unknown}/register", "device_type=APPLE&device_pin=a3", session), HttpStatusCode.OK);
        await cells.ExpectAsync("register, not a client id", Post("/rc/v1/clients/not-a-client-id/register", "device_pin=a4", session), HttpStatusCode.BadRequest);
        Assert.Equal((alice, "a2"), Owner(await Gateway.ReadClientAsync(own, alice, bob)));
        Assert.Equal((bob, "b1"), Owner(await Gateway.ReadClientAsync(bobs, alice, bob)));
        Assert.Equal((alice, "a3"), Owner(await Gateway.ReadClientAsync(unknown, alice, bob)));

        await cells.ExpectAsync("read, own client", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{own}", session: session), HttpStatusCode.OK);
        await cells.ExpectAsync("read, another user's client", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{bobs}", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("read, unknown client", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{unknownToRead}", session: session), HttpStatusCode.NotFound);
        await cells.ExpectAsync("list, own user", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{alice}/clients", session: session), HttpStatusCode.OK);
        await cells.ExpectAsync("list, another user", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{bob}/clients", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("list, unknown user", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{nobody}/clients", session: session), HttpStatusCode.Forbidden);

        await cells.ExpectAsync("delete, another user's client under own user", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{alice}/clients/{bobs}", session: session), HttpStatusCode.NotFound);
        await cells.ExpectAsync("delete, another user's client", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{bob}/clients/{bobs}", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("delete, unknown client", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{alice}/clients/{unknownToRead}", session: session), HttpStatusCode.NotFound);
        await cells.ExpectAsync("delete, own client", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{alice}/clients/{own}", session: session), HttpStatusCode.OK);
        Assert.Equal([bobs], await Gateway.ListClientsAsync(bob));
        Assert.Null(await Gateway.ReadClientAsync(own));

        // User routes are the backend's, as in RhoConnect: a device cannot remove its user and that user's other devices.
        await cells.ExpectAsync("delete, own user", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{alice}", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("delete, another user", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{bob}", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("list users", Gateway.SendAsync(HttpMethod.Get, "/rc/v1/users", session: session), HttpStatusCode.Forbidden);
        await cells.ExpectAsync("create user", Post("/rc/v1/users", "attributes[login]=mallory", session), HttpStatusCode.Forbidden);
        Assert.Contains(unknown, await Gateway.ListClientsAsync(alice));

        cells.AssertAll();
    }

    [Fact]
    public async Task Every_registration_route_with_the_api_token_acts_for_any_user_and_an_unknown_client_stays_404()
    {
        var (alice, bob) = (await Gateway.CreateUserAsync("alice"), await Gateway.CreateUserAsync("bob"));
        var nobody = DeviceSessionGateway.NewUserId("nobody");
        var own = await Gateway.Host.RegisterDeviceAsync(alice, Apple("a1"));
        var (bobs, bobsOther) = (await Gateway.Host.RegisterDeviceAsync(bob, Apple("b1")), await Gateway.Host.RegisterDeviceAsync(bob, Apple("b2")));
        var unknown = DeviceSessionGateway.NewClientId();
        var cells = new Matrix();

        await cells.ExpectAsync("create, a user", Post("/rc/v1/clients", $"user_id={alice}"), HttpStatusCode.OK);
        await cells.ExpectAsync("create, unknown user", Post("/rc/v1/clients", $"user_id={nobody}"), HttpStatusCode.NotFound);
        await cells.ExpectAsync("create, no user", Post("/rc/v1/clients", ""), HttpStatusCode.BadRequest);

        await cells.ExpectAsync("register, the client's user", Post($"/rc/v1/clients/{own}/register", "device_pin=a2"), HttpStatusCode.OK);
        await cells.ExpectAsync("register, moving a client to another user", Post($"/rc/v1/clients/{bobs}/register", $"user_id={alice}&device_pin=b1-moved"), HttpStatusCode.OK);
        await cells.ExpectAsync("register, unknown client", Post($"/rc/v1/clients/{unknown}/register", "device_type=APPLE&device_pin=x"), HttpStatusCode.NotFound);
        await cells.ExpectAsync("register, unknown client for a user", Post($"/rc/v1/clients/{unknown}/register", $"user_id={alice}&device_pin=x"), HttpStatusCode.NotFound);
        Assert.Equal((alice, "a2"), Owner(await Gateway.ReadClientAsync(own, alice, bob)));
        Assert.Equal((alice, "b1-moved"), Owner(await Gateway.ReadClientAsync(bobs, alice, bob)));
        Assert.Null(await Gateway.ReadClientAsync(unknown));

        await cells.ExpectAsync("read, any client", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{bobsOther}", token: true), HttpStatusCode.OK);
        await cells.ExpectAsync("read, unknown client", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{unknown}", token: true), HttpStatusCode.NotFound);
        await cells.ExpectAsync("list, any user", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{bob}/clients", token: true), HttpStatusCode.OK);
        await cells.ExpectAsync("list, unknown user", Gateway.SendAsync(HttpMethod.Get, $"/rc/v1/users/{nobody}/clients", token: true), HttpStatusCode.NotFound);
        await cells.ExpectAsync("delete, a client under a user it does not belong to", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{alice}/clients/{bobsOther}", token: true), HttpStatusCode.NotFound);
        await cells.ExpectAsync("delete, unknown client", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{bob}/clients/{unknown}", token: true), HttpStatusCode.NotFound);
        await cells.ExpectAsync("delete, any user's client", Gateway.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{bob}/clients/{bobsOther}", token: true), HttpStatusCode.OK);
        Assert.Empty(await Gateway.ListClientsAsync(bob));

        cells.AssertAll();
    }

    [Fact]
    public async Task A_device_that_kept_its_RhoConnect_client_id_registers_with_its_session_and_receives_pings()
    {
        var user = await Gateway.CreateUserAsync("carol");
        // The id RhoConnect gave the device (SecureRandom.hex), sent as Rhodes does: in the header and in the path.
        var rhoConnectClientId = DeviceSessionGateway.NewClientId();
        var handle = "carol-handle-" + Guid.NewGuid().ToString("N");
        var session = await Gateway.OpenSessionAsync(user);

        using var response = await Gateway.SendAsync(
            HttpMethod.Post, $"/rc/v1/clients/{rhoConnectClientId}/register",
            Form(new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = handle, ["device_app_id"] = "app", ["phone_id"] = "phone-1" }),
            session, headers: new Dictionary<string, string> { ["X-RhoConnect-CLIENT-ID"] = rhoConnectClientId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([rhoConnectClientId], await Gateway.ListClientsAsync(user));
        var status = await Gateway.Host.WaitForPingAsync(await Gateway.Host.PingAsync(new("user_id", user), new("message", "hello carol")));
        var device = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal((rhoConnectClientId, "sent"), (device.GetProperty("client_id").GetString(), device.GetProperty("outcome").GetString()));
        Assert.Contains(Gateway.Host.LogChannel.Sent, sent => sent.Handle == handle);
    }

    [Fact]
    public async Task Two_users_registering_the_same_new_client_id_at_once_never_both_get_it()
    {
        var users = new[] { await Gateway.CreateUserAsync("dave"), await Gateway.CreateUserAsync("erin"), await Gateway.CreateUserAsync("frank") };
        var sessions = await Task.WhenAll(users.Select(Gateway.OpenSessionAsync));
        for (var round = 0; round < 5; round++)
        {
            var clientId = DeviceSessionGateway.NewClientId();

            var answers = await Task.WhenAll(users.Select(async (user, i) =>
            {
                using var response = await Gateway.SendAsync(
                    HttpMethod.Post, $"/rc/v1/clients/{clientId}/register", new FormUrlEncodedContent([new("device_type", "APPLE"), new("device_pin", user)]), sessions[i]);
                return (User: user, response.StatusCode);
            }));

            // The one who got it got 200; the others were refused (or told to retry), and nothing was moved.
            var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.User != winner.User), a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Conflict }));
            Assert.Equal((winner.User, winner.User), Owner(await Gateway.ReadClientAsync(clientId, users)));
            foreach (var user in users.Where(u => u != winner.User))
            {
                Assert.DoesNotContain(clientId, await Gateway.ListClientsAsync(user));
            }
        }
    }

    private Task<HttpResponseMessage> Post(string path, string form, string? session = null) =>
        Gateway.SendAsync(HttpMethod.Post, path, new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), session, token: session is null);

    private static Dictionary<string, string> Apple(string handle) => new() { ["device_type"] = "APPLE", ["device_pin"] = handle };

    private static FormUrlEncodedContent Form(Dictionary<string, string> fields) => new(fields);

    private static (string User, string? Pin) Owner((string User, Dictionary<string, string?> Fields)? client)
    {
        Assert.NotNull(client);
        return (client.Value.User, client.Value.Fields["device_pin"]);
    }
}
