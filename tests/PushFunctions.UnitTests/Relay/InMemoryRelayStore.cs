using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Storage;

namespace PushFunctions.UnitTests.Relay;

/// <summary>
/// Keeps the relay's rows in dictionaries with the table store's semantics (upserts replace, deletes of missing rows are
/// no-ops, the watermark is a separate row), and can be told to fail writes as a storage outage would.
/// </summary>
internal sealed class InMemoryRelayStore : IRelayStore
{
    private readonly Dictionary<string, StoredInstance> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instance, string App), Registration> registrations = [];
    private readonly Dictionary<(string Instance, long Id), QueuedMessage> messages = [];
    private readonly Dictionary<string, long> watermarks = new(StringComparer.Ordinal);

    public bool FailWrites { get; set; }

    /// <summary>While set and not completed, writes wait for it: a slow storage call.</summary>
    public Task? WritesWaitFor { get; set; }

    public IReadOnlyCollection<long> MessageIds(string instanceId) =>
        messages.Keys.Where(key => key.Instance == instanceId).Select(key => key.Id).Order().ToList();

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new RelaySnapshot(
            instances.Values.ToList(),
            registrations.Values.ToList(),
            messages.Select(entry => new StoredMessage(entry.Key.Instance, entry.Value with { })).ToList(),
            new Dictionary<string, long>(watermarks)));

    public Task SaveInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default) =>
        Write(() => instances[instance.Id] = instance);

    public Task TouchInstanceAsync(string instanceId, DateTimeOffset lastActivity, CancellationToken cancellationToken = default) =>
        Write(() =>
        {
            if (instances.TryGetValue(instanceId, out var instance))
            {
                instances[instanceId] = instance with { LastActivity = lastActivity };
            }
        });

    public Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, IReadOnlyCollection<long> messageIds, CancellationToken cancellationToken = default) =>
        Write(() =>
        {
            foreach (var id in messageIds)
            {
                messages.Remove((instanceId, id));
            }

            foreach (var app in appNames)
            {
                registrations.Remove((instanceId, app));
            }

            watermarks.Remove(instanceId);
            instances.Remove(instanceId);
        });

    public Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default) =>
        Write(() => registrations[(registration.InstanceId, registration.AppName)] = registration);

    public Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default) =>
        Write(() => registrations.Remove((instanceId, appName)));

    public Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken = default) =>
        Write(() => messages[(message.InstanceId, message.Message.Id)] = message.Message with { });

    public Task DeleteMessagesAsync(string instanceId, IReadOnlyCollection<long> messageIds, long watermark, CancellationToken cancellationToken = default) =>
        Write(() =>
        {
            foreach (var id in messageIds)
            {
                messages.Remove((instanceId, id));
            }

            watermarks[instanceId] = watermark;
        });

    private async Task Write(Action change)
    {
        if (WritesWaitFor is { } slow)
        {
            await slow;
        }

        if (FailWrites)
        {
            throw new IOException("storage unavailable");
        }

        change();
    }
}
