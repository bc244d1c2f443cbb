namespace PushFunctions.IntegrationTests.Security;

/// <summary>One <see cref="DeviceSessionGateway"/> shared by a test class; every test works with users of its own.</summary>
public sealed class DeviceSessionFixture : IAsyncLifetime
{
    public DeviceSessionGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await DeviceSessionGateway.StartAsync();

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}
