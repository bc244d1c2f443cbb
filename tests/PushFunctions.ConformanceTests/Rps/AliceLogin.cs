namespace PushFunctions.ConformanceTests.Rps;

/// <summary>
/// A local rps_login that knows alice (<see cref="RelayFixture.Password"/>) and the test app, shared by the tests of a
/// class that each start relays of their own.
/// </summary>
public sealed class AliceLogin : IAsyncLifetime
{
    internal RpsLoginServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RpsLoginServer.StartAsync(
        new Dictionary<string, string> { ["alice"] = RelayFixture.Password },
        new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
