using System.Net;
using PushFunctions.ConformanceTests.Ping;

namespace PushFunctions.ConformanceTests.Registration;

/// <summary>The user rows of the registration table (spec: rhoconnect-ping.md, "Device registration").</summary>
public sealed class UserRouteTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Creating_a_user_answers_user_created_and_lists_it()
    {
        var userId = GatewayFixture.NewUserId();

        using var response = await fixture.PostAsync("/rc/v1/users", RawContent.Json($$$"""{"attributes":{"login":"{{{userId}}}","password":"secret"}}"""));

        await RegistrationApi.TextAsync(response, "User created");
        using var list = await fixture.SendAsync(HttpMethod.Get, "/rc/v1/users");
        Assert.Contains(userId, (await RegistrationApi.JsonAsync(list)).EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task Listing_users_answers_a_json_array_of_logins()
    {
        var first = GatewayFixture.NewUserId();
        var second = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(first);
        await fixture.Host.CreateUserAsync(second);

        using var response = await fixture.SendAsync(HttpMethod.Get, "/rc/v1/users");

        var users = (await RegistrationApi.JsonAsync(response)).EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Contains(first, users);
        Assert.Contains(second, users);
        Assert.Equal(users.Count, users.Distinct().Count());
    }

    [Fact]
    public async Task Creating_a_user_without_a_login_is_400()
    {
        using var response = await fixture.PostAsync("/rc/v1/users", RawContent.Json("""{"attributes":{"password":"secret"}}"""));

        await Answers.RejectedAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Listing_a_users_clients_answers_a_json_array_of_client_ids()
    {
        var device = await fixture.AddAppleDeviceAsync();
        var second = await fixture.AddAppleDeviceAsync(device.UserId);

        var clients = await RegistrationApi.ListClientsAsync(fixture, device.UserId);

        Assert.Equal(new[] { device.ClientId, second.ClientId }.Order(), clients.Order());
    }

    [Fact]
    public async Task A_user_without_clients_lists_an_empty_array()
    {
        var userId = GatewayFixture.NewUserId();
        await fixture.Host.CreateUserAsync(userId);

        Assert.Empty(await RegistrationApi.ListClientsAsync(fixture, userId));
    }

    [Fact]
    public async Task Deleting_a_user_answers_user_deleted_and_deletes_its_clients()
    {
        var device = await fixture.AddAppleDeviceAsync();

        using var response = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{device.UserId}");

        await RegistrationApi.TextAsync(response, "User deleted");
        using var clients = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/users/{device.UserId}/clients");
        await Answers.RejectedAsync(clients, HttpStatusCode.NotFound);
        using var client = await fixture.SendAsync(HttpMethod.Get, $"/rc/v1/clients/{device.ClientId}");
        await Answers.RejectedAsync(client, HttpStatusCode.NotFound);
        using var list = await fixture.SendAsync(HttpMethod.Get, "/rc/v1/users");
        Assert.DoesNotContain(device.UserId, (await RegistrationApi.JsonAsync(list)).EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task A_deleted_user_is_an_unknown_user_to_a_ping()
    {
        var device = await fixture.AddAppleDeviceAsync();
        using (var deleted = await fixture.SendAsync(HttpMethod.Delete, $"/rc/v1/users/{device.UserId}"))
        {
            await RegistrationApi.TextAsync(deleted, "User deleted");
        }

        using var response = await fixture.PostAsync("/rc/v1/users/ping", RawContent.Form($"user_id={device.UserId}&message=gone"));

        var status = await fixture.StatusWhenDoneAsync(await Answers.AcceptedAsync(response));
        Assert.Equal("unknown user", Assert.Single(status.GetProperty("devices").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Empty(fixture.SentTo(device));
    }
}
