using System.Net;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;
using PushFunctions.Testing;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Built-in mode: devices are the users the gateway stores (salted hashes), apps come from configuration.</summary>
public sealed class BuiltInAuthenticatorTests : IAsyncLifetime
{
    private const string Password = "built-in-password";
    private RelayHost relay = null!;

    public async Task InitializeAsync()
    {
        var usersTable = AzuriteEnvironment.NewTableName("RelayUsers");
        var users = new UserStore(new TableClient(AzuriteEnvironment.ConnectionString, usersTable));
        await users.Table.CreateIfNotExistsAsync();
        await users.SaveAsync(new UserRecord("dave", PasswordHasher.Hash(Password)));
        await users.SaveAsync(new UserRecord("nopassword", null));
        relay = await RelayHost.StartAsync(new RelayHostSettings
        {
            UsersTable = usersTable,
            Apps = new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword },
        });
    }

    public async Task DisposeAsync() => await relay.DisposeAsync();

    [Fact]
    public async Task A_stored_user_with_the_right_password_connects_and_receives()
    {
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "dave", Password, RelayFixture.AppName);

        using var posted = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"alert":"hi"}}""");
        var message = await device.ReceiveAsync();

        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal("hi", message.Data.GetProperty("alert").GetString());
    }

    [Theory]
    [InlineData("dave", "wrong")]
    [InlineData("nobody", Password)]
    [InlineData("nopassword", "")]
    public async Task Unknown_users_and_wrong_passwords_are_401(string user, string password)
    {
        var device = new RelayDevice(relay.Client, user, password);

        using var response = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_cookie_without_basic_credentials_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/instanceId");
        request.Headers.Add("Cookie", "rhoconnect_session=anything");

        using var response = await relay.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(RelayFixture.AppName, "wrong")]
    [InlineData("unconfiguredapp", RelayFixture.AppPassword)]
    public async Task App_credentials_not_in_configuration_are_401(string appName, string appPassword)
    {
        var (device, _) = await RelayDevice.ConnectAsync(relay.Client, "dave", Password, RelayFixture.AppName);
        var token = await device.RegisterAsync(appName);

        using var response = await Backend.PostAsync(relay.Client, token, appName, appPassword, """{"data":{}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
