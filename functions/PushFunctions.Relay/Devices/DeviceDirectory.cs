using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;
using PushFunctions.Relay.Storage;

namespace PushFunctions.Relay.Devices;

/// <summary>
/// The relay's state: device instances, their registrations and message queues, and the polls waiting on them.
/// Held in memory (loaded from storage at startup) so a poll or a POST costs no storage read; every change is
/// written through to storage before it is answered.
/// </summary>
public sealed class DeviceDirectory(
    IRelayStore store,
    RelaySigner signer,
    PollDeadlines deadlines,
    TimeProvider timeProvider,
    IOptions<RelayOptions> options)
{
    private readonly ConcurrentDictionary<string, DeviceInstance> instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Registration> registrationsByToken = new(StringComparer.Ordinal);
    private readonly RelayOptions settings = options.Value;

    public int InstanceCount => instances.Count;

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await store.InitializeAsync(cancellationToken);
        var snapshot = await store.LoadAsync(cancellationToken);
        var highestIds = snapshot.Messages
            .GroupBy(stored => stored.InstanceId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Max(stored => stored.Message.Id), StringComparer.Ordinal);
        foreach (var stored in snapshot.Instances)
        {
            var lastIssued = Math.Max(
                highestIds.GetValueOrDefault(stored.Id),
                snapshot.Watermarks.GetValueOrDefault(stored.Id));
            instances[stored.Id] = new DeviceInstance(stored.Id, stored.User, stored.LastActivity, lastIssued);
        }

        foreach (var registration in snapshot.Registrations)
        {
            if (instances.TryGetValue(registration.InstanceId, out var instance))
            {
                instance.Registrations[registration.AppName] = registration;
                registrationsByToken[registration.Token] = registration;
            }
        }

        foreach (var stored in snapshot.Messages.OrderBy(stored => stored.Message.Id))
        {
            if (instances.TryGetValue(stored.InstanceId, out var instance) && instance.Registrations.ContainsKey(stored.Message.AppName))
            {
                instance.Queue.Add(stored.Message);
            }
        }
    }

    public async Task<DeviceInstance> CreateInstanceAsync(string user, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var instance = new DeviceInstance(signer.Issue(SignedPurpose.Instance, user), user, now, lastIssuedId: 0);
        await store.SaveInstanceAsync(new StoredInstance(instance.Id, user, now), cancellationToken);
        instances[instance.Id] = instance;
        return instance;
    }

    /// <summary>The live instance with this id, or null when it never existed, was deleted or has expired.</summary>
    public DeviceInstance? Find(string instanceId) =>
        instances.TryGetValue(instanceId, out var instance) && !IsExpired(instance) ? instance : null;

    public Registration? FindByToken(string token) =>
        registrationsByToken.TryGetValue(token, out var registration) && Find(registration.InstanceId) is not null ? registration : null;

    /// <summary>Records device activity; writes it to storage only when the stored value is getting old.</summary>
    public async Task TouchAsync(DeviceInstance instance, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        instance.Touch(now);

        // Writing on every poll would cost a write per poll; a thirtieth of the lifetime is precision enough for expiry.
        if (now - instance.PersistedActivity >= settings.RegistrationLifetime / 30)
        {
            instance.PersistedActivity = now;
            await store.TouchInstanceAsync(instance.Id, now, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the instance with its registrations and messages; a waiting poll is answered 410. Returns false when the
    /// instance had no registration (the original answers 404 for it: such an instance holds nothing), removing it all the same.
    /// </summary>
    public async Task<bool> RemoveInstanceAsync(DeviceInstance instance, CancellationToken cancellationToken = default)
    {
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.Removed)
            {
                return false;
            }

            var hadRegistrations = instance.Registrations.Count > 0;
            await store.DeleteInstanceAsync(
                instance.Id,
                instance.Registrations.Keys.ToList(),
                instance.Queue.Select(message => message.Id).ToList(),
                cancellationToken);
            instance.Removed = true;
            foreach (var registration in instance.Registrations.Values)
            {
                registrationsByToken.TryRemove(registration.Token, out _);
            }

            instance.Registrations.Clear();
            instance.Queue.Clear();
            instances.TryRemove(new KeyValuePair<string, DeviceInstance>(instance.Id, instance));
            instance.Poll?.TryAnswer(PollAnswer.Gone);
            return hadRegistrations;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>Registers the app on the instance, or returns the existing registration (the same token again).</summary>
    public async Task<Registration?> RegisterAsync(DeviceInstance instance, string user, string appName, CancellationToken cancellationToken = default)
    {
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.Removed)
            {
                return null;
            }

            if (instance.Registrations.TryGetValue(appName, out var existing))
            {
                return existing;
            }

            var registration = new Registration(instance.Id, user, appName, signer.Issue(SignedPurpose.RegistrationToken, appName));
            await store.SaveRegistrationAsync(registration, cancellationToken);
            instance.Registrations[appName] = registration;
            registrationsByToken[registration.Token] = registration;
            return registration;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    public async Task<Registration?> FindRegistrationAsync(DeviceInstance instance, string appName, CancellationToken cancellationToken = default)
    {
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            return instance.Registrations.GetValueOrDefault(appName);
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// Deletes the registration and its queued messages. A poll waiting on the instance is answered 410 only when this was
    /// the instance's last registration: the other apps' messages still come through that poll.
    /// </summary>
    public async Task<bool> UnregisterAsync(DeviceInstance instance, string appName, CancellationToken cancellationToken = default)
    {
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!instance.Registrations.TryGetValue(appName, out var registration))
            {
                return false;
            }

            var dropped = instance.Queue.Where(message => message.AppName == appName).Select(message => message.Id).ToList();
            if (dropped.Count > 0)
            {
                await store.DeleteMessagesAsync(instance.Id, dropped, instance.LastIssuedId, cancellationToken);
            }

            await store.DeleteRegistrationAsync(instance.Id, appName, cancellationToken);
            instance.Queue.RemoveAll(message => message.AppName == appName);
            instance.Registrations.Remove(appName);
            registrationsByToken.TryRemove(registration.Token, out _);
            if (instance.Registrations.Count == 0)
            {
                instance.Poll?.TryAnswer(PollAnswer.Gone);
            }

            return true;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>Queues a message for the token's registration (durably) and hands it to a waiting poll at once.</summary>
    public async Task<EnqueueOutcome> EnqueueAsync(string token, string? collapseId, string data, CancellationToken cancellationToken = default)
    {
        if (FindByToken(token) is not { } registration || !instances.TryGetValue(registration.InstanceId, out var instance))
        {
            return EnqueueOutcome.UnknownToken;
        }

        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!instance.Registrations.TryGetValue(registration.AppName, out var current) || current.Token != token)
            {
                return EnqueueOutcome.UnknownToken;
            }

            var place = collapseId is null
                ? -1
                : instance.Queue.FindIndex(queued => !queued.Delivered && queued.CollapseId == collapseId && queued.AppName == registration.AppName);
            if (place >= 0)
            {
                // Only an undelivered message collapses, so no poll is waiting (the queue is not empty): write, then replace.
                var replacement = new QueuedMessage(instance.Queue[place].Id, registration.AppName, token, collapseId, data);
                await store.SaveMessageAsync(new StoredMessage(instance.Id, replacement), cancellationToken);
                instance.Queue[place] = replacement;
                return EnqueueOutcome.Collapsed;
            }

            var message = new QueuedMessage(instance.LastIssuedId + 1, registration.AppName, token, collapseId, data);
            instance.LastIssuedId = message.Id;
            instance.Queue.Add(message);

            // A waiting device gets the message before it is written: storage latency stays off the delivery path, and
            // the write still completes before the backend is answered, for devices that are offline or crash before
            // acknowledging. A poll only waits while the queue is empty, so this message is the oldest.
            if (instance.Poll is { } poll && poll.TryAnswer(PollAnswer.Deliver(message)))
            {
                message.Delivered = true;
            }

            try
            {
                await store.SaveMessageAsync(new StoredMessage(instance.Id, message), cancellationToken);
            }
            catch
            {
                // Not durable: the backend is answered 503 and retries; a device that already got it may get it twice.
                instance.Queue.Remove(message);
                throw;
            }

            return EnqueueOutcome.Queued;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// Acknowledges messages up to <paramref name="lastMessage"/>, then answers with the oldest queued message, or
    /// waits for one until the poll timeout. Returns null when the instance has no registration (404).
    /// </summary>
    public async Task<PollAnswer?> NextMessageAsync(DeviceInstance instance, long? lastMessage, CancellationToken requestAborted)
    {
        WaitingPoll poll;
        await instance.Gate.WaitAsync(requestAborted);
        try
        {
            if (instance.Removed || instance.Registrations.Count == 0)
            {
                return null;
            }

            if (lastMessage is long acknowledged)
            {
                var acknowledgedIds = instance.Queue.TakeWhile(message => message.Id <= acknowledged).Select(message => message.Id).ToList();
                if (acknowledgedIds.Count > 0)
                {
                    await store.DeleteMessagesAsync(instance.Id, acknowledgedIds, instance.LastIssuedId, requestAborted);
                    instance.Queue.RemoveRange(0, acknowledgedIds.Count);
                }
            }

            if (instance.Queue.Count > 0)
            {
                instance.ReplacePoll(null)?.TryAnswer(PollAnswer.Superseded);
                instance.Queue[0].Delivered = true;
                return PollAnswer.Deliver(instance.Queue[0]);
            }

            poll = new WaitingPoll(timeProvider.GetTimestamp() + (long)(settings.PollTimeout.TotalSeconds * timeProvider.TimestampFrequency));
            instance.ReplacePoll(poll)?.TryAnswer(PollAnswer.Superseded);
            deadlines.Add(poll);
        }
        finally
        {
            instance.Gate.Release();
        }

        using (requestAborted.Register(static state => ((WaitingPoll)state!).TryAnswer(PollAnswer.Abandoned), poll))
        {
            var answer = await poll.Task;
            instance.ReleasePoll(poll);
            return answer;
        }
    }

    /// <summary>Removes every instance without device activity for the registration lifetime.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var instance in instances.Values)
        {
            if (IsExpired(instance) && await RemoveInstanceAsync(instance, cancellationToken))
            {
                removed++;
            }
        }

        return removed;
    }

    private bool IsExpired(DeviceInstance instance) =>
        timeProvider.GetUtcNow() - instance.LastActivity > settings.RegistrationLifetime;
}
