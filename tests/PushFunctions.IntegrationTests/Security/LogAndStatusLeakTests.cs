using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Channels.RhoConnectPush;
using PushFunctions.IntegrationTests.Delivery;
using PushFunctions.IntegrationTests.Packaging;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Logging;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// What a reader of the logs (at the shipped Production levels) or of a ping's status learns: never a device handle,
/// the text of a payload, an API token, a password, a session or a secret; never an exception's message in a status;
/// and every failure line names its ping. The gateway runs with the Logging section of the shipped appsettings.json,
/// captured in process; its deliveries go through the log channel, a relay that does not answer and a channel that throws.
/// </summary>
public sealed class LogAndStatusLeakTests
{
    private const string RelayAppPassword = "relay-app-password-never-logged";
    private const string Message = "quarterly numbers are in: 1234567";

    [Fact]
    public async Task A_reader_of_the_production_logs_or_of_a_ping_status_learns_no_handle_payload_token_password_or_secret()
    {
        await using var gateway = await StartAsync(ShippedLogging());
        Assert.True(gateway.Host.Services.GetRequiredService<IHostEnvironment>().IsProduction());
        var run = await DeliverThroughEveryKindOfOutcomeAsync(gateway);

        var visible = gateway.Logs.Records.Where(r => r.Level >= LogLevel.Information).ToList();
        Assert.Contains(visible, r => r.Message.StartsWith("log channel: ping " + run.PingId, StringComparison.Ordinal));
        string[] secrets =
        [
            .. run.Handles, Message, GatewayHost.ApiToken, DeviceSessionGateway.Password, DeviceSessionGateway.SessionSecret,
            run.SessionCookie.Split('=', 2)[1], RelayAppPassword,
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(visible, r => r.Text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, run.Status.GetRawText(), StringComparison.Ordinal);
        }

        // Exceptions are logged (under the ping), their messages never become reasons.
        Assert.DoesNotContain(ExplodingChannel.ExplosionMessage, run.Status.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("refused", run.Status.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var reasons = run.Status.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("reason").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { null, RhoConnectPushChannel.RelayUnreachable, OutcomeReasons.ChannelError("exploding") }, reasons);
        var failures = visible.Where(r => r.Level >= LogLevel.Warning && r.Category.StartsWith("PushFunctions.", StringComparison.Ordinal)).ToList();
        Assert.Contains(failures, r => r.Exception?.Message == ExplodingChannel.ExplosionMessage);
        Assert.Contains(failures, r => r.Category.EndsWith(nameof(RhoConnectPushChannel), StringComparison.Ordinal));
        Assert.All(failures, r => Assert.Equal(run.PingId, r.Value("PingId")));
    }

    [Fact]
    public async Task The_log_channel_writes_the_handle_and_the_payload_only_when_Logging_asks_it_for_Debug()
    {
        var logging = ShippedLogging();
        logging["Logging:LogLevel:PushFunctions.Gateway.Channels.LogChannel"] = "Debug";
        await using var gateway = await StartAsync(logging);
        var run = await DeliverThroughEveryKindOfOutcomeAsync(gateway);
        var appleHandle = run.Handles[0];

        var lines = gateway.Logs.Records.Where(r => r.Category == "PushFunctions.Gateway.Channels.LogChannel" && r.Text.Contains(run.PingId, StringComparison.Ordinal)).ToList();
        var content = Assert.Single(lines, r => r.Level == LogLevel.Debug);
        Assert.Contains(appleHandle, content.Message, StringComparison.Ordinal);
        Assert.Contains(Message, content.Message, StringComparison.Ordinal);
        var summary = Assert.Single(lines, r => r.Level == LogLevel.Information);
        Assert.DoesNotContain(appleHandle, summary.Text, StringComparison.Ordinal);
        Assert.Matches("handle sha256:[0-9a-f]{16} \\([0-9]+ bytes\\)$", summary.Message);
    }

    private static async Task<DeviceSessionGateway> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Rps:RelayUrl"] = $"http://127.0.0.1:{ClosedPort()}/";
        settings["Rps:AppName"] = "rhodesapp";
        settings["Rps:AppPassword"] = RelayAppPassword;
        // The unreachable relay's device fails on the first attempt, rather than waiting out the retries of an outage.
        settings["PushQueue:MaxDeliveryAttempts"] = "1";
        return await DeviceSessionGateway.StartAsync(settings, services => services
            .AddSingleton<ExplodingChannel>()
            .AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<ExplodingChannel>()));
    }

    /// <summary>
    /// A device logs in and registers three devices with its session (one for the log channel, one for the relay, one for
    /// the throwing channel), fails a login once, and a backend pings it with the API token in the query string.
    /// </summary>
    private static async Task<Run> DeliverThroughEveryKindOfOutcomeAsync(DeviceSessionGateway gateway)
    {
        var user = await gateway.CreateUserAsync("leaky");
        using (var failed = await gateway.TryLoginAsync(user, "a-wrong-password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var session = await gateway.OpenSessionAsync(user);
        var suffix = Guid.NewGuid().ToString("N");
        string[] handles = ["apns-handle-" + suffix, "relay-token-" + suffix, ExplodingChannel.ExplodingHandle];
        string[] platforms = ["APPLE", "rhoconnect_push", "WNS"];
        for (var i = 0; i < handles.Length; i++)
        {
            using var registered = await gateway.SendAsync(
                HttpMethod.Post, $"/rc/v1/clients/{DeviceSessionGateway.NewClientId()}/register",
                new FormUrlEncodedContent([new("device_type", platforms[i] == "rhoconnect_push" ? "ANDROID" : platforms[i]), new("device_push_type", platforms[i]), new("device_pin", handles[i])]),
                session);
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        using var ping = await gateway.SendAsync(
            HttpMethod.Post, $"/rc/v1/users/ping?api_token={GatewayHost.ApiToken}", JsonContent.Create(new { user_id = user, message = Message }));
        var pingId = (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ping_id").GetString()!;
        var status = await gateway.Host.WaitForPingAsync(pingId, "failed");
        return new Run(pingId, handles, session, status);
    }

    /// <summary>The Logging section of the appsettings.json the gateway ships with (what Production runs).</summary>
    private static Dictionary<string, string?> ShippedLogging() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(PublishedPackage.RepositoryRoot(), "functions", "PushFunctions.Gateway", "appsettings.json"))
            .Build()
            .AsEnumerable()
            .Where(setting => setting.Key.StartsWith("Logging:", StringComparison.Ordinal) && setting.Value is not null)
            .ToDictionary(setting => setting.Key, setting => setting.Value);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Run(string PingId, string[] Handles, string SessionCookie, JsonElement Status);
}
