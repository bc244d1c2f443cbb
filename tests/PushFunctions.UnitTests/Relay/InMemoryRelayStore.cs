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
    private readonly Dictionary<(string Instance, long Id), StoredMessage> messages = [];
    private readonly Dictionary<string, long> watermarks = new(StringComparer.Ordinal);

    public bool FailWrites { get; set; }

    /// <summary>While set and not completed, writes wait for it: a slow storage call.</summary>
    public Task? WritesWaitFor { get; set; }

    public IReadOnlyCollection<long> MessageIds(string instanceId) =>
        messages.Keys.Where(key => key.Instance == instanceId).Select(key => key.Id).Order().ToList();

    public Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new RelaySnapshot(
            instances.Values.ToList(),
            registrations.Values.ToList(),
            messages.Values.ToList(),
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

    public Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, CancellationToken cancellationToken = default) =>
        Write(() =>
        {
            foreach (var app in appNames)
            {
                registrations.Remove((instanceId, app));
            }

            instances.Remove(instanceId);
        });

    public Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default) =>
        Write(() => registrations[(registration.InstanceId, registration.AppName)] = registration);

    public Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default) =>
        Write(() => registrations.Remove((instanceId, appName)));

    public Task WriteMessageAsync(string instanceId, QueuedMessage message) =>
        Write(() => messages[(instanceId, message.Id)] =
            new StoredMessage(instanceId, message.Id, message.AppName, message.CollapseId, message.Data, message.Enqueued));

    public Task RemoveMessagesAsync(string instanceId, IReadOnlyCollection<QueuedMessage> removed, long? lastIssuedId)
    {
        // Captured now: the caller may clear its list once the call returns, as the table store's queued writes allow.
        var ids = removed.Select(message => message.Id).ToList();
        return Write(() =>
        {
            foreach (var id in ids)
            {
                messages.Remove((instanceId, id));
            }

            if (lastIssuedId is { } watermark)
            {
                watermarks[instanceId] = watermark;
            }
            else
            {
                watermarks.Remove(instanceId);
            }
        });
    }

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
