using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;
using PushFunctions.Relay.Storage;

namespace PushFunctions.Relay.Devices;

/// <summary>
/// The relay's state: device instances, their registrations and message queues, and the polls waiting on them.
/// Held in memory (loaded from storage at startup) so a poll or a POST costs no storage read. A new message is handed to
/// a waiting poll at once and answered 204 once its group commit is durable; an acknowledgement or any other removal is
/// durable before it is answered.
/// </summary>
public sealed class DeviceDirectory(
    IRelayStore store,
    RelaySigner signer,
    PollDeadlines deadlines,
    DroppedMessages dropped,
    TimeProvider timeProvider,
    IOptions<RelayOptions> options)
{
    private readonly ConcurrentDictionary<string, DeviceInstance> instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Registration> registrationsByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> instancesPerUser = new(StringComparer.Ordinal);
    private readonly RelayOptions settings = options.Value;

    public int InstanceCount => instances.Count;

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await store.LoadAsync(cancellationToken);
        var highestIds = snapshot.Messages
            .GroupBy(stored => stored.InstanceId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Max(stored => stored.Id), StringComparer.Ordinal);
        foreach (var stored in snapshot.Instances)
        {
            var lastIssued = Math.Max(highestIds.GetValueOrDefault(stored.Id), snapshot.Watermarks.GetValueOrDefault(stored.Id));
            instances[stored.Id] = new DeviceInstance(stored.Id, stored.User, stored.LastActivity, lastIssued) { Stored = true };
            CountInstance(stored.User, +1, enforceCap: false);
        }

        foreach (var registration in snapshot.Registrations)
        {
            if (instances.TryGetValue(registration.InstanceId, out var instance))
            {
                instance.Registrations[registration.AppName] = registration;
                registrationsByToken[registration.Token] = registration;
            }
        }

        foreach (var stored in snapshot.Messages.OrderBy(stored => stored.Id))
        {
            if (instances.TryGetValue(stored.InstanceId, out var instance) && instance.Registrations.TryGetValue(stored.AppName, out var registration))
            {
                instance.Queue.Add(new QueuedMessage(stored.Id, registration.AppName, registration.Token, stored.CollapseId, stored.Data, stored.Enqueued));
            }
        }
    }

    /// <summary>The live instance with this id, or null when it never registered, was deleted or has expired.</summary>
    public DeviceInstance? Find(string instanceId) =>
        instances.TryGetValue(instanceId, out var instance) && instance.Stored && !IsExpired(instance) ? instance : null;

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
    /// Registers the app on the instance (creating the instance's state on its first registration), or returns the
    /// existing registration (the same token again).
    /// </summary>
    public async Task<(RegisterOutcome Outcome, Registration? Registration)> RegisterAsync(
        string instanceId, string user, string appName, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var now = timeProvider.GetUtcNow();
            var instance = instances.GetOrAdd(instanceId, id => new DeviceInstance(id, user, now, lastIssuedId: 0));
            if (instance.Stored && IsExpired(instance))
            {
                await RemoveInstanceAsync(instance, cancellationToken);
                continue;
            }

            await instance.Gate.WaitAsync(cancellationToken);
            try
            {
                if (instance.Removed)
                {
                    // Deleted while this call waited: start again with a fresh instance.
                    continue;
                }

                if (instance.User != user)
                {
                    return (RegisterOutcome.OtherUser, null);
                }

                if (instance.Registrations.TryGetValue(appName, out var existing))
                {
                    return (RegisterOutcome.Registered, existing);
                }

                if (!instance.Stored && !await StoreNewInstanceAsync(instance, now, cancellationToken))
                {
                    return (RegisterOutcome.TooManyInstances, null);
                }

                var registration = new Registration(instance.Id, user, appName, signer.Issue(SignedPurpose.RegistrationToken, appName));
                await store.SaveRegistrationAsync(registration, cancellationToken);
                instance.Registrations[appName] = registration;
                registrationsByToken[registration.Token] = registration;
                return (RegisterOutcome.Registered, registration);
            }
            finally
            {
                instance.Gate.Release();
            }
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

            var removed = instance.Queue.Where(message => message.AppName == appName).ToList();
            if (removed.Count > 0)
            {
                await store.RemoveMessagesAsync(instance.Id, removed, instance.LastIssuedId);
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

    /// <summary>Deletes the instance with its registrations and messages; a waiting poll is answered 410.</summary>
    public async Task<bool> RemoveInstanceAsync(DeviceInstance instance, CancellationToken cancellationToken = default)
    {
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.Removed)
            {
                return false;
            }

            if (!instance.Stored)
            {
                // A first registration that failed before it was written left this behind: nothing to delete.
                Forget(instance);
                return false;
            }

            await store.RemoveMessagesAsync(instance.Id, instance.Queue, lastIssuedId: null);
            await store.DeleteInstanceAsync(instance.Id, instance.Registrations.Keys, cancellationToken);
            foreach (var registration in instance.Registrations.Values)
            {
                registrationsByToken.TryRemove(registration.Token, out _);
            }

            instance.Registrations.Clear();
            instance.Queue.Clear();
            Forget(instance);
            CountInstance(instance.User, -1, enforceCap: false);
            instance.Poll?.TryAnswer(PollAnswer.Gone);
            return true;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// Queues a message for the token's registration and hands it to a waiting poll at once; completes when the message is
    /// durable. A full queue drops its oldest message first.
    /// </summary>
    public async Task<EnqueueOutcome> EnqueueAsync(string token, string? collapseId, byte[] data, CancellationToken cancellationToken = default)
    {
        if (FindByToken(token) is not { } found || !instances.TryGetValue(found.InstanceId, out var instance))
        {
            return EnqueueOutcome.UnknownToken;
        }

        QueuedMessage message;
        Task written;
        var isNew = false;
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.Removed || !instance.Registrations.TryGetValue(found.AppName, out var registration) || registration.Token != token)
            {
                return EnqueueOutcome.UnknownToken;
            }

            var now = timeProvider.GetUtcNow();
            var place = collapseId is null
                ? -1
                : instance.Queue.FindIndex(queued => !queued.Delivered && queued.CollapseId == collapseId && queued.AppName == registration.AppName);
            if (place >= 0)
            {
                // Only an undelivered message collapses, so no poll is waiting (the queue is not empty).
                message = new QueuedMessage(instance.Queue[place].Id, registration.AppName, registration.Token, collapseId, data, now);
                instance.Queue[place] = message;
                written = store.WriteMessageAsync(instance.Id, message);
            }
            else
            {
                var droppedWrite = DropOldestOfFullQueue(instance);
                isNew = true;
                message = new QueuedMessage(instance.LastIssuedId + 1, registration.AppName, registration.Token, collapseId, data, now);
                instance.LastIssuedId = message.Id;
                instance.Queue.Add(message);

                // A waiting device gets the message before it is written: storage latency stays off the delivery path, and
                // the write still completes before the backend is answered, for devices that are offline or crash before
                // acknowledging. A poll only waits while the queue is empty, so this message is the oldest.
                if (instance.Poll is { } poll && poll.TryAnswer(PollAnswer.Deliver(message)))
                {
                    message.Delivered = true;
                }

                written = Task.WhenAll(droppedWrite, store.WriteMessageAsync(instance.Id, message));
            }
        }
        finally
        {
            instance.Gate.Release();
        }

        try
        {
            await written;
        }
        catch when (isNew)
        {
            // Not durable: the backend is answered 503 and retries; a device that already got it may get it twice.
            await instance.Gate.WaitAsync(CancellationToken.None);
            try
            {
                var index = instance.Queue.FindIndex(queued => ReferenceEquals(queued, message));
                if (index >= 0)
                {
                    instance.Queue.RemoveAt(index);
                }
            }
            finally
            {
                instance.Gate.Release();
            }

            throw;
        }

        return isNew ? EnqueueOutcome.Queued : EnqueueOutcome.Collapsed;
    }

    /// <summary>
    /// Acknowledges messages up to <paramref name="lastMessage"/> (and drops expired ones), then answers with the oldest
    /// queued message, or waits for one until the poll timeout. Returns null when the instance has no registration (404).
    /// </summary>
    public async Task<PollAnswer?> NextMessageAsync(DeviceInstance instance, long? lastMessage, CancellationToken requestAborted)
    {
        WaitingPoll poll;
        Task<PollAnswer> answered;
        await instance.Gate.WaitAsync(requestAborted);
        try
        {
            if (instance.Removed || instance.Registrations.Count == 0)
            {
                return null;
            }

            var acknowledged = lastMessage is long last ? instance.Queue.TakeWhile(message => message.Id <= last).Count() : 0;
            var expired = ExpiredMessages(instance, skip: acknowledged);
            if (acknowledged + expired.Count > 0)
            {
                var removed = instance.Queue.Take(acknowledged).Concat(expired).ToList();
                await store.RemoveMessagesAsync(instance.Id, removed, instance.LastIssuedId);
                RemoveFromQueue(instance, removed);
                CountExpired(expired.Count);
            }

            if (instance.Queue.Count > 0)
            {
                instance.ReplacePoll(null)?.TryAnswer(PollAnswer.Superseded);
                instance.Queue[0].Delivered = true;
                return PollAnswer.Deliver(instance.Queue[0]);
            }

            poll = new WaitingPoll(timeProvider.GetTimestamp() + (long)(settings.PollTimeout.TotalSeconds * timeProvider.TimestampFrequency), out answered);
            instance.ReplacePoll(poll)?.TryAnswer(PollAnswer.Superseded);
            deadlines.Add(poll);
        }
        finally
        {
            instance.Gate.Release();
        }

        using (requestAborted.Register(static state => ((WaitingPoll)state!).TryAnswer(PollAnswer.Abandoned), poll))
        {
            var answer = await answered;
            instance.ReleasePoll(poll);
            return answer;
        }
    }

    /// <summary>Removes every instance without device activity for the registration lifetime, and every expired message.</summary>
    public async Task<(int Instances, int Messages)> SweepExpiredAsync(CancellationToken cancellationToken = default)
    {
        var (removedInstances, removedMessages) = (0, 0);
        foreach (var instance in instances.Values)
        {
            if (IsExpired(instance))
            {
                removedInstances += await RemoveInstanceAsync(instance, cancellationToken) ? 1 : 0;
                continue;
            }

            await instance.Gate.WaitAsync(cancellationToken);
            try
            {
                var expired = ExpiredMessages(instance, skip: 0);
                if (expired.Count > 0 && !instance.Removed)
                {
                    await store.RemoveMessagesAsync(instance.Id, expired, instance.LastIssuedId);
                    RemoveFromQueue(instance, expired);
                    CountExpired(expired.Count);
                    removedMessages += expired.Count;
                }
            }
            finally
            {
                instance.Gate.Release();
            }
        }

        return (removedInstances, removedMessages);
    }

    /// <summary>
    /// Guarded by the instance's gate. Makes room for one more message by dropping the oldest; the removal joins the group
    /// commit of the new message.
    /// </summary>
    private Task DropOldestOfFullQueue(DeviceInstance instance)
    {
        var excess = instance.Queue.Count - settings.MaxQueuedMessages + 1;
        if (excess <= 0)
        {
            return Task.CompletedTask;
        }

        var oldest = instance.Queue.GetRange(0, excess);
        instance.Queue.RemoveRange(0, excess);
        dropped.CountQueueFull(excess);
        return store.RemoveMessagesAsync(instance.Id, oldest, instance.LastIssuedId + 1);
    }

    private List<QueuedMessage> ExpiredMessages(DeviceInstance instance, int skip)
    {
        var oldestKept = timeProvider.GetUtcNow() - settings.MessageLifetime;
        return instance.Queue.Skip(skip).Where(message => message.Enqueued < oldestKept).ToList();
    }

    private static void RemoveFromQueue(DeviceInstance instance, List<QueuedMessage> removed)
    {
        var gone = new HashSet<QueuedMessage>(removed, ReferenceEqualityComparer.Instance);
        instance.Queue.RemoveAll(gone.Contains);
    }

    private void CountExpired(int count)
    {
        if (count > 0)
        {
            dropped.CountExpired(count);
        }
    }

    /// <summary>Guarded by the instance's gate. Writes a new instance's row if its user may have one more.</summary>
    private async Task<bool> StoreNewInstanceAsync(DeviceInstance instance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!CountInstance(instance.User, +1, enforceCap: true))
        {
            Forget(instance);
            return false;
        }

        try
        {
            await store.SaveInstanceAsync(new StoredInstance(instance.Id, instance.User, now), cancellationToken);
        }
        catch
        {
            CountInstance(instance.User, -1, enforceCap: false);
            Forget(instance);
            throw;
        }

        instance.Stored = true;
        return true;
    }

    /// <summary>Adds or removes one of the user's instances; false (and nothing counted) when an addition passes the cap.</summary>
    private bool CountInstance(string user, int change, bool enforceCap)
    {
        lock (instancesPerUser)
        {
            var count = instancesPerUser.GetValueOrDefault(user) + change;
            if (enforceCap && count > settings.MaxInstancesPerUser)
            {
                return false;
            }

            if (count <= 0)
            {
                instancesPerUser.Remove(user);
            }
            else
            {
                instancesPerUser[user] = count;
            }

            return true;
        }
    }

    private void Forget(DeviceInstance instance)
    {
        instance.Removed = true;
        instances.TryRemove(new KeyValuePair<string, DeviceInstance>(instance.Id, instance));
    }

    private bool IsExpired(DeviceInstance instance) =>
        timeProvider.GetUtcNow() - instance.LastActivity > settings.RegistrationLifetime;
}
