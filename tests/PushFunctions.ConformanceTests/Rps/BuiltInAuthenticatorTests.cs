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
    public async Task Guessing_whether_a_user_exists_from_how_long_the_relay_takes_to_refuse_does_not_work()
    {
        var known = new List<double>();
        var unknown = new List<double>();
        var passwordless = new List<double>();
        await TimeRefusalAsync("dave", "wrong");
        for (var i = 0; i < 7; i++)
        {
            known.Add(await TimeRefusalAsync("dave", "wrong"));
            unknown.Add(await TimeRefusalAsync("nobody" + i, "wrong"));
            passwordless.Add(await TimeRefusalAsync("nopassword", "wrong"));
        }

        // A password check costs a PBKDF2 derivation (tens to hundreds of milliseconds); skipping it for a missing user
        // made that refusal many times faster. A factor of 4 leaves room for a loaded machine's noise.
        var reference = Median(known);
        Assert.True(Median(unknown) > reference / 4, $"unknown user {Median(unknown):F1} ms, existing user {reference:F1} ms");
        Assert.True(Median(passwordless) > reference / 4, $"user without a password {Median(passwordless):F1} ms, existing user {reference:F1} ms");
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

    private async Task<double> TimeRefusalAsync(string user, string password)
    {
        var device = new RelayDevice(relay.Client, user, password);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return elapsed;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
