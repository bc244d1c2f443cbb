using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Logging;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>
/// A gateway with device sessions on, and a client that carries no cookies of its own: each call names its credential
/// (the API token, a session cookie, or nothing), so one test's session never leaks into another's calls.
/// </summary>
public sealed class DeviceSessionGateway : IAsyncDisposable
{
    public const string SessionSecret = "session-secret-for-security-tests-0123456789";
    public const string Password = "device-password";

    private readonly HttpClient _http;

    private DeviceSessionGateway(GatewayHost host)
    {
        Host = host;
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public GatewayHost Host { get; }

    public CapturedLogs Logs => Host.Services.GetRequiredService<CapturedLogs>();

    public static async Task<DeviceSessionGateway> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var effective = new Dictionary<string, string?> { ["RhoConnect:SessionSecret"] = SessionSecret };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        return new DeviceSessionGateway(await GatewayHost.StartAsync(effective, collection =>
        {
            collection.AddCapturedLogs();
            services?.Invoke(collection);
        }));
    }

    public static string NewUserId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public static string NewClientId() => Guid.NewGuid().ToString("N");

    /// <summary>Creates a user with <see cref="Password"/> and returns its id.</summary>
    public async Task<string> CreateUserAsync(string prefix)
    {
        var user = NewUserId(prefix);
        await Host.CreateUserAsync(user, Password);
        return user;
    }

    /// <summary>Logs the user in and returns the Cookie header value of its session.</summary>
    public async Task<string> OpenSessionAsync(string user)
    {
        using var response = await TryLoginAsync(user, Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Select(value => value.Split(';')[0]).Single(pair => pair.StartsWith("rhoconnect_session=", StringComparison.Ordinal));
    }

    public async Task<HttpResponseMessage> TryLoginAsync(string login, string password, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rc/v1/app/login") { Content = JsonContent.Create(new { login, password }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>Sends with a session cookie (<paramref name="session"/>), the API token (<paramref name="token"/>), or neither.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, HttpContent? content = null, string? session = null, bool token = false, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (session is not null)
        {
            request.Headers.Add("Cookie", session);
        }

        if (token)
        {
            request.Headers.Add("X-RhoConnect-API-TOKEN", GatewayHost.ApiToken);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>The user a client belongs to and its device fields, read with the API token; null when the client does not exist.</summary>
    public async Task<(string User, Dictionary<string, string?> Fields)?> ReadClientAsync(string clientId, params string[] candidateUsers)
    {
        using var response = await Host.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/clients/{clientId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var fields = document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        foreach (var user in candidateUsers)
        {
            if ((await ListClientsAsync(user)).Contains(clientId))
            {
                return (user, fields);
            }
        }

        throw new InvalidOperationException($"Client {clientId} exists but belongs to none of {string.Join(", ", candidateUsers)}.");
    }

    public async Task<List<string>> ListClientsAsync(string user)
    {
        using var response = await Host.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/users/{user}/clients");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.EnumerateArray().Select(c => c.GetString()!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Host.DisposeAsync();
    }
}
