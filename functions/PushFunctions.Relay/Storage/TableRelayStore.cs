using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PushFunctions.Azure.Stores;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Storage.Log;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The relay's state in three tables. <c>{prefix}Instances</c> (partition = instance id, row "") and
/// <c>{prefix}Registrations</c> (partition = instance id, row = app name) change only when devices come and go.
/// <c>{prefix}Messages</c> carries the traffic as an append-only log of group commits (see <see cref="MessageLog"/>).
/// At startup everything is read back and the memory index rebuilt from it.
/// </summary>
public sealed class TableRelayStore : IRelayStore, IDisposable
{
    private const string InstanceRowKey = "";
    private const string UserProperty = "User";
    private const string LastActivityProperty = "LastActivity";
    private const string AppNameProperty = "AppName";
    private const string TokenProperty = "Token";

    private readonly TableServiceClient service;
    private readonly TableClient instances;
    private readonly TableClient registrations;
    private readonly TableClient messages;
    private readonly MessageLog log;

    /// <param name="commitLinger">How long a message handed to a waiting device waits for its acknowledgement before it is written.</param>
    // Native AOT: Azure.Data.Tables makes every TableEntity it reads (queries, GetEntityIfExistsAsync) with
    // Activator.CreateInstance<T>() and does not tell the trimmer to keep that constructor; without this it is trimmed away
    // and every read throws MissingMethodException. The relay reads only TableEntity (see PushFunctions.Relay.csproj).
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public TableRelayStore(TableServiceClient service, string tablePrefix, TimeSpan commitLinger, ILogger<TableRelayStore> logger)
    {
        ArgumentNullException.ThrowIfNull(service);
        this.service = service;
        instances = service.GetTableClient(tablePrefix + "Instances");
        registrations = service.GetTableClient(tablePrefix + "Registrations");
        messages = service.GetTableClient(tablePrefix + "Messages");
        log = new MessageLog(messages, commitLinger, logger);
    }

    /// <summary>The message log, for its compaction.</summary>
    public MessageLog Log => log;

    public TableClient InstancesTable => instances;

    public void Dispose() => log.Dispose();

    /// <summary>Creates the relay's tables where missing; the writer lease does it first, before the lease row is taken and any state is read.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in (TableClient[])[instances, registrations, messages])
        {
            await service.CreateTableIfMissingAsync(table.Name, cancellationToken);
        }
    }

    public async Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default)
    {
        var storedInstances = new List<StoredInstance>();
        await foreach (var entity in instances.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != WriterLease.PartitionKey)
            {
                storedInstances.Add(new StoredInstance(
                    entity.PartitionKey,
                    entity.GetString(UserProperty) ?? "",
                    entity.GetDateTimeOffset(LastActivityProperty) ?? DateTimeOffset.MinValue));
            }
        }

        var storedRegistrations = new List<Registration>();
        await foreach (var entity in registrations.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            storedRegistrations.Add(new Registration(
                entity.PartitionKey,
                entity.GetString(UserProperty) ?? "",
                entity.GetString(AppNameProperty) ?? TableKeys.Decode(entity.RowKey),
                entity.GetString(TokenProperty) ?? ""));
        }

        var state = await log.LoadAsync(cancellationToken);
        return new RelaySnapshot(storedInstances, storedRegistrations, [.. state.Messages], state.Watermarks);
    }

    public async Task SaveInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var entity = new TableEntity(instance.Id, InstanceRowKey)
        {
            [UserProperty] = instance.User,
            [LastActivityProperty] = instance.LastActivity,
        };
        await instances.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task TouchInstanceAsync(string instanceId, DateTimeOffset lastActivity, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(instanceId, InstanceRowKey) { [LastActivityProperty] = lastActivity };
        try
        {
            // A merge that must find the row: a touch racing a delete must not bring the instance back.
            await instances.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Deleted meanwhile: nothing to record.
        }
    }

    public async Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appNames);
        foreach (var appName in appNames)
        {
            await DeleteRowAsync(registrations, instanceId, TableKeys.Encode(appName), cancellationToken);
        }

        await DeleteRowAsync(instances, instanceId, InstanceRowKey, cancellationToken);
    }

    public async Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var entity = new TableEntity(registration.InstanceId, TableKeys.Encode(registration.AppName))
        {
            [UserProperty] = registration.User,
            [AppNameProperty] = registration.AppName,
            [TokenProperty] = registration.Token,
        };
        await registrations.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default) =>
        DeleteRowAsync(registrations, instanceId, TableKeys.Encode(appName), cancellationToken);

    public Task WriteMessageAsync(string instanceId, QueuedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return log.AppendAsync(
            LogRecord.Queued(new StoredMessage(instanceId, message.Id, message.AppName, message.CollapseId, message.Data, message.Enqueued)),
            awaitsAcknowledgement: message.Delivered);
    }

    public Task RemoveMessagesAsync(string instanceId, IReadOnlyCollection<QueuedMessage> messages, long? lastIssuedId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return log.AppendAsync(lastIssuedId is { } watermark
            ? LogRecord.Removed(instanceId, [.. messages.Select(message => message.Id)], watermark)
            : LogRecord.Deleted(instanceId));
    }

    private static async Task DeleteRowAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already gone is what was wanted.
        }
    }
}
