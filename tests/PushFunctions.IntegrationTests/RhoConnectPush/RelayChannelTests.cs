using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PushFunctions.DeviceSimulator;
using PushFunctions.Relay;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Http;

namespace PushFunctions.IntegrationTests.RhoConnectPush;

/// <summary>The gateway's rhoconnect_push channel against the real relay, a simulated device, and a scripted relay for the failure rows.</summary>
public sealed class RelayChannelTests
{
    private const string AppName = "rhodesapp";
    private const string AppPassword = "app-password-for-tests";
    private const string SessionSecret = "session-secret-for-tests-0123456789";

    [Fact]
    public async Task A_ping_reaches_a_simulated_device_through_the_relay_with_exactly_the_relay_payload()
    {
        var prefix = AzuriteEnvironment.NewTableName("e")[..12];
        await using var relay = await StartRelayAsync(prefix);
        await using var gateway = await GatewayHost.StartAsync(GatewaySettings(prefix, new Uri(relay.Urls.Single()), AppPassword));
        var user = "zebra-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user, "device-password");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var output = new StringWriter();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // No API token: the simulated device logs in and registers itself with a device session.
        var arguments = new SimulatorArguments(new Uri(relay.Urls.Single()), gateway.BaseAddress, user, "device-password", AppName, ApiToken: null, Messages: 1);
        var device = new DeviceSimulator.DeviceSimulator(http, arguments, output, TextWriter.Null).RunAsync(cancel.Token);
        await WaitUntilRegisteredAsync(gateway, user);

        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "hello zebra"), new("badge", "3"),
            new("sources[]", "Product"), new("sources[]", "Customer"), new("vibrate", "2000"));

        Assert.Equal(0, await device);
        using var received = JsonDocument.Parse(output.ToString().Trim());
        Assert.Equal("""{"alert":"hello zebra","vibrate":"2000","do_sync":["Product","Customer"]}""", received.RootElement.GetProperty("data").GetRawText());
        var status = await gateway.WaitForPingAsync(pingId);
        var sent = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.Equal("sent", sent.GetProperty("outcome").GetString());
        Assert.Equal("rhoconnect_push", sent.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task The_gateway_sends_exactly_application_json_with_basic_app_credentials_and_the_badge_as_collapse_id()
    {
        var requests = new List<(string Path, string? ContentType, string? Authorization, string Body)>();
        await using var scripted = await LoopbackHttpServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (requests)
            {
                requests.Add((context.Request.Path, context.Request.ContentType, context.Request.Headers.Authorization, body));
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        await using var gateway = await GatewayHost.StartAsync(GatewaySettings(null, scripted.BaseAddress, AppPassword));
        var (user, _) = await RegisterRelayDevicesAsync(gateway, "token-one");

        await gateway.WaitForPingAsync(await gateway.PingAsync(new("user_id", user), new("message", "hi"), new("badge", "7")));

        var request = Assert.Single(requests);
        Assert.Equal("/messageQueue/token-one", request.Path);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("Basic " + Convert.ToBase64String("rhodesapp:app-password-for-tests"u8.ToArray()), request.Authorization);
        Assert.Equal("""{"collapseId":7,"data":{"alert":"hi"}}""", request.Body);
    }

    [Fact]
    public async Task Relay_answers_become_outcomes_a_relay_that_stays_down_fails_the_device_on_the_last_attempt_and_a_stale_token_marks_the_registration_invalid()
    {
        var calls = new Dictionary<string, int>();
        await using var scripted = await LoopbackHttpServer.StartAsync(context =>
        {
            var token = context.Request.Path.Value!.Split('/')[^1];
            lock (calls)
            {
                calls[token] = calls.GetValueOrDefault(token) + 1;
            }

            context.Response.StatusCode = token switch
            {
                "bad-request" => 400,
                "stale" => 404,
                // Fails twice, then the retried request gets through.
                "flaky" => calls[token] <= 2 ? 503 : 204,
                "down" => 500,
                _ => 204,
            };
            return Task.CompletedTask;
        });
        var settings = GatewaySettings(null, scripted.BaseAddress, AppPassword);
        settings["PushQueue:MaxDeliveryAttempts"] = "3";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var (user, tokens) = await RegisterRelayDevicesAsync(gateway, "bad-request", "stale", "flaky", "down");

        var first = await gateway.WaitForPingAsync(await gateway.PingAsync(new("user_id", user), new("message", "one")), "failed");

        var outcomes = Outcomes(first, tokens);
        Assert.Equal(("failed", "relay rejected the message (400)"), outcomes["bad-request"]);
        Assert.Equal(("failed", "handle gone"), outcomes["stale"]);
        Assert.Equal(("sent", null), outcomes["flaky"]);
        // A 500 is retried by the client, then by each of the ping's attempts; the last attempt gives it up.
        Assert.Equal(("failed", "relay answered 500 after retries"), outcomes["down"]);
        Assert.Equal("delivery gave up after 3 attempts: 1 device: relay answered 500 after retries", first.GetProperty("error").GetString());
        Assert.Equal(3, first.GetProperty("attempts").GetInt32());
        Assert.Equal(1, calls["bad-request"]);
        Assert.Equal(1, calls["stale"]);
        Assert.True(calls["down"] > 3, "a 500 is retried");

        var second = await gateway.WaitForPingAsync(await gateway.PingAsync(new("user_id", user), new("message", "two")), "failed");

        Assert.Equal(("skipped", "registration invalid"), Outcomes(second, tokens)["stale"]);
        Assert.Equal(1, calls["stale"]);
    }

    [Fact]
    public async Task Rejected_app_credentials_fail_the_sends_without_retrying_and_make_healthz_unhealthy()
    {
        var prefix = AzuriteEnvironment.NewTableName("e")[..12];
        await using var relay = await StartRelayAsync(prefix);
        await using var gateway = await GatewayHost.StartAsync(GatewaySettings(prefix, new Uri(relay.Urls.Single()), "wrong-password"));
        var (user, tokens) = await RegisterRelayDevicesAsync(gateway, "any-token");

        var status = await gateway.WaitForPingAsync(await gateway.PingAsync(new("user_id", user), new("message", "nope")));

        Assert.Equal(("failed", "relay credentials rejected"), Outcomes(status, tokens)["any-token"]);
        using var health = await gateway.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    private static Dictionary<string, string?> GatewaySettings(string? tablePrefix, Uri relay, string appPassword)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Rps:RelayUrl"] = relay.AbsoluteUri,
            ["Rps:AppName"] = AppName,
            ["Rps:AppPassword"] = appPassword,
            ["RhoConnect:SessionSecret"] = SessionSecret,
        };
        if (tablePrefix is not null)
        {
            settings["Storage:TablePrefix"] = tablePrefix;
        }

        return settings;
    }

    private static async Task<WebApplication> StartRelayAsync(string gatewayTablePrefix)
    {
        var relay = RelayApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            $"--AzureWebJobsStorage={AzuriteEnvironment.ConnectionString}",
            "--Relay:Secret=relay-secret-for-gateway-tests-0123456789",
            $"--Relay:TablePrefix={gatewayTablePrefix}Relay",
            $"--Relay:UsersTable={gatewayTablePrefix}Users",
            "--Relay:Authenticator:Mode=BuiltIn",
            $"--Relay:Apps:{AppName}={AppPassword}",
        ]);
        await relay.StartAsync();
        return relay;
    }

    /// <summary>Registers one rhoconnect_push device per token (the token is the device_pin) for a new user; maps client ids to tokens.</summary>
    private static async Task<(string User, Dictionary<string, string> Tokens)> RegisterRelayDevicesAsync(GatewayHost gateway, params string[] tokens)
    {
        var user = "relay-user-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        var byClient = new Dictionary<string, string>();
        foreach (var token in tokens)
        {
            var clientId = await gateway.RegisterDeviceAsync(user, new Dictionary<string, string>
            {
                ["device_type"] = "ANDROID",
                ["device_push_type"] = "rhoconnect_push",
                ["device_pin"] = token,
            });
            byClient[clientId] = token;
        }

        return (user, byClient);
    }

    private static async Task WaitUntilRegisteredAsync(GatewayHost gateway, string user)
    {
        for (var i = 0; i < 300; i++)
        {
            using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/users/{user}/clients");
            var clients = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            foreach (var client in clients.EnumerateArray())
            {
                using var fields = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/clients/{client.GetString()}");
                if ((await fields.Content.ReadAsStringAsync()).Contains("rhoconnect_push", StringComparison.Ordinal))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The simulated device never registered with the gateway.");
    }

    /// <summary>Each device's outcome, keyed by its relay token.</summary>
    private static Dictionary<string, (string Outcome, string? Reason)> Outcomes(JsonElement status, Dictionary<string, string> tokens)
    {
        var byToken = new Dictionary<string, (string, string?)>();
        foreach (var device in status.GetProperty("devices").EnumerateArray())
        {
            byToken[tokens[device.GetProperty("client_id").GetString()!]] = (device.GetProperty("outcome").GetString()!, device.GetProperty("reason").GetString());
        }

        return byToken;
    }
}
