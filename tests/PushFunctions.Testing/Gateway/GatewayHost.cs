using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PushFunctions.Gateway.Channels;
using PushFunctions.Gateway.Hosting;
using PushFunctions.Testing.Http;

namespace PushFunctions.Testing.Gateway;

/// <summary>
/// The real gateway on Kestrel at http://127.0.0.1:{free port}, on the Azurite of scripts/test.sh, with tables and a
/// queue of its own so tests run side by side.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string ApiToken = "test-api-token-current";
    public const string RotatedApiToken = "test-api-token-next";

    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri baseAddress, IReadOnlyDictionary<string, string?> settings)
    {
        _app = app;
        BaseAddress = baseAddress;
        Settings = settings;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The settings the gateway runs with (table prefix, queue name, ...), to start a second gateway on the same storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A client without credentials; use <see cref="Authorized"/> to add the API token header.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public LogChannel LogChannel => Services.GetRequiredService<LogChannel>();

    public string QueueName => Settings["PushQueue:QueueName"]!;

    /// <summary>What the gateway logged (every level), to assert what an operator would read.</summary>
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <param name="asFunctionsCustomHandler">
    /// Start it as the Functions host starts its custom handler: FUNCTIONS_CUSTOMHANDLER_PORT set, listening on
    /// 127.0.0.1 on that port, the delivery functions mapped and no in-process consumer.
    /// </param>
    public static async Task<GatewayHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? reuse = null,
        bool asFunctionsCustomHandler = false)
    {
        var effective = new Dictionary<string, string?>(reuse ?? new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString,
            ["RhoConnect:ApiTokens"] = $"{ApiToken},{RotatedApiToken}",
            ["PushQueue:QueueName"] = AzuriteEnvironment.NewQueueName("pings"),
            ["Storage:TablePrefix"] = AzuriteEnvironment.NewTableName("t")[..12],
            ["PushQueue:RetryBaseDelay"] = "00:00:00.200",
            ["PushQueue:VisibilityTimeout"] = "00:00:10",
            ["PushQueue:MaxPollInterval"] = "00:00:00.050",
        });
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        string[] args = asFunctionsCustomHandler
            ? [$"--{GatewayApp.CustomHandlerPortSetting}={LoopbackPorts.Free()}"]
            : ["--urls", "http://127.0.0.1:0"];
        var app = GatewayApp.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(effective);
            builder.Logging.ClearProviders();
            builder.Logging.AddFakeLogging();
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        // The app creates its tables and queue once it listens; tests that reach storage directly start after that.
        await app.Services.GetRequiredService<StorageInitializer>().FirstAttempt;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address), effective);
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-RhoConnect-API-TOKEN", ApiToken);
        return request;
    }

    public async Task<HttpResponseMessage> SendAuthorizedAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = Authorized(method, path, content);
        return await Client.SendAsync(request);
    }

    public async Task CreateUserAsync(string login, string? password = null)
    {
        using var response = await SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users",
            JsonContent.Create(new { attributes = new { login, password } }));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Creates a client for the user and registers the given device fields; returns the client id.</summary>
    public async Task<string> RegisterDeviceAsync(string userId, IReadOnlyDictionary<string, string> fields)
    {
        using var created = await SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/clients", new FormUrlEncodedContent([new("user_id", userId)]));
        created.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var clientId = body.RootElement.GetProperty("client").GetProperty("client_id").GetString()!;
        using var registered = await SendAuthorizedAsync(HttpMethod.Post, $"/rc/v1/clients/{clientId}/register", new FormUrlEncodedContent(fields));
        registered.EnsureSuccessStatusCode();
        return clientId;
    }

    /// <summary>Sends a ping (form fields) and returns its id.</summary>
    public async Task<string> PingAsync(params KeyValuePair<string, string>[] fields)
    {
        using var response = await SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping", new FormUrlEncodedContent(fields));
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("ping_id").GetString()!;
    }

    /// <summary>Polls the ping status until its state is one of <paramref name="states"/>; returns the status document.</summary>
    public Task<JsonElement> WaitForPingAsync(string pingId, params string[] states) => WaitForPingAsync(pingId, TimeSpan.FromSeconds(60), states);

    /// <summary>Polls the ping status for up to <paramref name="timeout"/> until its state is one of <paramref name="states"/>.</summary>
    public async Task<JsonElement> WaitForPingAsync(string pingId, TimeSpan timeout, params string[] states)
    {
        var wanted = states.Length == 0 ? ["done"] : states;
        var deadline = DateTime.UtcNow + timeout;
        string last = "(none)";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{pingId}");
            if (response.IsSuccessStatusCode)
            {
                var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                last = status.GetProperty("state").GetString()!;
                if (wanted.Contains(last))
                {
                    return status;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Ping {pingId} did not reach {string.Join("/", wanted)} within {timeout.TotalSeconds} s (last state: {last}).");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
