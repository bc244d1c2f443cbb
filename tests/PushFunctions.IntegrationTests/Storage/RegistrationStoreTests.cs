using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

/// <summary>Marking a registration invalid applies to the registration that was read, not to one written since.</summary>
public sealed class RegistrationStoreTests : IAsyncLifetime
{
    private const string User = "alice";
    private readonly TableClient _users = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("users"));
    private readonly TableClient _index = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("index"));
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private RegistrationStore _store = null!;

    public async Task InitializeAsync()
    {
        await _users.CreateIfNotExistsAsync();
        await _index.CreateIfNotExistsAsync();
        _store = new RegistrationStore(_users, _index);
        await _store.CreateAsync(User, _clientId, new Dictionary<string, string> { [DeviceFields.DeviceType] = "APPLE", [DeviceFields.DevicePin] = "old-handle" });
    }

    public async Task DisposeAsync()
    {
        await _users.DeleteAsync();
        await _index.DeleteAsync();
    }

    [Fact]
    public async Task A_registration_unchanged_since_it_was_read_is_marked()
    {
        var read = await ReadForSendAsync();

        Assert.True(await _store.MarkInvalidAsync(read, "handle gone"));

        Assert.Equal("handle gone", (await _store.GetAsync(_clientId))!.InvalidReason);
    }

    [Fact]
    public async Task A_device_that_registered_again_since_the_read_keeps_its_new_handle_unmarked()
    {
        var read = await ReadForSendAsync();
        await _store.RegisterAsync(_clientId, null, new Dictionary<string, string> { [DeviceFields.DevicePin] = "new-handle" });

        Assert.False(await _store.MarkInvalidAsync(read, "handle gone"));

        var stored = (await _store.GetAsync(_clientId))!;
        Assert.Equal(("new-handle", null), (stored.DevicePin, stored.InvalidReason));
    }

    [Fact]
    public async Task A_client_deleted_since_the_read_is_not_brought_back_by_the_mark()
    {
        var read = await ReadForSendAsync();
        await _store.DeleteAsync(User, _clientId);

        Assert.False(await _store.MarkInvalidAsync(read, "handle gone"));

        Assert.Empty((await _store.GetUserDevicesAsync(User)).Clients);
    }

    [Fact]
    public async Task A_registration_returned_by_a_register_call_carries_the_stored_rows_etag()
    {
        var registered = (await _store.RegisterAsync(_clientId, null, new Dictionary<string, string> { [DeviceFields.DevicePin] = "new-handle" }))!;

        Assert.Equal((await ReadForSendAsync()).ETag, registered.ETag);
        Assert.True(await _store.MarkInvalidAsync(registered, "handle gone"));
    }

    [Fact]
    public async Task A_registration_that_was_not_read_from_the_store_cannot_be_marked() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _store.MarkInvalidAsync(new ClientRegistration(User, _clientId, DevicePin: "old-handle"), "handle gone"));

    /// <summary>As the fan-out reads it: the user's partition in one query.</summary>
    private async Task<ClientRegistration> ReadForSendAsync() => Assert.Single((await _store.GetUserDevicesAsync(User)).Clients);
}
