namespace PushFunctions.ConformanceTests.Rps;

/// <summary>One relay in delegate mode (against a local rps_login) shared by a test class; tests use their own instances.</summary>
public sealed class RelayFixture : IAsyncLifetime
{
    public const string AppName = "testapp";
    public const string AppPassword = "app-password";
    public const string OtherAppName = "otherapp";
    public const string OtherAppPassword = "other-app-password";
    public const string Password = "device-password";

    internal RpsLoginServer Login { get; private set; } = null!;

    internal RelayHost Relay { get; private set; } = null!;

    internal HttpClient Client => Relay.Client;

    /// <summary>Users "alice", "bob" and "carol" know <see cref="Password"/>.</summary>
    public async Task InitializeAsync()
    {
        Login = await RpsLoginServer.StartAsync(
            new Dictionary<string, string> { ["alice"] = Password, ["bob"] = Password, ["carol"] = Password },
            new Dictionary<string, string> { [AppName] = AppPassword, [OtherAppName] = OtherAppPassword });
        Relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = Login, PollTimeout = TimeSpan.FromSeconds(2) });
    }

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Login.DisposeAsync();
    }

    internal Task<(RelayDevice Device, string Token)> ConnectAsync(string user = "alice", string appName = AppName) =>
        RelayDevice.ConnectAsync(Client, user, Password, appName);

    internal Task<HttpResponseMessage> PostAsync(string token, string body, string appName = AppName, string appPassword = AppPassword) =>
        Backend.PostAsync(Client, token, appName, appPassword, body);
}
